// Copyright 2026 The Pylon Gateway Authors.
// ControlPlane (control_plane.h).
//
// How the snapshot stays current. The Store is the truth; this object keeps a parsed copy of
// every record under /pylon/bots/ and /pylon/workergroups/ and rebuilds the ConfigSnapshot from
// it whenever a record changes. Changes arrive two ways:
//   - the watch on /pylon/ (every change, by any process or node, in revision order);
//   - our own writes, applied as soon as the store confirms them, so that a caller sees its own
//     change in Snapshot() when the call returns even if the store's watch lags (etcd). With the
//     EmbeddedStore the watch has already delivered it by then and this is a no-op.
// Each key remembers the revision it was last applied at, and a change older than that is
// ignored, so the two paths can interleave in any order. Deletions leave a tombstone until the
// watch has caught up with them (and during the initial load, which lists after the watch is set
// up). The parsed copy is guarded by `mutex`, a control-plane lock that the event path never
// takes: the data plane only ever loads the atomic snapshot.

#include "control/control_plane.h"

#include <google/protobuf/util/message_differencer.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "control/spec.h"
#include "control/token_crypto.h"
#include "internal/v1/store.pb.h"

namespace pylon::control {
namespace {

namespace ipb = ::pylon::internal::v1;

constexpr std::string_view kRootPrefix = "/pylon/";
constexpr std::string_view kBotsPrefix = "/pylon/bots/";
constexpr std::string_view kGroupsPrefix = "/pylon/workergroups/";
// Read-modify-write attempts before a conflicting writer makes the call fail with ABORTED.
constexpr int kMaxCasAttempts = 32;
constexpr size_t kMaxTokensPerGroup = 100;
constexpr size_t kMaxDescriptionLength = 200;
constexpr size_t kSecretRandomLength = 32;
constexpr size_t kTokenIdLength = 12;
constexpr size_t kSaltLength = 16;

std::string BotKey(BotId id) { return std::string(kBotsPrefix) + id.ToString(); }
std::string GroupKey(std::string_view name) {
  return std::string(kGroupsPrefix) + std::string(name);
}
// Authenticated with the encrypted token: a ciphertext only decrypts in its own bot's record.
std::string TokenAssociatedData(BotId id) { return "pylon-bot-token:" + id.ToString(); }

void SetTimestamp(int64_t unix_ms, google::protobuf::Timestamp* out) {
  out->set_seconds(unix_ms / 1000);
  out->set_nanos(static_cast<int32_t>(unix_ms % 1000) * 1000000);
}

void Cleanse(std::string& text) { OPENSSL_cleanse(text.data(), text.size()); }

bool SameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// A store conflict (the key moved on since we read it) is retried; anything else is returned.
bool IsConflict(const Error& error) { return error.code() == ErrorCode::kFailedPrecondition; }

Error TooManyConflicts(std::string_view what) {
  return Error(ErrorCode::kAborted,
               std::string(what) + " kept changing under concurrent updates; try again");
}

// The checker's error, for the caller: Discord's verdict, without anything token-shaped.
Error TokenRefused(const Error& error) {
  return Error(error.code(), "the bot token was not accepted: " + RedactSecrets(error.message()));
}

Status ValidateDescription(std::string_view description) {
  if (description.size() > kMaxDescriptionLength) {
    return InvalidArgument("token description is " + std::to_string(description.size()) +
                           " bytes; at most " + std::to_string(kMaxDescriptionLength));
  }
  for (char c : description) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("token description has a control character");
    }
  }
  return Ok();
}

}  // namespace

struct ControlPlane::Impl {
  Impl(store::Store& store, ControlOptions options, TokenChecker check_token, const Clock& clock)
      : store(store),
        options(std::move(options)),
        check_token(std::move(check_token)),
        clock(clock) {}

  // Where an applied change came from (see the file comment).
  enum class Source { kWatch, kLoad, kLocal };

  void Apply(const std::string& key, const std::string* value, int64_t revision, Source source);
  void PruneTombstones();
  void Publish();

  Result<TokenCheck> CheckToken(const std::string& token) {
    auto checked = check_token(Secret(token));
    if (!checked.ok()) return TokenRefused(checked.error());
    if (checked->id.is_zero()) return Internal("the token check returned no bot id");
    return checked;
  }

