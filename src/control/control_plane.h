// Copyright 2026 The Pylon Gateway Authors.
// ControlPlane: the control role (architecture §2, §9). It owns the cluster's configuration as
// kept in the Store — bots (their tokens encrypted at rest), worker groups (filters, push
// targets) and worker-group auth tokens (only their salted hashes) — validates every change, and
// publishes what the data plane needs as an immutable snapshot that readers swap in atomically
// (no locks on the event path; a reader holds a snapshot as long as it likes).
//
// Bot tokens go in and never come back out of the Control API; internally, `BotToken` hands the
// decrypted token to the shard host. Worker-group secrets are returned once, by IssueToken.
//
// Thread-safety: every method may be called from any thread except a reactor that runs shards
// (they wait for the Store). Snapshot() is lock-free and cheap.

#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/result.h"
#include "gateway/v1/control_service.pb.h"
#include "store/store.h"

namespace pylon::control {

namespace cpb = ::pylon::gateway::v1::control;

// Checks a bot token against Discord (GET /users/@me, GET /gateway/bot) before it is saved.
// Returns the bot's user id and username, UNAUTHENTICATED for a token Discord refuses.
struct TokenCheck {
  UserId id;
  std::string username;
  ApplicationId application;
  uint32_t recommended_shards = 1;
};
using TokenChecker = std::function<Result<TokenCheck>(const Secret& token)>;

// SHA-256(salt || secret): how worker-group tokens are stored.
std::string HashToken(std::string_view salt, std::string_view secret);

// Worker-group tokens look like "pylon_wg_<group name>_<32 random base62 characters>": the log
// redaction recognises them (base/log.h) and the group is found without trying every hash.

// What the data plane sees of a worker group.
struct WorkerGroupView {
  std::string name;
  cpb::WorkerGroupSpec spec;  // every field present (defaults filled)
  struct TokenHash {
    std::string token_id;
    std::string salt;
    std::string sha256;
  };
  std::vector<TokenHash> tokens;
  // Whether `secret` is one of this group's tokens (constant-time comparison).
  bool Authenticates(std::string_view secret) const;
  bool AcceptsBot(BotId bot) const;
  bool AcceptsGuild(GuildId guild) const;
  bool AcceptsEventType(std::string_view type) const;
};

// An immutable view of the configuration at one store revision.
struct ConfigSnapshot {
  int64_t revision = 0;
  std::map<uint64_t, cpb::Bot> bots;  // by bot id; every spec field present
  std::map<std::string, WorkerGroupView, std::less<>> worker_groups;
  const cpb::Bot* FindBot(BotId id) const;
  const WorkerGroupView* FindGroup(std::string_view name) const;
  // The group whose token `secret` is, if any (for unary-call scoping).
  const WorkerGroupView* GroupForToken(std::string_view secret) const;
};

struct ControlOptions {
  // 32-byte key encrypting bot tokens at rest (AES-256-GCM).
  std::string token_key;
  // Server defaults for fields a BotSpec leaves out.
  uint64_t default_intents = 0;  // 0: kDefaultIntents, documented in control/intents.h
  uint32_t default_message_cache_depth = 100;
  uint32_t default_rest_global_limit = 50;
  uint32_t default_large_threshold = 250;
  uint32_t default_max_in_flight = 1000;
  cpb::MemberChunkingPolicy default_member_chunking = cpb::MEMBER_CHUNKING_ON_MISS;
};

class ControlPlane {
 public:
  // Loads the configuration from `store` (must outlive this) and watches it for changes.
  static Result<std::unique_ptr<ControlPlane>> Open(store::Store& store, ControlOptions options,
                                                    TokenChecker check_token,
                                                    const Clock& clock = SystemClock());
  ~ControlPlane();

  // ---- Bots ----
  Result<cpb::Bot> CreateBot(const std::string& token, const cpb::BotSpec& spec);
  Result<cpb::Bot> GetBot(BotId id);
  std::vector<cpb::Bot> ListBots();
  // `update_mask` paths name BotSpec fields; empty: every field present in `spec`. A non-empty
  // `token` is checked against Discord and must belong to the same bot.
  Result<cpb::Bot> UpdateBot(BotId id, const cpb::BotSpec& spec,
                             const std::vector<std::string>& update_mask, const std::string& token);
  Status DeleteBot(BotId id);
  // The decrypted token, for the shard host and the REST proxy. Never for an API answer.
  Result<Secret> BotToken(BotId id);

  // ---- Worker groups ----
  Result<cpb::WorkerGroup> CreateWorkerGroup(const std::string& name,
                                             const cpb::WorkerGroupSpec& spec);
  Result<cpb::WorkerGroup> GetWorkerGroup(const std::string& name);
  std::vector<cpb::WorkerGroup> ListWorkerGroups();
  Result<cpb::WorkerGroup> UpdateWorkerGroup(const std::string& name,
                                             const cpb::WorkerGroupSpec& spec,
                                             const std::vector<std::string>& update_mask);
  Status DeleteWorkerGroup(const std::string& name);
  // A new token: its id and description, and the secret, returned only here.
  Result<std::pair<cpb::WorkerGroupToken, std::string>> IssueToken(const std::string& group,
                                                                   const std::string& description);
  Status RevokeToken(const std::string& group, const std::string& token_id);

  // ---- The data plane's view ----
  std::shared_ptr<const ConfigSnapshot> Snapshot() const { return snapshot_.load(); }
  // Called (on the store's thread) after every change, with the new snapshot. Set before use.
  void set_listener(std::function<void(std::shared_ptr<const ConfigSnapshot>)> listener);

 private:
  struct Impl;
  explicit ControlPlane(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::atomic<std::shared_ptr<const ConfigSnapshot>> snapshot_;
};

}  // namespace pylon::control
