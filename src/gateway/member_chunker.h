// Copyright 2026 The Pylon Gateway Authors.
// MemberChunker: when and how a shard asks Discord for guild members (gateway op 8), per the bot's
// chunking policy:
//   none            never
//   on_demand       only when asked (RequestAllMembers / RequestMembers)
//   on_miss         on_demand, plus single members a cache query missed (RequestMembers)
//   all_on_connect  on_miss, plus every guild whose GUILD_CREATE did not carry all its members, in
//                   the background after READY
// Requests are deduplicated (a member or guild already asked for is not asked again), specific
// members (on-miss) go before background guilds, all-member requests respect Discord's limit of
// one per guild per 30 s, and every request carries a nonce so its chunks are matched to it.
// Commands go through the session's limiter (120 per 60 s, heartbeats reserved).
//
// Owned by the shard's reactor.

#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "discord/events.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"

namespace pylon::gateway {

enum class ChunkingPolicy { kNone, kOnDemand, kOnMiss, kAllOnConnect };
std::string_view ChunkingPolicyName(ChunkingPolicy policy);

struct ChunkerOptions {
  ChunkingPolicy policy = ChunkingPolicy::kOnMiss;
  bool has_members_intent = false;    // GUILD_MEMBERS: needed to request all members
  bool has_presences_intent = false;  // GUILD_PRESENCES: ask for presences with the members
  Duration request_timeout = std::chrono::seconds(30);
  Duration all_members_interval = std::chrono::seconds(30);  // per guild (Discord's limit)
  uint32_t max_background_in_flight = 2;  // all-member requests awaiting their chunks
  size_t max_waiting_lookups = 10000;     // on-miss lookups waiting; more are refused (counted)
};

struct ChunkerProgress {
  uint64_t requests_sent = 0;
  uint64_t chunks_received = 0;
  uint64_t members_received = 0;
  uint64_t lookups_deduplicated = 0;
  uint64_t lookups_refused = 0;
  uint64_t timeouts = 0;
  uint32_t guilds_pending = 0;  // waiting for an all-members request
  uint32_t guilds_in_flight = 0;
  uint32_t guilds_complete = 0;
};

class MemberChunker {
 public:
  // `send` queues a gateway command (op, d JSON) on the session; false when it cannot.
  using Sender = std::function<bool(int op, std::string d_json)>;

  MemberChunker(Reactor& reactor, const Clock& clock, ChunkerOptions options, Sender send);
  ~MemberChunker();

  ChunkingPolicy policy() const { return options_.policy; }

  // A new session: forget what was asked (the cache is rebuilt); waiting lookups fail.
  void Reset();
  // The session is ready to send (after READY / RESUMED).
  void OnSessionReady();

  // After a GUILD_CREATE: with all_on_connect, a guild whose members did not all arrive is
  // queued for an all-members request.
  void OnGuildAvailable(GuildId guild, uint32_t member_count, size_t members_received);
  void OnGuildGone(GuildId guild);

  // Asks for all members of a guild (on_demand or above). False when the policy or intents forbid.
  bool RequestAllMembers(GuildId guild);
  // Asks for specific members. `done(true)` when Discord answered (found or not_found),
  // `done(false)` on timeout or reset. Deduplicated: a member already being fetched joins that
  // request. Allowed with on_miss and above (and on_demand).
  bool RequestMembers(GuildId guild, const std::vector<UserId>& users,
                      UniqueFunction<void(bool answered)> done);

  // A GUILD_MEMBERS_CHUNK arrived (after the cache applied it).
  void OnChunk(const discord::MembersChunkEvent& chunk);

  const ChunkerProgress& progress() const { return progress_; }

 private:
  struct Request {
    GuildId guild;
    bool all = false;
    std::vector<UserId> users;
    std::vector<UniqueFunction<void(bool)>> waiters;
    MonoTime sent_at{};
    uint32_t chunks = 0;
  };

  void Pump();
  void SendLookups(GuildId guild);
  bool SendAll(GuildId guild);
  void ExpireRequests();
  void Complete(const std::string& nonce, bool answered, bool pump = true);
  std::string NextNonce();

  Reactor& reactor_;
  const Clock& clock_;
  ChunkerOptions options_;
  Sender send_;
  bool ready_ = false;
  uint64_t nonce_counter_ = 0;
  std::unordered_map<std::string, Request> in_flight_;  // by nonce
  // On-miss lookups waiting to be sent, per guild (batched up to 100 ids per request).
  std::map<uint64_t, std::vector<std::pair<UserId, UniqueFunction<void(bool)>>>> lookups_;
  size_t waiting_lookups_ = 0;
  // Members being fetched: (guild, user) -> nonce, for deduplication.
  std::unordered_map<uint64_t, std::unordered_map<uint64_t, std::string>> fetching_;
  std::deque<GuildId> background_;  // guilds waiting for all members
  std::unordered_set<uint64_t> background_set_;
  std::unordered_map<uint64_t, MonoTime> last_all_request_;  // per guild
  std::unordered_set<uint64_t> complete_;                    // guilds fully chunked
  Timer timer_;
  ChunkerProgress progress_;
};

}  // namespace pylon::gateway