  Result<std::string> Decrypt(BotId id, std::string_view blob) {
    auto token = DecryptToken(options.token_key, blob, TokenAssociatedData(id));
    if (!token.ok()) return token.error().WithContext("bot " + id.ToString());
    RegisterSecret(*token);
    return token;
  }

  int64_t Now() const { return clock.UnixMs(); }

  store::Store& store;
  const ControlOptions options;
  const TokenChecker check_token;
  const Clock& clock;
  ControlPlane* self = nullptr;
  std::unique_ptr<store::WatchHandle> watch;

  std::mutex mutex;  // guards everything below
  struct KeyState {
    int64_t revision = 0;
    bool deleted = false;  // a tombstone
  };
  std::map<std::string, KeyState, std::less<>> keys;
  size_t tombstones = 0;
  std::map<uint64_t, ipb::BotRecord> bots;
  std::map<std::string, ipb::WorkerGroupRecord, std::less<>> groups;
  int64_t revision = 0;        // highest revision applied
  int64_t watch_revision = 0;  // highest revision the watch delivered
  bool loading = true;
  std::function<void(std::shared_ptr<const ConfigSnapshot>)> listener;
};

void ControlPlane::Impl::Apply(const std::string& key, const std::string* value,
                               int64_t change_revision, Source source) {
  bool is_bot = key.starts_with(kBotsPrefix);
  bool is_group = key.starts_with(kGroupsPrefix);
  if (!is_bot && !is_group) return;  // shard checkpoints, placement, ...: not ours

  std::lock_guard lock(mutex);
  if (source == Source::kWatch) {
    watch_revision = std::max(watch_revision, change_revision);
  } else if (source == Source::kLocal && change_revision <= watch_revision) {
    return;  // the watch has delivered this change (or a newer one) already
  }
  auto state = keys.find(key);
  if (state != keys.end() && state->second.revision >= change_revision) {
    if (source == Source::kWatch) PruneTombstones();
    return;
  }

  // Parse first: a record we cannot read is logged and treated as absent.
  std::string_view id_text =
      std::string_view(key).substr(is_bot ? kBotsPrefix.size() : kGroupsPrefix.size());
  std::optional<ipb::BotRecord> bot;
  std::optional<ipb::WorkerGroupRecord> group;
  uint64_t bot_id = 0;
  if (is_bot) {
    auto parsed_id = BotId::Parse(id_text);
    if (!parsed_id.ok()) {
      log::Warn("control: ignoring store key '{}': not a bot id", key);
      return;
    }
    bot_id = parsed_id->value();
    if (value != nullptr) {
      bot.emplace();
      if (!bot->ParseFromString(*value) || bot->bot().id() != bot_id) {
        log::Error("control: ignoring the damaged record {} (revision {})", key, change_revision);
        bot.reset();
      } else {
        FillBotDefaults(options, bot->mutable_bot()->mutable_spec());
      }
    }
  } else {
    if (!ValidateWorkerGroupName(id_text).ok()) {
      log::Warn("control: ignoring store key '{}': not a worker group name", key);
      return;
    }
    if (value != nullptr) {
      group.emplace();
      if (!group->ParseFromString(*value) || group->worker_group().name() != id_text) {
        log::Error("control: ignoring the damaged record {} (revision {})", key, change_revision);
        group.reset();
      } else {
        FillWorkerGroupDefaults(options, group->mutable_worker_group()->mutable_spec());
      }
    }
  }

  KeyState& entry = keys[key];
  bool was_tombstone = entry.deleted;
  entry.revision = change_revision;
  entry.deleted = value == nullptr;
  tombstones += static_cast<size_t>(entry.deleted) - static_cast<size_t>(was_tombstone);
  if (is_bot) {
    if (bot) {
      bots[bot_id] = std::move(*bot);
    } else {
      bots.erase(bot_id);
    }
  } else {
    if (group) {
      groups[std::string(id_text)] = std::move(*group);
    } else if (auto it = groups.find(id_text); it != groups.end()) {
      groups.erase(it);
    }
  }
  revision = std::max(revision, change_revision);
  PruneTombstones();
  if (!loading) Publish();
}

void ControlPlane::Impl::PruneTombstones() {
  if (tombstones == 0 || loading) return;
  for (auto it = keys.begin(); it != keys.end();) {
    if (it->second.deleted && it->second.revision <= watch_revision) {
      it = keys.erase(it);
      --tombstones;
    } else {
      ++it;
    }
  }
}

