// Copyright 2026 The Pylon Gateway Authors.

#include "dispatch/dispatcher.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <future>

#include "base/log.h"

namespace pylon::dispatch {
namespace {

constexpr size_t kMaxTrackedPositions = 1 << 20;  // per subscription (one byte each)

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

uint64_t HashString(std::string_view text) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return Mix(h);
}

std::string RandomTicket(uint64_t a, uint64_t b) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out = "rt_";
  uint64_t x = Mix(a ^ Mix(b));
  uint64_t y = Mix(b + 0x9e3779b97f4a7c15ull);
  for (int i = 0; i < 12; ++i) {
    out.push_back(kDigits[x % 36]);
    x /= 36;
    out.push_back(kDigits[y % 36]);
    y /= 36;
  }
  return out;
}

}  // namespace

// Shard reactors set and clear these; the dispatcher only reads them through posted wakes.
// Shards share a slot when their hashes collide; a wake then reads every shard of the slot.
struct Dispatcher::ShardWake {
  explicit ShardWake(size_t slots)
      : slot_count(std::max<size_t>(slots, 1)), waiting(new std::atomic<bool>[slot_count]) {
    for (size_t i = 0; i < slot_count; ++i) waiting[i].store(false, std::memory_order_relaxed);
  }
  size_t Slot(BotShard shard) const { return std::hash<BotShard>()(shard) % slot_count; }

  const size_t slot_count;
  std::unique_ptr<std::atomic<bool>[]> waiting;
  Dispatcher* dispatcher = nullptr;  // cleared (on the dispatcher's reactor) at destruction
  std::atomic<bool> alive{true};
};

// An event on its way to a consumer, with the shard it came from (for shard-key narrowing).
struct Dispatcher::RoutedEvent {
  gateway::LoggedEvent event;
  BotShard shard;
  uint32_t shard_count = 0;
};

struct Dispatcher::Consumer {
  explicit Consumer(Reactor& reactor) : heartbeat(reactor), grace(reactor) {}
  ConsumerId id = 0;
  std::string consumer_id;  // the worker's name for itself
  uint64_t hash = 0;        // for rendezvous hashing
  ConsumerRequest request;
  std::shared_ptr<ConsumerStream> stream;  // null while detached (grace period)
  bool writable = true;
  bool draining = false;
  uint64_t next_sequence = 1;
  uint64_t acked = 0;
  struct Entry {
    uint64_t sequence = 0;
    RoutedEvent routed;
  };
  std::deque<Entry> in_flight;     // sent, not acknowledged, in sequence order
  std::deque<RoutedEvent> queued;  // routed here, not yet sent
  uint32_t window = 1000;
  bool ack_requested = false;
  // The last sequence sent when an ack was asked for. A worker acks everything it received
  // before the request; one whose answer falls short is stuck (or acks without reading): no
  // more early requests until the next regular heartbeat, or they would ping-pong.
  uint64_t ack_request_upto = 0;
  bool ack_stalled = false;
  uint64_t nonce_counter = 0;
  MonoTime last_ack{};
  int64_t connected_unix_ms = 0;
  Timer heartbeat;
  Timer grace;
  std::vector<OutboundEvent> scratch;

  bool Accepts(std::string_view type, BotShard shard, uint32_t shard_count) const {
    if (!request.event_types.empty() && !request.event_types.count(type)) return false;
    if (request.shard_key) {
      const auto& [bot, key] = *request.shard_key;
      if (bot != shard.bot || key.first != shard.shard.value() || key.second != shard_count) {
        return false;
      }
    }
    return true;
  }
};

struct Dispatcher::Subscription {
  BotShard shard;
  // The shard this cursor reads. A bot restarted with new settings gets new shards (new logs, from
  // position 1) under the same id: the next read notices and starts over.
  std::shared_ptr<gateway::ShardHandle> handle;
  uint32_t shard_count = 0;
  uint64_t cursor = 0;    // the last log position read
  bool from_now = false;  // the first read starts at the end of the log
  // Exactly one of: a read is on its way (`reading`); the log was drained and a shard event wakes
  // us (`waiting`); neither: there may be more to read, and the next WakePulls reads it (the
  // group had no room, or this subscription is new).
  bool reading = false;
  bool waiting = false;
  // A wake for this shard's slot came while a read was on its way: that read may have missed an
  // event whose wake went to it, so read again rather than wait.
  bool rewake = false;
  bool listed = false;  // in its group's `readable` list
  // Delivery: every event at a log position <= done_upto is acknowledged (or not wanted, or
  // dropped and counted); `done` holds the positions after it that were read, true once
  // acknowledged. Its first entry is false whenever it is not empty.
  uint64_t done_upto = 0;
  std::deque<bool> done;

