// Copyright 2026 The Pylon Gateway Authors.
// Shard: one Discord shard of one bot, end to end on one reactor. It owns the gateway session,
// the shard's cache, its member chunker and its event log, and turns every dispatch into one
// serialized EventEnvelope (architecture §4):
//
//   session (inflate, parse) -> cache apply (previous object) -> envelope, encoded once -> log
//
// Every event carries EventScope{bot, guild} (guild 0 for DMs and shard-level events) and, for the
// nine events that have the field, `previously_cached` whenever the cache held the object.
// Dispatches event.proto does not model are counted by name (threads, member chunks and the
// bot's user still update the cache).
//
// Lives on one reactor; every method must be called there.

#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "cache/shard_cache.h"
#include "discord/events.h"
#include "discord/gateway_session.h"
#include "gateway/event_log.h"
#include "gateway/member_chunker.h"

namespace pylon::gateway {

struct ShardConfig {
  discord::SessionConfig session;  // bot, token, intents, shard id/count, URLs, compression, TLS
  cache::CacheOptions cache;
  ChunkerOptions chunking;  // its intent flags are derived from session.intents
  size_t event_log_capacity = 1 << 16;
  uint64_t event_log_max_bytes = uint64_t{256} << 20;  // body bytes; EventLog's second bound
  // Undelivered events older than this no longer hold the checkpoint back (CommittedCheckpoint):
  // a group whose workers are gone must not push the RESUME point past what Discord still
  // replays, which would cost every group a new session.
  Duration checkpoint_hold = std::chrono::seconds(60);
};

// Where shards save their session so that a restarted process (or another node) resumes it.
class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;
  // Called on the shard's reactor; must not block for long.
  virtual void Save(BotShard shard, const discord::SessionCheckpoint& checkpoint) = 0;
  virtual std::optional<discord::SessionCheckpoint> Load(BotShard shard) = 0;
  virtual void Erase(BotShard shard) = 0;
};

// Whether Shard::Stats measures the cache's memory per kind. Measuring walks every cached object
// on the shard's reactor (about 0.6 ms per 100,000 members with their messages), so status pages
// and metrics ask for it and polling loops do not.
enum class CacheUsage : bool { kOmit, kMeasure };

struct ShardStats {
  discord::SessionStats session;
  uint64_t events_logged = 0;
  // Events pushed out of the bounded log by newer ones (normal once it is full). What a worker
  // group had not read by then is counted as dropped per group, by the dispatcher.
  uint64_t events_overwritten = 0;
  uint64_t event_log_bytes = 0;  // body bytes the log holds (bounded by event_log_max_bytes)
  uint64_t malformed = 0;
  std::map<std::string, uint64_t> unmodelled;  // by Discord event name
  cache::ShardCache::Counts cache_counts;
  std::array<cache::KindUsage, cache::kKindCount> cache_usage{};  // by cache::Kind; zero unless
                                                                  // CacheUsage::kMeasure
  uint32_t guilds = 0;
  // The sequence a restart would RESUME from (CommittedCheckpoint): behind session.sequence by
  // what some worker group has not acknowledged yet.
  uint64_t committed_sequence = 0;
  ChunkerProgress chunking;
};

class Shard final : public discord::GatewayEventHandler {
 public:
  // `scheduler` and `checkpoints` (may be null) must outlive the shard.
  Shard(Reactor& reactor, const Clock& clock, ShardConfig config,
        discord::IdentifyScheduler& scheduler, CheckpointStore* checkpoints);
  ~Shard() override;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  BotShard id() const { return id_; }
  Reactor& reactor() const { return reactor_; }

  // Starts the session, resuming from the saved checkpoint when there is one.
  void Start();
  // Stops; `keep_resumable` keeps Discord's session (and the checkpoint) for a later resume.
  void Stop(bool keep_resumable);

  cache::ShardCache& cache() { return *cache_; }
  const EventLog& log() const { return log_; }
  MemberChunker& chunker() { return *chunker_; }
  discord::GatewaySession& session() { return *session_; }
  bool ready() const { return session_->ready(); }

  // Called (on this reactor) after each event is appended to the log.
  void set_event_listener(std::function<void(const LoggedEvent&)> listener) {
    event_listener_ = std::move(listener);
  }

  ShardStats Stats(CacheUsage usage = CacheUsage::kMeasure) const;