void ControlPlane::Impl::Publish() {
  auto snapshot = std::make_shared<ConfigSnapshot>();
  snapshot->revision = revision;
  for (const auto& [id, record] : bots) snapshot->bots.emplace(id, record.bot());
  for (const auto& [name, record] : groups) {
    WorkerGroupView view;
    view.name = name;
    view.spec = record.worker_group().spec();
    for (const ipb::TokenHash& hash : record.token_hashes()) {
      view.tokens.push_back({hash.token_id(), hash.salt(), hash.sha256()});
    }
    snapshot->worker_groups.emplace(name, std::move(view));
  }
  std::shared_ptr<const ConfigSnapshot> published = std::move(snapshot);
  self->snapshot_.store(published);
  if (listener) listener(published);
}

// ---- Construction ----

ControlPlane::ControlPlane(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->self = this;
  snapshot_.store(std::make_shared<const ConfigSnapshot>());
}

ControlPlane::~ControlPlane() {
  impl_->watch.reset();  // waits out a callback in progress; none runs after this
}

Result<std::unique_ptr<ControlPlane>> ControlPlane::Open(store::Store& store,
                                                         ControlOptions options,
                                                         TokenChecker check_token,
                                                         const Clock& clock) {
  if (options.token_key.size() != kTokenKeySize) {
    return InvalidArgument("the token key must be exactly 32 bytes (AES-256), got " +
                           std::to_string(options.token_key.size()));
  }
  if (!check_token) return InvalidArgument("a token checker is required");
  {
    // The server's defaults pass the same checks as a spec: every new bot starts from them.
    cpb::BotSpec defaults;
    FillBotDefaults(options, &defaults);
    if (Status valid = ValidateBotSpec(defaults); !valid.ok()) {
      return valid.error().WithContext("the server's default bot settings");
    }
    cpb::WorkerGroupSpec group_defaults;
    FillWorkerGroupDefaults(options, &group_defaults);
    if (auto normal = NormalizeWorkerGroupSpec(group_defaults); !normal.ok()) {
      return normal.error().WithContext("the server's default worker group settings");
    }
  }
  RegisterSecret(options.token_key);
  std::unique_ptr<ControlPlane> plane(new ControlPlane(
      std::make_unique<Impl>(store, std::move(options), std::move(check_token), clock)));
  Impl* impl = plane->impl_.get();

  // Watch first, then list: nothing that changes in between is missed (see the file comment).
  PYLON_ASSIGN_OR_RETURN(
      impl->watch, store.Watch(kRootPrefix, [impl](const store::WatchEvent& event) {
        impl->Apply(event.kv.key,
                    event.type == store::WatchEvent::Type::kPut ? &event.kv.value : nullptr,
                    event.kv.mod_revision, Impl::Source::kWatch);
      }));
  for (std::string_view prefix : {kBotsPrefix, kGroupsPrefix}) {
    auto listed = store.List(prefix);
    if (!listed.ok()) return listed.error().WithContext("loading the configuration");
    for (const store::KeyValue& kv : *listed) {
      impl->Apply(kv.key, &kv.value, kv.mod_revision, Impl::Source::kLoad);
    }
  }

  // A wrong token key would leave every bot unable to connect: refuse to start instead.
  std::vector<std::pair<BotId, std::string>> encrypted;
  {
    std::lock_guard lock(impl->mutex);
    impl->loading = false;
    impl->PruneTombstones();
    for (const auto& [id, record] : impl->bots) {
      encrypted.emplace_back(BotId(id), record.encrypted_token());
    }
    impl->Publish();
  }
  std::string undecryptable;
  for (auto& [id, blob] : encrypted) {
    auto token = impl->Decrypt(id, blob);
    if (token.ok()) {
      Cleanse(*token);
    } else {
      undecryptable += (undecryptable.empty() ? "" : ", ") + id.ToString();
    }
  }
  if (!undecryptable.empty()) {
    return FailedPrecondition("the token key does not decrypt the stored tokens of bot(s) " +
                              undecryptable + " (is it the key they were saved with?)");
  }
  log::Info("control: loaded {} bot(s) and {} worker group(s) at store revision {}",
            encrypted.size(), plane->Snapshot()->worker_groups.size(), plane->Snapshot()->revision);
  return plane;
}