  // Positions up to `upto` not seen are done (skipped or overwritten).
  void SkipTo(uint64_t upto) {
    if (done.empty()) {
      done_upto = std::max(done_upto, upto);
      return;
    }
    while (done_upto + done.size() < upto) done.push_back(true);
  }
  void AddRead(uint64_t position, bool is_done) {
    SkipTo(position - 1);
    if (done.empty() && is_done) {
      done_upto = position;
      return;
    }
    done.push_back(is_done);
    // Bounded: an event that stays pending (one no consumer accepts, waiting for one that does)
    // stops holding checkpoints back once this many later events were read; the log no longer
    // holds it by then either. The event itself stays pending.
    while (done.size() > kMaxTrackedPositions) {
      done.pop_front();
      ++done_upto;
      while (!done.empty() && done.front()) {
        done.pop_front();
        ++done_upto;
      }
    }
  }
  void MarkDone(uint64_t position) {
    if (position <= done_upto || position - done_upto > done.size()) return;
    done[position - done_upto - 1] = true;
    while (!done.empty() && done.front()) {
      done.pop_front();
      ++done_upto;
    }
  }
};

struct Dispatcher::Group {
  std::string name;
  const control::WorkerGroupView* view = nullptr;  // in `config`
  std::shared_ptr<const control::ConfigSnapshot> config;
  uint32_t window = 1000;
  std::map<ConsumerId, std::unique_ptr<Consumer>> consumers;
  std::map<BotShard, Subscription> subscriptions;  // nodes never move: pointers below stay valid
  // Subscriptions in neither state (see Subscription) that WakePulls reads once there is room.
  // Rebuilt by SyncSubscriptions, so one missed here waits a second at most.
  std::vector<Subscription*> readable;
  uint64_t log_reads = 0;
  uint64_t delivered = 0;
  uint64_t acked = 0;
  uint64_t redelivered = 0;
  uint64_t dropped = 0;
  // Events whose consumer left when no other consumer could take them: kept (bounded) for the
  // next consumer that attaches.
  std::deque<RoutedEvent> orphans;
  LogEvery drop_log{1};
  bool Wants(const gateway::LoggedEvent& event, BotId bot) const {
    return view->AcceptsBot(bot) && (event.guild.is_zero() || view->AcceptsGuild(event.guild)) &&
           view->AcceptsEventType(event.type);
  }
};

Dispatcher::Dispatcher(Reactor& reactor, const Clock& clock, DispatchOptions options,
                       gateway::ShardHost& shards)
    : reactor_(reactor),
      clock_(clock),
      options_(options),
      shards_(shards),
      wake_(std::make_shared<ShardWake>(options_.wake_slots)) {
  wake_->dispatcher = this;
  // Pick up bots and shards that appear, once a second. The tick holds `wake`, not just `this`:
  // its timer may fire once more after the dispatcher is gone.
  reactor_.Post([this, wake = wake_] {
    if (!wake->alive.load()) return;
    auto timer = std::make_shared<Timer>(reactor_);
    auto tick = std::make_shared<std::function<void()>>();
    *tick = [this, wake, timer, weak = std::weak_ptr<std::function<void()>>(tick)] {
      if (!wake->alive.load() || shutting_down_) return;
      SyncSubscriptions();
      PublishDelivered();
      if (auto next = weak.lock()) timer->RunAfter(options_.sync_interval, [next] { (*next)(); });
    };
    sync_tick_ = tick;
    sync_timer_ = timer;  // cancelled by the destructor: its pending callback holds `tick`
    (*tick)();
  });
}

Dispatcher::~Dispatcher() {
  // Work posted by the public methods checks `alive` first: a stream's Detach (gRPC's OnDone) may
  // still be queued behind this destructor's call.
  wake_->alive.store(false);
  CallBlocking(reactor_, [this] {
    shutting_down_ = true;
    if (sync_timer_) sync_timer_->Cancel();  // breaks tick -> timer -> callback -> tick
    sync_timer_.reset();
    sync_tick_.reset();
    by_slot_.clear();
    groups_.clear();
    consumer_groups_.clear();
  });
}

