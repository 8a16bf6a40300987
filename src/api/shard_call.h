// Copyright 2026 The Pylon Gateway Authors.
// Plumbing shared by the GatewayCache and Gateway services (internal to src/api):
//   CallCompletion  finishes a callback-API unary call exactly once, from whichever thread answers
//   FindShardRoute  the shard of this process that owns (bot, guild), or why there is none
//   RunOnShard      runs work on the shard's reactor when the shard is running and ready
//   FanOut          runs work on every shard of a bot concurrently; the last one to finish merges
//   FitResponse     keeps a repeated response field under the clients' 4 MiB inbound limit
//
// Threads (architecture §3): a gRPC thread resolves the call and posts; shard state is read only
// on the shard's reactor, and the call is finished from there.

#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/repeated_ptr_field.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include "base/ids.h"
#include "base/result.h"
#include "cache/shard_cache.h"
#include "control/control_plane.h"
#include "gateway/shard_host.h"

namespace pylon::api::internal {

inline grpc::Status UnavailableStatus(std::string message) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::move(message));
}

// The obligation to finish one unary call. Move-only; Finish may be called from any thread (gRPC
// allows it). Destroying an unfinished completion finishes the call with UNAVAILABLE, so no path
// (a closure dropped by a stopping reactor, a shard destroyed while a lookup waits) leaves a call
// hanging.
class CallCompletion {
 public:
  CallCompletion() = default;
  explicit CallCompletion(grpc::ServerUnaryReactor* reactor) : reactor_(reactor) {}
  CallCompletion(CallCompletion&& other) noexcept
      : reactor_(std::exchange(other.reactor_, nullptr)) {}
  CallCompletion& operator=(CallCompletion&& other) noexcept {
    if (this != &other) {
      Abandon();
      reactor_ = std::exchange(other.reactor_, nullptr);
    }
    return *this;
  }
  ~CallCompletion() { Abandon(); }

  bool pending() const { return reactor_ != nullptr; }
  void Finish(grpc::Status status) {
    if (reactor_ != nullptr) std::exchange(reactor_, nullptr)->Finish(std::move(status));
  }

 private:
  void Abandon() { Finish(UnavailableStatus("the shard stopped before answering")); }

  grpc::ServerUnaryReactor* reactor_ = nullptr;
};

// The route of the shard of this process that owns `guild` (guild 0: shard 0). UNAVAILABLE when
// the bot has no shard here, or not that one.
inline Result<gateway::ShardRoute> FindShardRoute(const gateway::RoutingTable& routes, BotId bot,
                                                  GuildId guild) {
  const gateway::RoutingTable::Bot* running = routes.FindBot(bot);
  if (running == nullptr || running->shards.empty()) {
    return Unavailable("bot " + bot.ToString() + " has no shard running");
  }
  const gateway::ShardRoute* route = routes.Find(bot, guild);
  if (route == nullptr) {
    return Unavailable("shard " + shard_for(guild, running->shard_count).ToString() + " of bot " +
                       bot.ToString() + " (guild " + guild.ToString() + ") is not running here");
  }
  return *route;
}

inline std::string NotReadyMessage(const gateway::Shard& shard) {
  return "shard " + shard.id().shard.ToString() + " of bot " + shard.id().bot.ToString() +
         " is not ready (connecting or resuming)";
}

// On the shard's reactor: fn(Shard&, const std::shared_ptr<ShardHandle>&, CallCompletion&) when
// the shard is running and ready; otherwise the call finishes UNAVAILABLE. If fn leaves `done`
// pending, the call finishes OK when fn returns (fn moves `done` away to answer later).
template <typename Fn>
void RunOnShard(const gateway::ShardRoute& route, CallCompletion done, Fn fn) {
  // A refused post destroys the closure, and with it `done`: UNAVAILABLE.
  route.reactor->Post(
      [handle = route.handle, done = std::move(done), fn = std::move(fn)]() mutable {
        gateway::Shard* shard = handle->shard;
        if (shard == nullptr) return done.Finish(UnavailableStatus("the shard stopped"));
        if (!shard->ready()) return done.Finish(UnavailableStatus(NotReadyMessage(*shard)));
        fn(*shard, handle, done);
        done.Finish(grpc::Status::OK);
      });
}