void ControlPlane::set_listener(
    std::function<void(std::shared_ptr<const ConfigSnapshot>)> listener) {
  std::lock_guard lock(impl_->mutex);
  impl_->listener = std::move(listener);
}

// ---- Bots ----

Result<cpb::Bot> ControlPlane::CreateBot(const std::string& raw_token, const cpb::BotSpec& spec) {
  RegisterSecret(raw_token);
  PYLON_ASSIGN_OR_RETURN(std::string token, NormalizeBotToken(raw_token));
  RegisterSecret(token);
  PYLON_RETURN_IF_ERROR(ValidateBotSpec(spec));
  PYLON_ASSIGN_OR_RETURN(TokenCheck check, impl_->CheckToken(token));

  BotId id(check.id.value());
  ipb::BotRecord record;
  cpb::Bot& bot = *record.mutable_bot();
  bot.set_id(id.value());
  bot.set_username(check.username);
  bot.set_application_id(check.application.value());
  *bot.mutable_spec() = spec;
  FillBotDefaults(impl_->options, bot.mutable_spec());
  bot.set_effective_shard_count(bot.spec().shard_count() != 0
                                    ? bot.spec().shard_count()
                                    : std::max<uint32_t>(1, check.recommended_shards));
  bot.set_token_fingerprint(TokenFingerprint(token));
  SetTimestamp(impl_->Now(), bot.mutable_created_at());
  *bot.mutable_updated_at() = bot.created_at();
  PYLON_ASSIGN_OR_RETURN(*record.mutable_encrypted_token(),
                         EncryptToken(impl_->options.token_key, token, TokenAssociatedData(id)));

  std::string key = BotKey(id);
  std::string value = record.SerializeAsString();
  auto written = impl_->store.CompareAndSwap(key, 0, value);
  if (!written.ok()) {
    if (IsConflict(written.error())) {
      return AlreadyExists("bot " + id.ToString() + " (" + check.username +
                           ") already exists; update it (a new token rotates it) or delete it "
                           "first");
    }
    return written.error().WithContext("saving bot " + id.ToString());
  }
  impl_->Apply(key, &value, *written, Impl::Source::kLocal);
  log::Info("control: added bot {} ({}), {} shard(s)", id.ToString(), check.username,
            bot.effective_shard_count());
  return bot;
}

Result<cpb::Bot> ControlPlane::GetBot(BotId id) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->bots.find(id.value());
  if (it == impl_->bots.end()) return NotFound("no bot " + id.ToString());
  return it->second.bot();
}

std::vector<cpb::Bot> ControlPlane::ListBots() {
  std::lock_guard lock(impl_->mutex);
  std::vector<cpb::Bot> out;
  out.reserve(impl_->bots.size());
  for (const auto& [id, record] : impl_->bots) out.push_back(record.bot());
  return out;
}