void Dispatcher::UpdateConfig(std::shared_ptr<const control::ConfigSnapshot> config) {
  reactor_.Post([this, wake = wake_, config = std::move(config)]() mutable {
    if (wake->alive.load()) ApplyConfig(std::move(config));
  });
}

void Dispatcher::ApplyConfig(std::shared_ptr<const control::ConfigSnapshot> config) {
  config_ = config;
  // Groups that went away: their consumers get stream_closed{INVALID_IDENTITY}, as a worker that
  // identified for an unknown group would.
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (config->FindGroup(it->first) == nullptr) {
      for (auto& [id, consumer] : it->second->consumers) {
        if (consumer->stream) consumer->stream->Close(CloseReason::kInvalidIdentity);
        consumer_groups_.erase(id);
      }
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [name, view] : config->worker_groups) {
    auto& group = groups_[name];
    bool is_new = group == nullptr;
    if (is_new) {
      group = std::make_unique<Group>();
      group->name = name;
    }
    group->config = config;
    group->view = &view;
    group->window =
        view.spec.has_max_in_flight() ? view.spec.max_in_flight() : options_.default_max_in_flight;
    if (group->window == 0) group->window = options_.default_max_in_flight;
    for (auto& [id, consumer] : group->consumers) consumer->window = group->window;
    if (is_new) {
      // A group created now starts with the events that come from now on.
      auto routes = shards_.Routes();
      for (const auto& [bot, routed] : routes->bots) {
        if (!view.AcceptsBot(BotId(bot))) continue;
        for (const auto& [id, route] : routed.shards) {
          BotShard key{BotId(bot), ShardId(id)};
          Subscription& sub = group->subscriptions[key];
          sub.shard = key;
          sub.shard_count = routed.shard_count;
          sub.from_now = true;
        }
      }
    }
  }
  SyncSubscriptions();
}

void Dispatcher::SyncSubscriptions() {
  auto routes = shards_.Routes();
  for (auto& [name, group] : groups_) {
    for (const auto& [bot, routed] : routes->bots) {
      if (!group->view->AcceptsBot(BotId(bot))) continue;
      for (const auto& [id, route] : routed.shards) {
        BotShard key{BotId(bot), ShardId(id)};
        auto [it, inserted] = group->subscriptions.try_emplace(key);
        Subscription& sub = it->second;
        if (inserted) {
          // A shard we had not seen: everything it logged is new to every group.
          sub.shard = key;
          sub.shard_count = routed.shard_count;
        }
        sub.shard_count = routed.shard_count;
      }
    }
    // Shards that are gone.
    for (auto it = group->subscriptions.begin(); it != group->subscriptions.end();) {
      const auto* bot = routes->FindBot(it->first.bot);
      if (bot == nullptr || !bot->shards.count(it->first.shard.value()) ||
          !group->view->AcceptsBot(it->first.bot)) {
        it = group->subscriptions.erase(it);
      } else {
        ++it;
      }
    }
    group->readable.clear();
    for (auto& [key, sub] : group->subscriptions) {
      sub.listed = false;
      if (!sub.reading && !sub.waiting) MarkReadable(*group, sub);
    }
    WakePulls(*group);
  }
  by_slot_.clear();
  for (auto& [name, group] : groups_) {
    for (auto& [key, sub] : group->subscriptions) {
      by_slot_[wake_->Slot(key)].push_back({group.get(), &sub});
    }
  }
}

void Dispatcher::Delivered(Group& group, const RoutedEvent& routed) {
  auto it = group.subscriptions.find(routed.shard);
  if (it != group.subscriptions.end()) it->second.MarkDone(routed.event.position);
}

