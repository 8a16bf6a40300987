// Copyright 2026 The Pylon Gateway Authors.
// The simulator's admin HTTP API (JSON, under /_sim/): the world's current objects, so a test can
// compare a cache with the truth; what the simulator saw (identifies, resumes, sessions and the
// events they were sent, commands, close codes); faults on command or on a schedule; the event
// pump. Routes are listed in src/sim/README.md. Runs on the simulator's reactor.

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net/http.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"
#include "sim/event_pump.h"
#include "sim/gateway.h"
#include "sim/world.h"

namespace pylon::sim {

class AdminApi {
 public:
  AdminApi(Reactor& reactor, World& world, GatewayServer& gateway, EventPump& pump,
           EventGenerator& generator);
  ~AdminApi();

  // Handles a request whose path starts with /_sim/.
  void Handle(const net::HttpRequest& request, UniqueFunction<void(net::HttpResponse)> respond);

 private:
  struct Schedule;
  net::HttpResponse Route(const net::HttpRequest& request);
  net::HttpResponse InjectFault(const std::string& body);
  void RunSchedule(size_t index);

  Reactor& reactor_;
  World& world_;
  GatewayServer& gateway_;
  EventPump& pump_;
  EventGenerator& generator_;
  std::vector<std::unique_ptr<Schedule>> schedules_;
};

// A JSON response with status `status`.
net::HttpResponse JsonResponse(int status, std::string body);
// {"message": message, "code": code} with `status`.
net::HttpResponse JsonError(int status, std::string_view message, int code = 0);

}  // namespace pylon::sim