Result<cpb::Bot> ControlPlane::UpdateBot(BotId id, const cpb::BotSpec& spec,
                                         const std::vector<std::string>& update_mask,
                                         const std::string& raw_token) {
  if (id.is_zero()) return InvalidArgument("bot_id is required");
  PYLON_RETURN_IF_ERROR(ValidateMask(update_mask, BotSpecPaths(), "BotSpec"));
  PYLON_RETURN_IF_ERROR(ValidateBotSpec(spec));
  std::optional<std::string> token;
  std::optional<TokenCheck> check;
  if (!raw_token.empty()) {
    RegisterSecret(raw_token);
    PYLON_ASSIGN_OR_RETURN(token, NormalizeBotToken(raw_token));
    RegisterSecret(*token);
    // Checked before the record is read: the network call stays out of the retry loop.
    PYLON_ASSIGN_OR_RETURN(check, impl_->CheckToken(*token));
    if (check->id != UserId(id.value())) {
      return InvalidArgument("the new token belongs to user " + check->id.ToString() + " (" +
                             check->username + "), not to bot " + id.ToString());
    }
  }

  std::string key = BotKey(id);
  for (int attempt = 0; attempt < kMaxCasAttempts; ++attempt) {
    PYLON_ASSIGN_OR_RETURN(std::optional<store::KeyValue> kv, impl_->store.Get(key));
    if (!kv) return NotFound("no bot " + id.ToString());
    ipb::BotRecord record;
    if (!record.ParseFromString(kv->value))
      return DataLoss("the record of bot " + id.ToString() + " is damaged");
    cpb::Bot& bot = *record.mutable_bot();
    FillBotDefaults(impl_->options, bot.mutable_spec());
    PYLON_ASSIGN_OR_RETURN(cpb::BotSpec merged,
                           MergeBotSpec(impl_->options, bot.spec(), spec, update_mask));
    bool spec_changed = !SameMessage(merged, bot.spec());
    bool token_changed = token && TokenFingerprint(*token) != bot.token_fingerprint();
    if (!spec_changed && !token_changed) return bot;  // nothing to write

    // "auto" needs Discord's recommendation: from the new token's check, or by checking the
    // stored token when the shard count has just become auto.
    if (merged.shard_count() != 0) {
      bot.set_effective_shard_count(merged.shard_count());
    } else if (bot.spec().shard_count() != 0 || token_changed) {
      if (!check) {
        PYLON_ASSIGN_OR_RETURN(std::string stored, impl_->Decrypt(id, record.encrypted_token()));
        auto checked = impl_->CheckToken(stored);
        Cleanse(stored);
        if (!checked.ok()) return checked.error();
        check = std::move(*checked);
      }
      bot.set_effective_shard_count(std::max<uint32_t>(1, check->recommended_shards));
    }
    *bot.mutable_spec() = std::move(merged);
    if (token_changed) {
      PYLON_ASSIGN_OR_RETURN(
          *record.mutable_encrypted_token(),
          EncryptToken(impl_->options.token_key, *token, TokenAssociatedData(id)));
      bot.set_token_fingerprint(TokenFingerprint(*token));
      bot.set_username(check->username);
      bot.set_application_id(check->application.value());
    }
    SetTimestamp(impl_->Now(), bot.mutable_updated_at());
    std::string value = record.SerializeAsString();
    auto written = impl_->store.CompareAndSwap(key, kv->mod_revision, value);
    if (written.ok()) {
      impl_->Apply(key, &value, *written, Impl::Source::kLocal);
      log::Info("control: updated bot {}{}", id.ToString(),
                token_changed ? " (token rotated)" : "");
      return bot;
    }
    if (!IsConflict(written.error()))
      return written.error().WithContext("saving bot " + id.ToString());
  }
  return TooManyConflicts("bot " + id.ToString());
}

Status ControlPlane::DeleteBot(BotId id) {
  if (id.is_zero()) return InvalidArgument("bot_id is required");
  std::string key = BotKey(id);
  PYLON_ASSIGN_OR_RETURN(std::optional<store::KeyValue> kv, impl_->store.Get(key));
  if (!kv) return NotFound("no bot " + id.ToString());
  PYLON_ASSIGN_OR_RETURN(bool existed, impl_->store.Delete(key));
  if (!existed) return NotFound("no bot " + id.ToString());
  // The Store does not report a deletion's revision; it is after the last one we read.
  impl_->Apply(key, nullptr, kv->mod_revision + 1, Impl::Source::kLocal);
  log::Info("control: deleted bot {}", id.ToString());
  return Ok();
}

Result<Secret> ControlPlane::BotToken(BotId id) {
  std::string blob;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->bots.find(id.value());
    if (it == impl_->bots.end()) return NotFound("no bot " + id.ToString());
    blob = it->second.encrypted_token();
  }
  PYLON_ASSIGN_OR_RETURN(std::string token, impl_->Decrypt(id, blob));
  return Secret(std::move(token));
}

// ---- Worker groups ----

Result<cpb::WorkerGroup> ControlPlane::CreateWorkerGroup(const std::string& name,
                                                         const cpb::WorkerGroupSpec& spec) {
  PYLON_RETURN_IF_ERROR(ValidateWorkerGroupName(name));
  PYLON_ASSIGN_OR_RETURN(cpb::WorkerGroupSpec normal, NormalizeWorkerGroupSpec(spec));
  FillWorkerGroupDefaults(impl_->options, &normal);
  ipb::WorkerGroupRecord record;
  cpb::WorkerGroup& group = *record.mutable_worker_group();
  group.set_name(name);
  *group.mutable_spec() = std::move(normal);
  SetTimestamp(impl_->Now(), group.mutable_created_at());
  *group.mutable_updated_at() = group.created_at();

  std::string key = GroupKey(name);
  std::string value = record.SerializeAsString();
  auto written = impl_->store.CompareAndSwap(key, 0, value);
  if (!written.ok()) {
    if (IsConflict(written.error())) {
      return AlreadyExists("worker group '" + name + "' already exists");
    }
    return written.error().WithContext("saving worker group '" + name + "'");
  }
  impl_->Apply(key, &value, *written, Impl::Source::kLocal);
  log::Info("control: created worker group '{}'", name);
  return group;
}