void Dispatcher::PublishDelivered() {
  // Per shard, the lowest position every group has delivered up to; sent to the shard (its
  // checkpoints hold back to it) when it changed.
  auto routes = shards_.Routes();
  std::unordered_map<BotShard, std::optional<uint64_t>> lowest;
  for (auto& [name, group] : groups_) {
    for (auto& [key, sub] : group->subscriptions) {
      if (sub.from_now) continue;  // before its first read "now" is not known: nothing to hold
      const auto* bot = routes->FindBot(key.bot);
      if (bot == nullptr) continue;
      auto route = bot->shards.find(key.shard.value());
      if (route == bot->shards.end()) continue;
      // Positions of another incarnation's log (a restarted shard, before the next read) mean
      // nothing to this one: hold it at its start.
      const uint64_t done = sub.handle == route->second.handle ? sub.done_upto : 0;
      auto& value = lowest[key];
      value = value ? std::min(*value, done) : done;
    }
  }
  for (const auto& [bot, routed] : routes->bots) {
    for (const auto& [id, route] : routed.shards) {
      BotShard key{BotId(bot), ShardId(id)};
      auto found = lowest.find(key);
      std::optional<uint64_t> value = found == lowest.end() ? std::nullopt : found->second;
      auto [it, fresh] = published_.try_emplace(key, value);
      if (!fresh && it->second == value) continue;
      it->second = value;
      std::shared_ptr<gateway::ShardHandle> handle = route.handle;
      route.reactor->Post([handle, value] {
        if (handle->shard != nullptr) handle->shard->SetDeliveredPosition(value);
      });
    }
  }
}

void Dispatcher::MarkReadable(Group& group, Subscription& sub) {
  sub.waiting = false;
  if (sub.listed) return;
  sub.listed = true;
  group.readable.push_back(&sub);
}

bool Dispatcher::GroupHasRoom(const Group& group) const {
  bool any = false;
  for (const auto& [id, consumer] : group.consumers) {
    if (consumer->draining) continue;
    any = true;
    if (consumer->queued.size() >= options_.max_queued_per_consumer) return false;
  }
  return any;  // no consumer at all: leave the events in the log until one comes
}

void Dispatcher::WakePulls(Group& group) {
  // Only the listed subscriptions: a drained log is read again when its shard logs something
  // (OnShardEvent), not here, which would be a busy loop of empty reads between this reactor and
  // the shards'; and nothing here walks every subscription (a bot may have thousands of shards).
  if (group.readable.empty() || !GroupHasRoom(group)) return;
  std::vector<Subscription*> readable;
  readable.swap(group.readable);
  for (Subscription* sub : readable) {
    sub->listed = false;
    if (!sub->reading && !sub->waiting) Pull(group, *sub);
  }
}

void Dispatcher::Pull(Group& group, Subscription& sub) {
  // One read at a time per subscription: a second read from the same cursor would route the
  // same events twice.
  if (sub.reading) return;
  auto routes = shards_.Routes();
  const auto* bot = routes->FindBot(sub.shard.bot);
  const gateway::ShardRoute* route = nullptr;
  if (bot != nullptr) {
    auto found = bot->shards.find(sub.shard.shard.value());
    if (found != bot->shards.end()) route = &found->second;
  }
  if (route == nullptr) {
    // Not routed right now (its bot restarting: new shards log before their routes are
    // published). The wake that brought us here is spent, so waiting would wait forever: read
    // again at the next WakePulls (or the subscription sync drops it if the shard is gone).
    MarkReadable(group, sub);
    return;
  }
  if (sub.handle != route->handle) {
    if (sub.handle != nullptr) {
      log::Info(
          "worker group {}: bot {} shard {} was restarted; reading its new log from the start",
          group.name, sub.shard.bot.value(), sub.shard.shard.value());
      sub.cursor = 0;
      sub.from_now = false;
      sub.done_upto = 0;
      sub.done.clear();
    }
    sub.handle = route->handle;
  }
  sub.reading = true;
  sub.waiting = false;
  ++group.log_reads;
  std::string group_name = group.name;
  uint64_t cursor = sub.cursor;
  bool from_now = sub.from_now;
  size_t batch = options_.read_batch;
  BotShard shard = sub.shard;
  std::shared_ptr<gateway::ShardHandle> handle = route->handle;
  std::shared_ptr<ShardWake> wake = wake_;
  Reactor& dispatch = reactor_;
  bool posted = route->reactor->Post([=, this, &dispatch]() mutable {
    std::vector<gateway::LoggedEvent> events;
    uint64_t missed = 0;
    uint64_t last = 0;
    if (handle->shard != nullptr) {
      const gateway::EventLog& log = handle->shard->log();
      if (from_now) cursor = log.last_position();
      missed = log.ReadAfter(cursor, batch, &events);
      last = log.last_position();
      if (events.size() < batch) {
        // Drained: the next event this shard logs wakes the dispatcher (same thread: no race).
        wake->waiting[wake->Slot(shard)].store(true, std::memory_order_relaxed);
      }
    }
    const bool gone = handle->shard == nullptr;
    uint64_t new_cursor = events.empty() ? (from_now ? last : cursor) : events.back().position;
    dispatch.Post([this, group_name, shard, events = std::move(events), missed, new_cursor, gone,
                   wake]() mutable {
      if (!wake->alive.load()) return;
      OnBatch(group_name, shard, std::move(events), missed, new_cursor, gone);
    });
  });
  if (!posted) sub.reading = false;
}

