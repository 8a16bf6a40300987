// Copyright 2026 The Pylon Gateway Authors.
// EventGenerator: drives a World with a stream of plausible changes. Each Step() picks an event
// kind from a weighted mix, a guild (weighted by its initial size), and targets consistent with
// the world (an existing message to delete, a user not yet in the guild to add, ...), then applies
// it through the World's mutation methods, which emit the dispatches. Deterministic for a given
// world, seed and clock.
//
// Rate control (events per second or flat out) belongs to the caller: call Step() or StepN(n)
// from a timer. Owned by the simulator and used on the World's reactor thread only.

#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sim/random.h"
#include "sim/world.h"

namespace pylon::sim {

enum class EventKind : uint8_t {
  kMessageCreate,
  kMessageUpdate,
  kMessageDelete,
  kMessageDeleteBulk,
  kReactionAdd,
  kReactionRemove,
  kReactionRemoveAll,
  kReactionRemoveEmoji,
  kTypingStart,
  kPresenceUpdate,
  kMemberAdd,
  kMemberUpdate,
  kMemberRemove,
  kUserUpdate,
  kChannelCreate,
  kChannelUpdate,
  kChannelDelete,
  kThreadCreate,
  kThreadUpdate,
  kThreadDelete,
  kRoleCreate,
  kRoleUpdate,
  kRoleDelete,
  kGuildUpdate,
  kEmojisUpdate,
  kVoiceStateUpdate,
  kInviteCreate,
  kInviteDelete,
  kBanAdd,
  kBanRemove,
  kPinsUpdate,
  kCount,
};
inline constexpr size_t kEventKindCount = static_cast<size_t>(EventKind::kCount);

// "MESSAGE_CREATE"-like name of the kind (the main dispatch it causes).
std::string_view EventKindName(EventKind kind);

// Relative weights of the event kinds.
struct EventMix {
  std::array<uint32_t, kEventKindCount> weights{};

  // The documented default (per 10,000 events): MESSAGE_CREATE 6000, TYPING_START 900,
  // MESSAGE_REACTION_ADD 800, PRESENCE_UPDATE 800, MESSAGE_UPDATE 500, MESSAGE_DELETE 300,
  // MESSAGE_REACTION_REMOVE 200, VOICE_STATE_UPDATE 100, GUILD_MEMBER_ADD 60,
  // GUILD_MEMBER_UPDATE 60, GUILD_MEMBER_REMOVE 50, CHANNEL_UPDATE 15, MESSAGE_DELETE_BULK 10,
  // REACTION_REMOVE_ALL 10, REACTION_REMOVE_EMOJI 10, THREAD_CREATE 10, THREAD_UPDATE 10,
  // GUILD_ROLE_UPDATE 10, USER_UPDATE 5, CHANNEL_CREATE 5, THREAD_DELETE 5, INVITE_CREATE 5,
  // CHANNEL_PINS_UPDATE 5, CHANNEL_DELETE 4, INVITE_DELETE 4, GUILD_ROLE_CREATE 3, GUILD_UPDATE 3,
  // GUILD_EMOJIS_UPDATE 3, GUILD_BAN_ADD 3, GUILD_ROLE_DELETE 2, GUILD_BAN_REMOVE 2.
  static EventMix Default();
  // Only `kind`.
  static EventMix Only(EventKind kind);
  // Every kind with the same weight.
  static EventMix Uniform();

  EventMix& Set(EventKind kind, uint32_t weight) {
    weights[static_cast<size_t>(kind)] = weight;
    return *this;
  }
  uint64_t Total() const;
};

struct EventGeneratorConfig {
  uint64_t seed = 1;
  EventMix mix = EventMix::Default();
  // A guild is picked with probability proportional to (its member count at construction)^this.
  // 0: uniform; 1: proportional to size (big guilds are busier).
  double guild_weight_exponent = 1.0;
  CountRange content_words{2, 24};
  double mention_probability = 0.03;
  double embed_probability = 0.02;
  double reply_probability = 0.05;
  double activity_share = 0.4;  // presences with an activity
};

struct EventGeneratorStats {
  uint64_t steps = 0;
  std::array<uint64_t, kEventKindCount> applied{};  // by the kind actually applied
  uint64_t fallbacks = 0;  // the picked kind had no target in the guild: MESSAGE_CREATE instead
  uint64_t errors = 0;     // a mutation failed (targets are chosen to be valid: a bug)
};

class EventGenerator {
 public:
  // `world` must outlive the generator.
  EventGenerator(World* world, const EventGeneratorConfig& config);

  // Applies one event; returns the kind applied (after a fallback, kMessageCreate).
  Result<EventKind> Step();
  // n Steps; stops at the first error.
  Status StepN(uint64_t n);

  const EventGeneratorStats& stats() const { return stats_; }
  const EventGeneratorConfig& config() const { return config_; }

 private:
  // Each Try* returns nullopt when the guild has no valid target for the kind.
  using Outcome = std::optional<Status>;
  Outcome Apply(EventKind kind, Guild& guild);
  Outcome TryMessageCreate(Guild& guild);
  Outcome TryMessageUpdate(const Guild& guild);
  Outcome TryMessageDelete(const Guild& guild);
  Outcome TryMessageDeleteBulk(const Guild& guild);
  Outcome TryReactionAdd(const Guild& guild);
  Outcome TryReactionRemove(const Guild& guild, EventKind kind);
  Outcome TryTypingStart(const Guild& guild);
  Outcome TryPresenceUpdate(const Guild& guild);
  Outcome TryMemberAdd(const Guild& guild);
  Outcome TryMemberUpdate(const Guild& guild);
  Outcome TryMemberRemove(const Guild& guild);
  Outcome TryUserUpdate(const Guild& guild);
  Outcome TryChannelCreate(const Guild& guild);
  Outcome TryChannelUpdate(const Guild& guild);
  Outcome TryChannelDelete(const Guild& guild);
  Outcome TryThreadCreate(const Guild& guild);
  Outcome TryThreadUpdate(const Guild& guild);
  Outcome TryThreadDelete(const Guild& guild);
  Outcome TryRoleCreate(const Guild& guild);
  Outcome TryRoleUpdate(const Guild& guild);
  Outcome TryRoleDelete(const Guild& guild);
  Outcome TryGuildUpdate(const Guild& guild);
  Outcome TryEmojisUpdate(const Guild& guild);
  Outcome TryVoiceStateUpdate(const Guild& guild);
  Outcome TryInviteCreate(const Guild& guild);
  Outcome TryInviteDelete(const Guild& guild);
  Outcome TryBanAdd(const Guild& guild);
  Outcome TryBanRemove(const Guild& guild);
  Outcome TryPinsUpdate(const Guild& guild);

  // Target pickers (nullptr / nullopt when none found after a few tries).
  Guild& PickGuild();
  const Channel* PickChannel(const Guild& guild, bool (*accept)(const Channel&));
  const Channel* PickChannelWithMessages(const Guild& guild, size_t min_messages = 1);
  const Member& PickMember(const Guild& guild);
  const Member* PickHuman(const Guild& guild, bool allow_owner);
  std::string MakeContent();
  // Fills content_ with random words (at most 2,000 characters).
  void FillContent();

  World* world_;
  EventGeneratorConfig config_;
  Random random_;
  std::vector<uint32_t> event_weights_;
  uint64_t event_total_ = 0;
  std::vector<uint64_t> guild_cumulative_;  // cumulative guild weights
  EventGeneratorStats stats_;
  // Reused buffers of TryMessageCreate.
  std::string content_;
  std::vector<Embed> embeds_;
};

}  // namespace pylon::sim