Result<cpb::WorkerGroup> ControlPlane::GetWorkerGroup(const std::string& name) {
  PYLON_RETURN_IF_ERROR(ValidateWorkerGroupName(name));
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->groups.find(name);
  if (it == impl_->groups.end()) return NotFound("no worker group '" + name + "'");
  return it->second.worker_group();
}

std::vector<cpb::WorkerGroup> ControlPlane::ListWorkerGroups() {
  std::lock_guard lock(impl_->mutex);
  std::vector<cpb::WorkerGroup> out;
  out.reserve(impl_->groups.size());
  for (const auto& [name, record] : impl_->groups) out.push_back(record.worker_group());
  return out;
}

namespace {

// Read-modify-write of one worker group record with compare-and-swap. `modify` returns false when
// there is nothing to write, or an error.
template <typename Modify>
Result<ipb::WorkerGroupRecord> ModifyGroup(
    store::Store& store, const ControlOptions& options, const Clock& clock, const std::string& name,
    Modify modify, std::function<void(const std::string&, int64_t)> applied) {
  PYLON_RETURN_IF_ERROR(ValidateWorkerGroupName(name));
  std::string key = GroupKey(name);
  for (int attempt = 0; attempt < kMaxCasAttempts; ++attempt) {
    PYLON_ASSIGN_OR_RETURN(std::optional<store::KeyValue> kv, store.Get(key));
    if (!kv) return NotFound("no worker group '" + name + "'");
    ipb::WorkerGroupRecord record;
    if (!record.ParseFromString(kv->value)) {
      return DataLoss("the record of worker group '" + name + "' is damaged");
    }
    FillWorkerGroupDefaults(options, record.mutable_worker_group()->mutable_spec());
    PYLON_ASSIGN_OR_RETURN(bool changed, modify(record));
    if (!changed) return record;
    SetTimestamp(clock.UnixMs(), record.mutable_worker_group()->mutable_updated_at());
    std::string value = record.SerializeAsString();
    auto written = store.CompareAndSwap(key, kv->mod_revision, value);
    if (written.ok()) {
      applied(value, *written);
      return record;
    }
    if (!IsConflict(written.error())) {
      return written.error().WithContext("saving worker group '" + name + "'");
    }
  }
  return TooManyConflicts("worker group '" + name + "'");
}

}  // namespace

Result<cpb::WorkerGroup> ControlPlane::UpdateWorkerGroup(
    const std::string& name, const cpb::WorkerGroupSpec& spec,
    const std::vector<std::string>& update_mask) {
  PYLON_RETURN_IF_ERROR(ValidateWorkerGroupName(name));
  PYLON_RETURN_IF_ERROR(ValidateMask(update_mask, WorkerGroupSpecPaths(), "WorkerGroupSpec"));
  PYLON_RETURN_IF_ERROR(NormalizeWorkerGroupSpec(spec));
  std::string key = GroupKey(name);
  auto record = ModifyGroup(
      impl_->store, impl_->options, impl_->clock, name,
      [&](ipb::WorkerGroupRecord& record) -> Result<bool> {
        cpb::WorkerGroupSpec* current = record.mutable_worker_group()->mutable_spec();
        PYLON_ASSIGN_OR_RETURN(cpb::WorkerGroupSpec merged,
                               MergeWorkerGroupSpec(impl_->options, *current, spec, update_mask));
        if (SameMessage(merged, *current)) return false;
        *current = std::move(merged);
        return true;
      },
      [&](const std::string& value, int64_t revision) {
        impl_->Apply(key, &value, revision, Impl::Source::kLocal);
        log::Info("control: updated worker group '{}'", name);
      });
  if (!record.ok()) return record.error();
  return record->worker_group();
}

