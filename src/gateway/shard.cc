// Copyright 2026 The Pylon Gateway Authors.

#include "gateway/shard.h"

#include "base/log.h"
#include "cache/convert.h"
#include "gateway/envelope.h"

namespace pylon::gateway {

namespace ev = ::pylon::discord::v1::event;
namespace model = ::pylon::discord::v1::model;

namespace {
constexpr auto kCheckpointInterval = std::chrono::seconds(1);
}  // namespace

Shard::Shard(Reactor& reactor, const Clock& clock, ShardConfig config,
             discord::IdentifyScheduler& scheduler, CheckpointStore* checkpoints)
    : reactor_(reactor),
      clock_(clock),
      config_(std::move(config)),
      id_{config_.session.bot, ShardId(config_.session.shard_id)},
      checkpoints_(checkpoints),
      log_(config_.event_log_capacity, config_.event_log_max_bytes),
      checkpoint_timer_(reactor) {
  cache_ = std::make_unique<cache::ShardCache>(config_.session.bot, config_.cache);
  ChunkerOptions chunking = config_.chunking;
  chunking.has_members_intent = (config_.session.intents >> 1) & 1;
  chunking.has_presences_intent = (config_.session.intents >> 8) & 1;
  session_ =
      std::make_unique<discord::GatewaySession>(reactor, clock, config_.session, scheduler, *this);
  chunker_ = std::make_unique<MemberChunker>(
      reactor, clock, chunking,
      [this](int op, std::string d) { return session_->SendCommand(op, std::move(d)); });
}

Shard::~Shard() {
  checkpoint_timer_.Cancel();
  chunker_.reset();
  session_.reset();
}

void Shard::Start() {
  std::optional<discord::SessionCheckpoint> checkpoint;
  if (checkpoints_ != nullptr) checkpoint = checkpoints_->Load(id_);
  if (checkpoint && checkpoint->valid()) {
    log::Info("bot {} shard {}: resuming saved session at sequence {}", id_.bot.value(),
              id_.shard.value(), checkpoint->sequence);
  }
  session_->Start(checkpoint);
  checkpoint_timer_.RunAfter(kCheckpointInterval, [this] { SaveCheckpoint(); });
}

void Shard::Stop(bool keep_resumable) {
  checkpoint_timer_.Cancel();
  if (keep_resumable) {
    // Save exactly where we stop: the next owner resumes from here.
    if (checkpoints_ != nullptr) checkpoints_->Save(id_, CommittedCheckpoint());
  } else if (checkpoints_ != nullptr) {
    checkpoints_->Erase(id_);
  }
  session_->Stop(keep_resumable);
  chunker_->Reset();
}

void Shard::SaveCheckpoint() {
  if (checkpoints_ != nullptr) {
    discord::SessionCheckpoint checkpoint = CommittedCheckpoint();
    if (checkpoint.valid() && checkpoint.sequence != checkpointed_sequence_) {
      checkpoints_->Save(id_, checkpoint);
      checkpointed_sequence_ = checkpoint.sequence;
    }
  }
  checkpoint_timer_.RunAfter(kCheckpointInterval, [this] { SaveCheckpoint(); });
}

discord::SessionCheckpoint Shard::CommittedCheckpoint() const {
  discord::SessionCheckpoint checkpoint = session_->checkpoint();
  if (!delivered_position_ || *delivered_position_ >= log_.last_position()) return checkpoint;
  // The first event not yet delivered everywhere. Older than the log: overwritten, already
  // counted as dropped. Older than this session: Discord cannot replay it, but this session's
  // events after it are not delivered either: resume from the session's start.
  uint64_t first =
      std::max({*delivered_position_ + 1, log_.first_position(), session_first_position_});
  // Older than checkpoint_hold: not held for (ShardConfig). Receipt times grow with the position:
  // binary search.
  const int64_t oldest_us =
      clock_.UnixMs() * 1000 -
      std::chrono::duration_cast<std::chrono::microseconds>(config_.checkpoint_hold).count();
  uint64_t low = first, high = log_.last_position() + 1;
  while (low < high) {
    uint64_t middle = low + (high - low) / 2;
    const LoggedEvent* event = log_.At(middle);
    if (event != nullptr && event->received_unix_us < oldest_us) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  const LoggedEvent* event = log_.At(low);
  if (event != nullptr && event->discord_sequence > 0) {
    checkpoint.sequence = std::min(checkpoint.sequence, event->discord_sequence - 1);
  }
  return checkpoint;
}

ShardStats Shard::Stats(CacheUsage usage) const {
  ShardStats stats;
  stats.session = session_->stats();
  stats.committed_sequence = CommittedCheckpoint().sequence;
  stats.events_logged = log_.last_position();
  stats.events_overwritten = log_.overwritten();
  stats.event_log_bytes = log_.bytes();
  stats.malformed = malformed_;
  for (const auto& [name, count] : unmodelled_) stats.unmodelled[name] = count;
  stats.cache_counts = cache_->counts();
  if (usage == CacheUsage::kMeasure) {
    for (int kind = 0; kind < cache::kKindCount; ++kind) {
      stats.cache_usage[kind] = cache_->Usage(static_cast<cache::Kind>(kind));
    }
  }
  stats.guilds = static_cast<uint32_t>(stats.cache_counts.guilds);
  stats.chunking = chunker_->progress();
  return stats;
}

void Shard::Emit(ev::EventEnvelope& envelope, std::string_view type, GuildId guild,
                 uint64_t routing_key) {
  ev::EventScope* scope = MutableScope(envelope);
  if (scope == nullptr) {
    Count(type);  // never log an envelope without event data
    envelope.Clear();
    return;
  }
  scope->set_bot_id(id_.bot.value());
  scope->set_guild_id(guild.value());
  std::string body;  // sized exactly by the serializer; moved into the log, never copied
  envelope.SerializeToString(&body);
  envelope.Clear();
  Log(std::move(body), type, guild, routing_key);
}

void Shard::Log(std::string body, std::string_view type, GuildId guild, uint64_t routing_key) {
  LoggedEvent event;
  event.discord_sequence = sequence_;
  event.guild = guild;
  event.type = type;
  event.received_unix_us = clock_.UnixMs() * 1000;
  event.body = std::make_shared<const std::string>(std::move(body));
  event.routing_key = routing_key;
  const LoggedEvent& logged = log_.Append(std::move(event));
  if (event_listener_) event_listener_(logged);
}

void Shard::Count(std::string_view name) {
  auto it = unmodelled_.find(name);
  if (it == unmodelled_.end()) {
    if (unmodelled_.size() >= 256) {
      name = "(other)";  // bounded: a hostile peer can't grow the map without limit
      it = unmodelled_.find(name);
    }
    if (it == unmodelled_.end()) it = unmodelled_.emplace(std::string(name), 0).first;
  }
  ++it->second;
}

// ---------------------------------------------------------------------------------------------
// Session-level events

void Shard::OnInvalidSession(bool resumable) {
  if (!resumable) chunker_->Reset();
}

void Shard::OnReady(discord::ReadyEvent& event) {
  // A new session: the cache is rebuilt from this READY and the GUILD_CREATEs that follow.
  cache_->Clear();
  chunker_->Reset();
  cache_->ApplyReady(event);
  auto* ready = envelope_.mutable_ready_event();
  (void)ready;
  Emit(envelope_, "READY", GuildId(), id_.shard.value());
  session_first_position_ = log_.last_position();
  chunker_->OnSessionReady();
  if (checkpoints_ != nullptr) checkpoints_->Save(id_, CommittedCheckpoint());
}

void Shard::OnResumed() {
  envelope_.mutable_resume_event();
  Emit(envelope_, "RESUMED", GuildId(), id_.shard.value());
  chunker_->OnSessionReady();
  if (checkpoints_ != nullptr) checkpoints_->Save(id_, CommittedCheckpoint());
}

// ---------------------------------------------------------------------------------------------
// Guilds, roles, channels, threads

void Shard::OnGuildCreate(discord::GuildCreateEvent& event) {
  GuildId guild = event.guild.id;
  size_t members_received = event.members.size();
  uint32_t member_count = event.guild.member_count;
  bool unavailable = event.guild.unavailable;
  cache_->ApplyGuildCreate(event, envelope_.mutable_guild_create_event()->mutable_payload());
  Emit(envelope_, "GUILD_CREATE", guild);
  if (!unavailable) chunker_->OnGuildAvailable(guild, member_count, members_received);
}

void Shard::OnGuildUpdate(discord::GuildUpdateEvent& event) {
  GuildId guild = event.guild.id;
  auto* e = envelope_.mutable_guild_update_event();
  model::GuildData previous;
  if (cache_->ApplyGuildUpdate(event, &previous, e->mutable_payload())) {
    e->mutable_previously_cached()->Swap(&previous);
  }
  Emit(envelope_, "GUILD_UPDATE", guild);
}

void Shard::OnGuildDelete(discord::GuildDeleteEvent& event) {
  auto* e = envelope_.mutable_guild_delete_event();
  if (!cache_->ApplyGuildDelete(event, e->mutable_payload())) {
    // Not cached: the payload is what Discord sent (the id, and whether it is an outage).
    e->mutable_payload()->set_id(event.guild.value());
  }
  e->mutable_payload()->set_unavailable(event.unavailable);
  if (!event.unavailable) chunker_->OnGuildGone(event.guild);
  Emit(envelope_, "GUILD_DELETE", event.guild);
}

void Shard::OnRoleCreate(discord::RoleEvent& event) {
  GuildId guild = event.guild;
  cache_->ApplyRoleCreate(event, envelope_.mutable_guild_role_create_event()->mutable_payload());
  Emit(envelope_, "GUILD_ROLE_CREATE", guild);
}

void Shard::OnRoleUpdate(discord::RoleEvent& event) {
  GuildId guild = event.guild;
  auto* e = envelope_.mutable_guild_role_update_event();
  model::RoleData previous;
  if (cache_->ApplyRoleUpdate(event, &previous, e->mutable_payload())) {
    e->mutable_previously_cached()->Swap(&previous);
  }
  Emit(envelope_, "GUILD_ROLE_UPDATE", guild);
}

void Shard::OnRoleDelete(discord::RoleDeleteEvent& event) {
  auto* e = envelope_.mutable_guild_role_delete_event();
  if (!cache_->ApplyRoleDelete(event, e->mutable_payload())) {
    e->mutable_payload()->set_id(event.role.value());
    e->mutable_payload()->set_guild_id(event.guild.value());
  }
  Emit(envelope_, "GUILD_ROLE_DELETE", event.guild);
}

void Shard::OnChannelCreate(discord::ChannelEvent& event) {
  GuildId guild = event.channel.guild;
  ChannelId channel = event.channel.id;
  cache_->ApplyChannelCreate(event, envelope_.mutable_channel_create_event()->mutable_payload());
  Emit(envelope_, "CHANNEL_CREATE", guild, channel.value());
}

void Shard::OnChannelUpdate(discord::ChannelEvent& event) {
  GuildId guild = event.channel.guild;
  ChannelId channel = event.channel.id;
  auto* e = envelope_.mutable_channel_update_event();
  model::ChannelData previous;
  if (cache_->ApplyChannelUpdate(event, &previous, e->mutable_payload())) {
    e->mutable_previously_cached()->Swap(&previous);
  }
  Emit(envelope_, "CHANNEL_UPDATE", guild, channel.value());
}

void Shard::OnChannelDelete(discord::ChannelEvent& event) {
  GuildId guild = event.channel.guild;
  ChannelId channel = event.channel.id;
  auto* e = envelope_.mutable_channel_delete_event();
  // The payload is the channel as Discord sent it (complete); the cache drops it.
  cache::ToProto(event.channel, e->mutable_payload());
  (void)cache_->ApplyChannelDelete(event, nullptr);
  Emit(envelope_, "CHANNEL_DELETE", guild, channel.value());
}

// Threads are cached (they are channels to the cache API), but event.proto has no thread events:
// they are counted, not forwarded.
void Shard::OnThreadCreate(discord::ChannelEvent& event) {
  cache_->ApplyThreadCreate(event);
  Count("THREAD_CREATE");
}
void Shard::OnThreadUpdate(discord::ChannelEvent& event) {
  cache_->ApplyThreadUpdate(event);
  Count("THREAD_UPDATE");
}
void Shard::OnThreadDelete(discord::ThreadDeleteEvent& event) {
  cache_->ApplyThreadDelete(event);
  Count("THREAD_DELETE");
}
void Shard::OnThreadListSync(discord::ThreadListSyncEvent& event) {
  cache_->ApplyThreadListSync(event);
  Count("THREAD_LIST_SYNC");
}

// ---------------------------------------------------------------------------------------------
// Members, presences, voice, emojis, users

void Shard::OnMemberAdd(discord::MemberEvent& event) {
  GuildId guild = event.guild;
  cache_->ApplyMemberAdd(event, envelope_.mutable_guild_member_add_event()->mutable_payload());
  Emit(envelope_, "GUILD_MEMBER_ADD", guild);
}

void Shard::OnMemberUpdate(discord::MemberEvent& event) {
  GuildId guild = event.guild;
  auto* e = envelope_.mutable_guild_member_update_event();
  model::MemberData previous;
  if (cache_->ApplyMemberUpdate(event, &previous, e->mutable_payload())) {
    e->mutable_previously_cached()->Swap(&previous);
  }
  Emit(envelope_, "GUILD_MEMBER_UPDATE", guild);
}

void Shard::OnMemberRemove(discord::MemberRemoveEvent& event) {
  cache_->ApplyMemberRemove(event,
                            envelope_.mutable_guild_member_remove_event()->mutable_payload());
  Emit(envelope_, "GUILD_MEMBER_REMOVE", event.guild);
}

void Shard::OnMembersChunk(discord::MembersChunkEvent& event) {
  cache_->ApplyMembersChunk(event);
  chunker_->OnChunk(event);
  Count("GUILD_MEMBERS_CHUNK");
}

void Shard::OnPresenceUpdate(discord::PresenceEvent& event) {
  GuildId guild = event.guild;
  uint64_t user = event.presence.user.value();
  auto* e = envelope_.mutable_presence_update_event();
  model::PresenceData previous;
  if (cache_->ApplyPresenceUpdate(event, &previous, e->mutable_payload())) {
    e->mutable_previously_cached()->Swap(&previous);
  }
  Emit(envelope_, "PRESENCE_UPDATE", guild, user);
}

void Shard::OnVoiceStateUpdate(discord::VoiceStateEvent& event) {
  GuildId guild = event.guild;
  auto* e = envelope_.mutable_voice_state_update_event();
  model::VoiceStateData previous;
  if (cache_->ApplyVoiceStateUpdate(event, &previous, e->mutable_payload())) {
    e->mutable_previously_cached()->Swap(&previous);
  }
  Emit(envelope_, "VOICE_STATE_UPDATE", guild);
}

void Shard::OnEmojisUpdate(discord::EmojisUpdateEvent& event) {
  GuildId guild = event.guild;
  auto* e = envelope_.mutable_guild_emojis_update_event();
  e->mutable_payload()->set_guild_id(guild.value());
  google::protobuf::RepeatedPtrField<model::EmojiData> previous;
  if (cache_->ApplyEmojisUpdate(event, &previous, e->mutable_payload()->mutable_emojis())) {
    e->mutable_previously_cached()->set_guild_id(guild.value());
    e->mutable_previously_cached()->mutable_emojis()->Swap(&previous);
  }
  Emit(envelope_, "GUILD_EMOJIS_UPDATE", guild);
}

void Shard::OnUserUpdate(discord::UserUpdateEvent& event) {
  cache_->ApplyUserUpdate(event);
  Count("USER_UPDATE");
}

// ---------------------------------------------------------------------------------------------
// Messages

void Shard::OnMessageCreate(discord::MessageCreateEvent& event) {
  // The cache keeps the message serialized: the envelope is built around those bytes (exactly
  // what serializing EventEnvelope{message_create_event{scope, message_data}} gives) instead of
  // copying the parser's message into envelope_ and serializing it a second time.
  const std::string* stored = cache_->ApplyMessageCreate(event);
  std::string_view message;
  if (stored != nullptr) {
    message = *stored;
  } else if (event.message != nullptr) {
    buffer_.clear();
    event.message->SerializeToString(&buffer_);
    message = buffer_;
  }
  Log(EncodeMessageCreateEnvelope(id_.bot.value(), event.guild.value(), message), "MESSAGE_CREATE",
      event.guild, event.channel.value());
}

void Shard::OnMessageUpdate(discord::MessageUpdateEvent& event) {
  auto* e = envelope_.mutable_message_update_event();
  model::MessageData previous;
  model::MessageData current;
  bool cached = cache_->ApplyMessageUpdate(event, &previous, &current);
  if (cached) {
    e->mutable_previously_cached()->Swap(&previous);
    e->mutable_cached()->Swap(&current);
  } else if (IsCompleteMessage(event.present)) {
    // Not cached, but Discord sent the whole message: it is the merged message.
    e->mutable_cached()->Swap(&current);
  } else {
    BuildRawMessageUpdate(*event.message, event.present, e->mutable_raw());
  }
  Emit(envelope_, "MESSAGE_UPDATE", event.guild, event.channel.value());
}

void Shard::OnMessageDelete(discord::MessageDeleteEvent& event) {
  auto* e = envelope_.mutable_message_delete_event();
  e->mutable_payload()->set_id(event.id.value());
  e->mutable_payload()->set_channel_id(event.channel.value());
  e->mutable_payload()->set_guild_id(event.guild.value());
  model::MessageData previous;
  if (cache_->ApplyMessageDelete(event, &previous)) {
    e->mutable_previously_cached()->Swap(&previous);
  }
  Emit(envelope_, "MESSAGE_DELETE", event.guild, event.channel.value());
}

void Shard::OnMessageDeleteBulk(discord::MessageDeleteBulkEvent& event) {
  cache_->ApplyMessageDeleteBulk(event);
  auto* payload = envelope_.mutable_message_delete_bulk_event()->mutable_payload();
  for (MessageId id : event.ids) payload->add_ids(id.value());
  payload->set_channel_id(event.channel.value());
  payload->set_guild_id(event.guild.value());
  Emit(envelope_, "MESSAGE_DELETE_BULK", event.guild, event.channel.value());
}

void Shard::OnReaction(discord::ReactionEvent& event, ev::EventEnvelope& envelope) {
  cache_->ApplyReaction(event);
  std::string_view type = "MESSAGE_REACTION_ADD";
  switch (event.kind) {
    case discord::ReactionEvent::Kind::kAdd:
      type = "MESSAGE_REACTION_ADD";
      break;
    case discord::ReactionEvent::Kind::kRemove:
      type = "MESSAGE_REACTION_REMOVE";
      break;
    case discord::ReactionEvent::Kind::kRemoveAll:
      type = "MESSAGE_REACTION_REMOVE_ALL";
      break;
    case discord::ReactionEvent::Kind::kRemoveEmoji:
      type = "MESSAGE_REACTION_REMOVE_EMOJI";
      break;
  }
  Emit(envelope, type, event.guild, event.channel.value());
}

void Shard::OnPassthrough(std::string_view name, GuildId guild, ev::EventEnvelope& envelope) {
  Emit(envelope, StaticEventName(name), guild);
}

void Shard::OnUnmodelled(std::string_view name) { Count(name); }

void Shard::OnMalformed(std::string_view name, const Error& error) {
  ++malformed_;
  (void)name;
  (void)error;  // the session logs it (rate-limited)
}

}  // namespace pylon::gateway