void Dispatcher::OnBatch(const std::string& group_name, BotShard shard,
                         std::vector<gateway::LoggedEvent> events, uint64_t missed,
                         uint64_t new_cursor, bool shard_gone) {
  Group* group = FindGroup(group_name);
  if (group == nullptr) return;
  auto it = group->subscriptions.find(shard);
  if (it == group->subscriptions.end()) return;
  Subscription& sub = it->second;
  sub.reading = false;
  if (shard_gone) {
    // The shard stopped before the read ran: nothing was read and no wake armed. Read again:
    // the route now names its successor, or nothing (then it waits in the readable list).
    if (GroupHasRoom(*group)) {
      Pull(*group, sub);
    } else {
      MarkReadable(*group, sub);
    }
    return;
  }
  sub.from_now = false;
  // A short batch drained the log and armed the shard's wake; a full one, or a wake that came
  // during the read, means there may be more.
  const bool more = events.size() >= options_.read_batch || sub.rewake;
  sub.rewake = false;
  sub.waiting = !more;
  if (missed > 0) {
    group->dropped += missed;
    if (group->drop_log.ShouldLog()) {
      log::Warn(
          "worker group {}: {} events of bot {} shard {} were overwritten in the shard log "
          "before the group read them (consumers too slow); {} dropped so far",
          group->name, missed, shard.bot.value(), shard.shard.value(), group->dropped);
    }
  }
  for (gateway::LoggedEvent& event : events) {
    const bool wanted = group->Wants(event, shard.bot);
    sub.AddRead(event.position, /*is_done=*/!wanted);
    if (wanted) Route(*group, {std::move(event), shard, sub.shard_count});
  }
  sub.SkipTo(new_cursor);
  sub.cursor = std::max(sub.cursor, new_cursor);
  // Pumping may already start the next read (when a consumer's queue runs low).
  PumpGroup(*group);
  if (!more) return;
  if (GroupHasRoom(*group)) {
    Pull(*group, sub);
  } else {
    MarkReadable(*group, sub);
  }
}

void Dispatcher::OnShardEvent(gateway::Shard& shard, const gateway::LoggedEvent& event) {
  (void)event;
  size_t slot = wake_->Slot(shard.id());
  if (!wake_->waiting[slot].exchange(false, std::memory_order_relaxed)) return;
  std::shared_ptr<ShardWake> wake = wake_;
  reactor_.Post([this, wake, slot] {
    if (!wake->alive.load() || shutting_down_) return;
    // Every subscription in the slot (shards may share one) reads again after this wake: the
    // slot is disarmed now, so a later event of any of them wakes nobody until a read re-arms it.
    auto it = by_slot_.find(slot);
    if (it == by_slot_.end()) return;
    for (auto [group, sub] : it->second) {
      if (sub->reading) {
        sub->rewake = true;
      } else if (sub->waiting) {
        if (GroupHasRoom(*group)) {
          Pull(*group, *sub);
        } else {
          MarkReadable(*group, *sub);  // read by WakePulls once the group has room
        }
      }
    }
  });
}

Dispatcher::Consumer* Dispatcher::Owner(Group& group, const RoutedEvent& routed,
                                        const Consumer* excluding) {
  const gateway::LoggedEvent& event = routed.event;
  uint64_t key = !event.guild.is_zero()   ? event.guild.value()
                 : event.routing_key != 0 ? event.routing_key
                                          : std::hash<BotShard>()(routed.shard);
  Consumer* best = nullptr;
  uint64_t best_score = 0;
  for (auto& [id, consumer] : group.consumers) {
    if (consumer.get() == excluding || consumer->draining ||
        !consumer->Accepts(event.type, routed.shard, routed.shard_count)) {
      continue;
    }
    uint64_t score = Mix(key ^ consumer->hash);
    if (best == nullptr || score > best_score) {
      best = consumer.get();
      best_score = score;
    }
  }
  return best;
}