  // Delivery (architecture §5, the committed sequence): every subscribed worker group has
  // acknowledged (or does not want) every logged event up to log position `position`; nullopt:
  // no group constrains this shard. Set by the dispatcher about once a second, on this reactor.
  // Checkpoints then never run ahead of it: a restarted process RESUMEs from before the first
  // event some group has not acknowledged, and Discord replays it.
  void SetDeliveredPosition(std::optional<uint64_t> position) { delivered_position_ = position; }
  // The session checkpoint to save: the session's, its sequence held back to the committed one.
  discord::SessionCheckpoint CommittedCheckpoint() const;

 private:
  // GatewayEventHandler.
  void OnHello(uint32_t) override {}
  void OnHeartbeatAck() override {}
  void OnHeartbeatRequest() override {}
  void OnReconnect() override {}
  void OnInvalidSession(bool resumable) override;
  void OnSequence(uint64_t seq) override { sequence_ = seq; }
  void OnReady(discord::ReadyEvent& event) override;
  void OnResumed() override;
  void OnGuildCreate(discord::GuildCreateEvent& event) override;
  void OnGuildUpdate(discord::GuildUpdateEvent& event) override;
  void OnGuildDelete(discord::GuildDeleteEvent& event) override;
  void OnRoleCreate(discord::RoleEvent& event) override;
  void OnRoleUpdate(discord::RoleEvent& event) override;
  void OnRoleDelete(discord::RoleDeleteEvent& event) override;
  void OnChannelCreate(discord::ChannelEvent& event) override;
  void OnChannelUpdate(discord::ChannelEvent& event) override;
  void OnChannelDelete(discord::ChannelEvent& event) override;
  void OnThreadCreate(discord::ChannelEvent& event) override;
  void OnThreadUpdate(discord::ChannelEvent& event) override;
  void OnThreadDelete(discord::ThreadDeleteEvent& event) override;
  void OnThreadListSync(discord::ThreadListSyncEvent& event) override;
  void OnMemberAdd(discord::MemberEvent& event) override;
  void OnMemberUpdate(discord::MemberEvent& event) override;
  void OnMemberRemove(discord::MemberRemoveEvent& event) override;
  void OnMembersChunk(discord::MembersChunkEvent& event) override;
  void OnPresenceUpdate(discord::PresenceEvent& event) override;
  void OnVoiceStateUpdate(discord::VoiceStateEvent& event) override;
  void OnEmojisUpdate(discord::EmojisUpdateEvent& event) override;
  void OnUserUpdate(discord::UserUpdateEvent& event) override;
  void OnMessageCreate(discord::MessageCreateEvent& event) override;
  void OnMessageUpdate(discord::MessageUpdateEvent& event) override;
  void OnMessageDelete(discord::MessageDeleteEvent& event) override;
  void OnMessageDeleteBulk(discord::MessageDeleteBulkEvent& event) override;
  void OnReaction(discord::ReactionEvent& event,
                  discord::pb::event::EventEnvelope& envelope) override;
  void OnPassthrough(std::string_view name, GuildId guild,
                     discord::pb::event::EventEnvelope& envelope) override;
  void OnUnmodelled(std::string_view name) override;
  void OnMalformed(std::string_view name, const Error& error) override;

  // Sets the scope of the event in `envelope` (whatever its case), serializes it, clears it and
  // logs it.
  void Emit(discord::pb::event::EventEnvelope& envelope, std::string_view type, GuildId guild,
            uint64_t routing_key = 0);
  // Appends a serialized envelope to the log (and tells the listener).
  void Log(std::string body, std::string_view type, GuildId guild, uint64_t routing_key);
  void Count(std::string_view unmodelled_name);
  void SaveCheckpoint();

  Reactor& reactor_;
  const Clock& clock_;
  ShardConfig config_;
  BotShard id_;
  CheckpointStore* checkpoints_;
  std::unique_ptr<cache::ShardCache> cache_;
  std::unique_ptr<MemberChunker> chunker_;
  std::unique_ptr<discord::GatewaySession> session_;
  EventLog log_;
  uint64_t sequence_ = 0;
  uint64_t malformed_ = 0;
  std::map<std::string, uint64_t, std::less<>> unmodelled_;
  std::function<void(const LoggedEvent&)> event_listener_;
  discord::pb::event::EventEnvelope envelope_;  // reused for every event
  std::string buffer_;  // a MESSAGE_CREATE's message, serialized, when the cache keeps none
  Timer checkpoint_timer_;
  uint64_t checkpointed_sequence_ = 0;
  std::optional<uint64_t> delivered_position_;
  uint64_t session_first_position_ = 0;  // the log position of the current session's READY
};

}  // namespace pylon::gateway