// Runs per_shard(Shard&, Slot&) on every shard of a bot running here, each on its own reactor,
// concurrently. When the last shard is done (on its reactor, or on the caller's thread if a reactor
// refused the work), merge(std::vector<Slot>&, CallCompletion&) runs if every shard answered;
// otherwise the call finishes with the first shard's error (a shard not ready or stopped:
// UNAVAILABLE). merge must not touch shard state: it runs on whichever thread finished last.
template <typename Slot, typename Merge>
class FanOut {
 public:
  template <typename PerShard>
  static void Run(const gateway::RoutingTable::Bot& bot, CallCompletion done, PerShard per_shard,
                  Merge merge) {
    if (bot.shards.empty()) return done.Finish(UnavailableStatus("the bot has no shard running"));
    auto state = std::make_shared<State>(bot.shards.size(), std::move(done), std::move(merge));
    size_t index = 0;
    for (const auto& [id, route] : bot.shards) {
      Part part(state, index++);
      route.reactor->Post([handle = route.handle, part = std::move(part), per_shard]() mutable {
        Answer& answer = part.answer();
        gateway::Shard* shard = handle->shard;
        if (shard == nullptr) return;  // keeps the default UNAVAILABLE
        if (!shard->ready()) {
          answer.status = UnavailableStatus(NotReadyMessage(*shard));
          return;
        }
        per_shard(*shard, answer.value);
        answer.status = grpc::Status::OK;
      });
    }
  }

 private:
  struct Answer {
    Slot value{};
    grpc::Status status = UnavailableStatus("the shard stopped before answering");
  };
  struct State {
    State(size_t n, CallCompletion d, Merge m)
        : answers(n), remaining(n), done(std::move(d)), merge(std::move(m)) {}
    std::vector<Answer> answers;  // answers[i] written only by part i
    std::atomic<size_t> remaining;
    CallCompletion done;
    Merge merge;

    void Complete() {
      std::vector<Slot> values;
      values.reserve(answers.size());
      for (Answer& answer : answers) {
        if (!answer.status.ok()) return done.Finish(answer.status);
        values.push_back(std::move(answer.value));
      }
      merge(values, done);
      done.Finish(grpc::Status::OK);
    }
  };
  // One shard's share; the last one destroyed (run or not) completes the call.
  class Part {
   public:
    Part(std::shared_ptr<State> state, size_t index) : state_(std::move(state)), index_(index) {}
    Part(Part&& other) noexcept = default;
    Part& operator=(Part&&) = delete;
    ~Part() {
      if (state_ && state_->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        state_->Complete();
      }
    }
    Answer& answer() { return state_->answers[index_]; }

   private:
    std::shared_ptr<State> state_;
    size_t index_;
  };
};

template <typename Slot, typename PerShard, typename Merge>
void RunOnEveryShard(const gateway::RoutingTable::Bot& bot, CallCompletion done, PerShard per_shard,
                     Merge merge) {
  FanOut<Slot, Merge>::Run(bot, std::move(done), std::move(per_shard), std::move(merge));
}

// With a guild-filtered worker-group token, a user is visible when it is the bot itself or a
// member of one of the group's guilds that this shard holds. Shard's reactor.
inline bool GroupSeesUser(const control::WorkerGroupView* group, const cache::ShardCache& cache,
                          BotId bot, UserId user) {
  if (group == nullptr || group->spec.guild_ids().empty() || user.value() == bot.value()) {
    return true;
  }
  for (uint64_t guild : group->spec.guild_ids()) {
    if (cache.HasMember(GuildId(guild), user)) return true;
  }
  return false;
}

// Drops elements from the end of `list` (the response's only field, number 1) until the response
// encodes to at most `max_bytes`. Returns how many were dropped.
template <typename T>
size_t FitResponse(google::protobuf::RepeatedPtrField<T>* list, size_t max_bytes) {
  using google::protobuf::io::CodedOutputStream;
  size_t total = 0;
  int keep = 0;
  for (; keep < list->size(); ++keep) {
    size_t size = (*list)[keep].ByteSizeLong();
    size_t encoded = 1 + CodedOutputStream::VarintSize64(size) + size;  // tag, length, bytes
    if (total + encoded > max_bytes) break;
    total += encoded;
  }
  size_t dropped = static_cast<size_t>(list->size() - keep);
  if (dropped > 0) list->DeleteSubrange(keep, static_cast<int>(dropped));
  return dropped;
}

}  // namespace pylon::api::internal