void Dispatcher::Route(Group& group, RoutedEvent routed) {
  Consumer* owner = Owner(group, routed, nullptr);
  if (owner == nullptr) return;  // no consumer takes this event type or shard: not wanted
  owner->queued.push_back(std::move(routed));
}

void Dispatcher::PumpGroup(Group& group) {
  for (auto& [id, consumer] : group.consumers) Pump(*consumer);
}

void Dispatcher::Pump(Consumer& c) {
  if (!c.stream || !c.writable || c.draining) return;
  Group* group = consumer_groups_[c.id];
  while (!c.queued.empty() && c.in_flight.size() < c.window) {
    size_t room = c.window - c.in_flight.size();
    size_t n = std::min({room, c.queued.size(), options_.batch_max_events});
    c.scratch.clear();
    for (size_t i = 0; i < n; ++i) {
      RoutedEvent& routed = c.queued[i];
      uint64_t sequence = c.next_sequence++;
      c.scratch.push_back({sequence, routed.event.received_unix_us, routed.event.body});
      c.in_flight.push_back({sequence, std::move(routed)});
    }
    c.queued.erase(c.queued.begin(), c.queued.begin() + static_cast<std::ptrdiff_t>(n));
    if (group != nullptr) group->delivered += n;
    bool more = c.stream->SendEvents(c.scratch);
    if (!more) {
      c.writable = false;
      break;
    }
  }
  // Half the window waiting for acks: ask for one now rather than at the next heartbeat.
  if (!c.ack_requested && !c.ack_stalled && c.in_flight.size() * 2 >= c.window && c.stream) {
    c.ack_requested = true;
    c.ack_request_upto = c.next_sequence - 1;
    c.stream->SendHeartbeatRequest("ack-" + std::to_string(++c.nonce_counter));
  }
  if (group != nullptr && c.queued.size() < options_.max_queued_per_consumer / 2) {
    WakePulls(*group);
  }
}

void Dispatcher::Attach(ConsumerRequest request, std::shared_ptr<ConsumerStream> stream,
                        UniqueFunction<void(Result<std::pair<ConsumerId, std::string>>)> done) {
  reactor_.Post([this, wake = wake_, request = std::move(request), stream = std::move(stream),
                 done = std::move(done)]() mutable {
    if (!wake->alive.load()) return;
    Group* group = FindGroup(request.group);
    if (group == nullptr) {
      done(NotFound("unknown worker group '" + request.group + "'"));
      return;
    }
    // The same worker coming back (within the grace period, or replacing a live stream).
    Consumer* consumer = nullptr;
    for (auto& [id, existing] : group->consumers) {
      if (existing->consumer_id == request.consumer_id && !existing->draining) {
        consumer = existing.get();
      }
    }
    if (consumer != nullptr && consumer->stream) {
      consumer->stream->Close(std::nullopt);  // replaced by the new connection
    }
    if (consumer == nullptr) {
      auto fresh = std::make_unique<Consumer>(reactor_);
      fresh->id = next_consumer_++;
      fresh->consumer_id = request.consumer_id;
      fresh->hash = HashString(request.group + "/" + request.consumer_id);
      fresh->next_sequence = request.last_sequence + 1;  // sequences keep growing for the worker
      fresh->acked = request.last_sequence;
      fresh->window = group->window;
      consumer = fresh.get();
      consumer_groups_[fresh->id] = group;
      group->consumers[fresh->id] = std::move(fresh);
    } else {
      // Everything up to last_sequence was received: acknowledged. The rest is sent again, in
      // order, with the sequence numbers it had.
      uint64_t received = request.last_sequence;
      while (!consumer->in_flight.empty() && consumer->in_flight.front().sequence <= received) {
        Delivered(*group, consumer->in_flight.front().routed);
        consumer->in_flight.pop_front();
        ++group->acked;
      }
      consumer->acked = std::max(consumer->acked, received);
      consumer->grace.Cancel();
    }
    consumer->request = std::move(request);
    consumer->stream = stream;
    consumer->writable = true;
    consumer->ack_requested = false;
    consumer->ack_stalled = false;
    consumer->last_ack = clock_.Now();
    consumer->connected_unix_ms = clock_.UnixMs();
    StartHeartbeats(*consumer);
    // Events left behind by consumers that went away while nobody could take them.
    std::deque<RoutedEvent> orphans = std::move(group->orphans);
    group->orphans.clear();
    for (auto& routed : orphans) {
      Consumer* owner = Owner(*group, routed, nullptr);
      if (owner != nullptr) {
        owner->queued.push_back(std::move(routed));
      } else {
        group->orphans.push_back(std::move(routed));
      }
    }
    done(std::make_pair(consumer->id, RandomTicket(consumer->id, consumer->hash)));
    // After identify_response: what the worker had not received, in order, with the sequence
    // numbers it had.
    std::vector<OutboundEvent> resend;
    for (const auto& entry : consumer->in_flight) {
      resend.push_back(
          {entry.sequence, entry.routed.event.received_unix_us, entry.routed.event.body});
    }
    group->redelivered += resend.size();
    if (!resend.empty() && !stream->SendEvents(resend)) consumer->writable = false;
    Pump(*consumer);
    WakePulls(*group);
  });
}