Status ControlPlane::DeleteWorkerGroup(const std::string& name) {
  PYLON_RETURN_IF_ERROR(ValidateWorkerGroupName(name));
  std::string key = GroupKey(name);
  PYLON_ASSIGN_OR_RETURN(std::optional<store::KeyValue> kv, impl_->store.Get(key));
  if (!kv) return NotFound("no worker group '" + name + "'");
  PYLON_ASSIGN_OR_RETURN(bool existed, impl_->store.Delete(key));
  if (!existed) return NotFound("no worker group '" + name + "'");
  impl_->Apply(key, nullptr, kv->mod_revision + 1, Impl::Source::kLocal);
  log::Info("control: deleted worker group '{}'", name);
  return Ok();
}

Result<std::pair<cpb::WorkerGroupToken, std::string>> ControlPlane::IssueToken(
    const std::string& group_name, const std::string& description) {
  PYLON_RETURN_IF_ERROR(ValidateWorkerGroupName(group_name));
  PYLON_RETURN_IF_ERROR(ValidateDescription(description));
  PYLON_ASSIGN_OR_RETURN(std::string random, RandomBase62(kSecretRandomLength));
  std::string secret = "pylon_wg_" + group_name + "_" + random;
  Cleanse(random);
  PYLON_ASSIGN_OR_RETURN(std::string token_id, RandomBase62(kTokenIdLength));
  PYLON_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltLength));
  cpb::WorkerGroupToken token;
  token.set_token_id(token_id);
  token.set_description(description);
  SetTimestamp(impl_->Now(), token.mutable_created_at());
  ipb::TokenHash hash;
  hash.set_token_id(token_id);
  hash.set_salt(salt);
  hash.set_sha256(HashToken(salt, secret));

  std::string key = GroupKey(group_name);
  auto record = ModifyGroup(
      impl_->store, impl_->options, impl_->clock, group_name,
      [&](ipb::WorkerGroupRecord& record) -> Result<bool> {
        if (record.token_hashes_size() >= static_cast<int>(kMaxTokensPerGroup)) {
          return ResourceExhausted("worker group '" + group_name + "' has " +
                                   std::to_string(kMaxTokensPerGroup) +
                                   " tokens already; revoke some first");
        }
        *record.mutable_worker_group()->add_tokens() = token;
        *record.add_token_hashes() = hash;
        return true;
      },
      [&](const std::string& value, int64_t revision) {
        impl_->Apply(key, &value, revision, Impl::Source::kLocal);
      });
  if (!record.ok()) {
    Cleanse(secret);
    return record.error();
  }
  log::Info("control: issued token {} for worker group '{}'", token_id, group_name);
  return std::make_pair(std::move(token), std::move(secret));
}

Status ControlPlane::RevokeToken(const std::string& group_name, const std::string& token_id) {
  if (token_id.empty() || token_id.size() > 64 ||
      !std::all_of(token_id.begin(), token_id.end(),
                   [](unsigned char c) { return std::isalnum(c) != 0; })) {
    return InvalidArgument(
        "token_id must be the id IssueWorkerGroupToken returned (letters and "
        "digits)");
  }
  std::string key = GroupKey(group_name);
  auto record = ModifyGroup(
      impl_->store, impl_->options, impl_->clock, group_name,
      [&](ipb::WorkerGroupRecord& record) -> Result<bool> {
        auto* tokens = record.mutable_worker_group()->mutable_tokens();
        auto* hashes = record.mutable_token_hashes();
        int before = tokens->size() + hashes->size();
        tokens->erase(std::remove_if(tokens->begin(), tokens->end(),
                                     [&](const cpb::WorkerGroupToken& token) {
                                       return token.token_id() == token_id;
                                     }),
                      tokens->end());
        hashes->erase(
            std::remove_if(hashes->begin(), hashes->end(),
                           [&](const ipb::TokenHash& hash) { return hash.token_id() == token_id; }),
            hashes->end());
        if (tokens->size() + hashes->size() == before) {
          return NotFound("worker group '" + group_name + "' has no token '" + token_id + "'");
        }
        return true;
      },
      [&](const std::string& value, int64_t revision) {
        impl_->Apply(key, &value, revision, Impl::Source::kLocal);
      });
  if (!record.ok()) return record.error();
  log::Info("control: revoked token {} of worker group '{}'", token_id, group_name);
  return Ok();
}

}  // namespace pylon::control
