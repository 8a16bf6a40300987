// Copyright 2026 The Pylon Gateway Authors.
// /metrics: the Prometheus text exposition of what the components already count. Nothing is
// counted here: every figure is read, at scrape time, from the component that owns it (shard
// stats on their reactors, the dispatcher's status), so the event path carries no metrics code.

#pragma once

#include <string>
#include <vector>

#include "dispatch/dispatcher.h"
#include "gateway/shard_host.h"
#include "rest/rest_proxy.h"

namespace pylon::app {

// Appends one metric family: "# HELP", "# TYPE" and its samples.
class MetricsWriter {
 public:
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name,
              std::initializer_list<std::pair<std::string_view, std::string>> labels, double value);
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

struct RestFigures {
  rest::ProxyStats proxy;
  std::vector<rest::BotRestMetrics> bots;
};

std::string RenderMetrics(const std::vector<gateway::ShardSummary>& shards,
                          const std::vector<dispatch::GroupStatusRow>& groups,
                          const RestFigures& rest);

}  // namespace pylon::app