void Dispatcher::Ack(ConsumerId id, std::string nonce, uint64_t sequence) {
  reactor_.Post([this, wake = wake_, id, nonce = std::move(nonce), sequence] {
    if (!wake->alive.load()) return;
    Consumer* c = FindConsumer(id);
    if (c == nullptr) return;
    Group* group = consumer_groups_[id];
    c->last_ack = clock_.Now();
    // The worker received everything up to `sequence` (Java sends the last received, and 0 when
    // nothing arrived yet).
    while (!c->in_flight.empty() && c->in_flight.front().sequence <= sequence) {
      if (group != nullptr) {
        Delivered(*group, c->in_flight.front().routed);
        ++group->acked;
      }
      c->in_flight.pop_front();
    }
    if (nonce.starts_with("ack-")) {
      c->ack_requested = false;
      c->ack_stalled = sequence < c->ack_request_upto;
    }
    c->acked = std::max(c->acked, std::min(sequence, c->next_sequence - 1));
    Pump(*c);
  });
}

void Dispatcher::OnWritable(ConsumerId id) {
  reactor_.Post([this, wake = wake_, id] {
    if (!wake->alive.load()) return;
    Consumer* c = FindConsumer(id);
    if (c == nullptr) return;
    c->writable = true;
    Pump(*c);
  });
}

void Dispatcher::Reroute(Group& group, Consumer& leaving) {
  // Unacknowledged first, then queued: the order they had. Their guilds now hash elsewhere.
  std::vector<RoutedEvent> events;
  for (auto& entry : leaving.in_flight) events.push_back(std::move(entry.routed));
  for (auto& routed : leaving.queued) events.push_back(std::move(routed));
  group.redelivered += leaving.in_flight.size();
  leaving.in_flight.clear();
  leaving.queued.clear();
  for (auto& routed : events) {
    Consumer* owner = Owner(group, routed, &leaving);
    if (owner != nullptr) {
      owner->queued.push_back(std::move(routed));
    } else if (group.orphans.size() < options_.max_queued_per_consumer * 4) {
      group.orphans.push_back(std::move(routed));
    } else {
      Delivered(group, routed);  // lost, not pending: it must not hold checkpoints back forever
      ++group.dropped;           // bounded: counted, and the log line says so
      if (group.drop_log.ShouldLog()) {
        log::Warn(
            "worker group {}: no consumer left and the waiting buffer is full; {} events "
            "dropped so far",
            group.name, group.dropped);
      }
    }
  }
}

void Dispatcher::Drain(ConsumerId id) {
  reactor_.Post([this, wake = wake_, id] {
    if (!wake->alive.load()) return;
    Consumer* c = FindConsumer(id);
    if (c == nullptr) return;
    Group* group = consumer_groups_[id];
    c->draining = true;  // out of the hash ring now
    if (group != nullptr) Reroute(*group, *c);
    if (c->stream) c->stream->Close(CloseReason::kDrainComplete);
    c->stream.reset();
    if (group != nullptr) {
      RemoveConsumer(*group, id);
      PumpGroup(*group);
    }
  });
}

void Dispatcher::Detach(ConsumerId id, const ConsumerStream* stream) {
  reactor_.Post([this, wake = wake_, id, stream] {
    if (!wake->alive.load()) return;
    Consumer* c = FindConsumer(id);
    if (c == nullptr || c->draining) return;
    if (stream != nullptr && c->stream != nullptr && c->stream.get() != stream) return;
    c->stream.reset();
    c->heartbeat.Cancel();
    // Keep its place (its guilds, its unacknowledged events) for the grace period.
    c->grace.RunAfter(options_.reconnect_grace, [this, id] { ExpireGrace(id); });
  });
}

void Dispatcher::ExpireGrace(ConsumerId id) {
  Consumer* c = FindConsumer(id);
  if (c == nullptr || c->stream) return;
  Group* group = consumer_groups_[id];
  if (group == nullptr) return;
  c->draining = true;
  Reroute(*group, *c);
  RemoveConsumer(*group, id);
  PumpGroup(*group);
}

void Dispatcher::RemoveConsumer(Group& group, ConsumerId id) {
  group.consumers.erase(id);
  consumer_groups_.erase(id);
}

void Dispatcher::StartHeartbeats(Consumer& c) {
  ConsumerId id = c.id;
  c.heartbeat.RunAfter(options_.heartbeat_interval, [this, id] { Heartbeat(id); });
}

void Dispatcher::Heartbeat(ConsumerId id) {
  Consumer* c = FindConsumer(id);
  if (c == nullptr || !c->stream) return;
  if (clock_.Now() - c->last_ack > options_.heartbeat_timeout) {
    log::Info("worker {}: no heartbeat ack for {} s; closing its stream", c->consumer_id,
              std::chrono::duration_cast<seconds>(options_.heartbeat_timeout).count());
    c->stream->Close(CloseReason::kHeartbeatTimeout);
    c->stream.reset();
    c->grace.RunAfter(options_.reconnect_grace, [this, id] { ExpireGrace(id); });
    return;
  }
  c->ack_stalled = false;
  c->stream->SendHeartbeatRequest("hb-" + std::to_string(++c->nonce_counter));
  StartHeartbeats(*c);
}

Dispatcher::Consumer* Dispatcher::FindConsumer(ConsumerId id) {
  auto it = consumer_groups_.find(id);
  if (it == consumer_groups_.end() || it->second == nullptr) return nullptr;
  auto consumer = it->second->consumers.find(id);
  return consumer == it->second->consumers.end() ? nullptr : consumer->second.get();
}

Dispatcher::Group* Dispatcher::FindGroup(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

void Dispatcher::Shutdown() {
  CallBlocking(reactor_, [this] {
    shutting_down_ = true;
    for (auto& [name, group] : groups_) {
      for (auto& [id, consumer] : group->consumers) {
        consumer->heartbeat.Cancel();
        consumer->grace.Cancel();
        if (consumer->stream) {
          // Ending the call OK without stream_closed makes both clients reconnect (contract §3).
          consumer->stream->Close(std::nullopt);
          consumer->stream.reset();
        }
      }
    }
  });
}

std::vector<GroupStatusRow> Dispatcher::Status() {
  auto rows = CallBlocking(reactor_, [this] {
    std::vector<GroupStatusRow> out;
    for (auto& [name, group] : groups_) {
      GroupStatusRow row;
      row.name = name;
      row.delivered = group->delivered;
      row.acked = group->acked;
      row.redelivered = group->redelivered;
      row.dropped = group->dropped;
      row.log_reads = group->log_reads;
      row.pending = group->orphans.size();
      for (auto& [id, c] : group->consumers) {
        row.pending += c->queued.size();
        ConsumerStatusRow cr;
        cr.group = name;
        cr.consumer_id = c->consumer_id;
        cr.attached = c->stream != nullptr;
        cr.draining = c->draining;
        cr.last_sent = c->next_sequence - 1;
        cr.acked = c->acked;
        cr.in_flight = static_cast<uint32_t>(c->in_flight.size());
        cr.queued = static_cast<uint32_t>(c->queued.size());
        cr.connected_unix_ms = c->connected_unix_ms;
        row.consumers.push_back(std::move(cr));
      }
      out.push_back(std::move(row));
    }
    return out;
  });
  return rows.value_or(std::vector<GroupStatusRow>{});
}

}  // namespace pylon::dispatch
