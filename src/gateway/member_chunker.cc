// Copyright 2026 The Pylon Gateway Authors.

#include "gateway/member_chunker.h"

#include <algorithm>

#include "base/json_writer.h"
#include "base/log.h"

namespace pylon::gateway {
namespace {
constexpr int kOpRequestGuildMembers = 8;
constexpr size_t kMaxIdsPerRequest = 100;  // Discord: user_ids returns at most 100 members
}  // namespace

std::string_view ChunkingPolicyName(ChunkingPolicy policy) {
  switch (policy) {
    case ChunkingPolicy::kNone:
      return "none";
    case ChunkingPolicy::kOnDemand:
      return "on_demand";
    case ChunkingPolicy::kOnMiss:
      return "on_miss";
    case ChunkingPolicy::kAllOnConnect:
      return "all_on_connect";
  }
  return "unknown";
}

MemberChunker::MemberChunker(Reactor& reactor, const Clock& clock, ChunkerOptions options,
                             Sender send)
    : reactor_(reactor),
      clock_(clock),
      options_(options),
      send_(std::move(send)),
      timer_(reactor) {}

MemberChunker::~MemberChunker() { Reset(); }

void MemberChunker::Reset() {
  ready_ = false;
  timer_.Cancel();
  auto in_flight = std::move(in_flight_);
  in_flight_.clear();
  auto lookups = std::move(lookups_);
  lookups_.clear();
  waiting_lookups_ = 0;
  fetching_.clear();
  background_.clear();
  background_set_.clear();
  complete_.clear();
  progress_.guilds_pending = 0;
  progress_.guilds_in_flight = 0;
  progress_.guilds_complete = 0;
  for (auto& [nonce, request] : in_flight) {
    for (auto& waiter : request.waiters) waiter(false);
  }
  for (auto& [guild, list] : lookups) {
    for (auto& [user, waiter] : list) {
      if (waiter) waiter(false);
    }
  }
}

void MemberChunker::OnSessionReady() {
  ready_ = true;
  Pump();
}

void MemberChunker::OnGuildAvailable(GuildId guild, uint32_t member_count,
                                     size_t members_received) {
  if (options_.policy != ChunkingPolicy::kAllOnConnect || !options_.has_members_intent) return;
  if (members_received >= member_count) {
    if (complete_.insert(guild.value()).second) ++progress_.guilds_complete;
    return;
  }
  if (complete_.count(guild.value()) || !background_set_.insert(guild.value()).second) return;
  background_.push_back(guild);
  ++progress_.guilds_pending;
  Pump();
}

void MemberChunker::OnGuildGone(GuildId guild) {
  if (background_set_.erase(guild.value())) {
    background_.erase(std::remove(background_.begin(), background_.end(), guild),
                      background_.end());
    --progress_.guilds_pending;
  }
  if (complete_.erase(guild.value())) --progress_.guilds_complete;
}

bool MemberChunker::RequestAllMembers(GuildId guild) {
  if (options_.policy == ChunkingPolicy::kNone || !options_.has_members_intent) return false;
  for (const auto& [nonce, request] : in_flight_) {
    if (request.all && request.guild == guild) return true;  // being fetched: that answers it
  }
  if (complete_.count(guild.value())) complete_.erase(guild.value()), --progress_.guilds_complete;
  if (background_set_.insert(guild.value()).second) {
    background_.push_front(guild);  // asked for explicitly: ahead of the background
    ++progress_.guilds_pending;
  }
  Pump();
  return true;
}

bool MemberChunker::RequestMembers(GuildId guild, const std::vector<UserId>& users,
                                   UniqueFunction<void(bool answered)> done) {
  if (options_.policy == ChunkingPolicy::kNone || users.empty()) return false;
  if (waiting_lookups_ + users.size() > options_.max_waiting_lookups) {
    ++progress_.lookups_refused;
    return false;
  }
  // Several users share one completion: it fires when the last of them is answered.
  struct Shared {
    size_t remaining;
    bool all_answered = true;
    UniqueFunction<void(bool)> done;
  };
  auto shared = std::make_shared<Shared>(Shared{users.size(), true, std::move(done)});
  auto part = [shared](bool answered) {
    shared->all_answered = shared->all_answered && answered;
    if (--shared->remaining == 0 && shared->done) shared->done(shared->all_answered);
  };
  auto& fetching = fetching_[guild.value()];
  for (UserId user : users) {
    auto it = fetching.find(user.value());
    if (it != fetching.end()) {
      auto request = in_flight_.find(it->second);
      if (request != in_flight_.end()) {
        request->second.waiters.emplace_back(part);
        ++progress_.lookups_deduplicated;
        continue;
      }
    }
    auto& waiting = lookups_[guild.value()];
    bool duplicate = std::any_of(waiting.begin(), waiting.end(),
                                 [&](const auto& entry) { return entry.first == user; });
    if (duplicate) ++progress_.lookups_deduplicated;
    waiting.emplace_back(user, part);
    ++waiting_lookups_;
  }
  Pump();
  return true;
}

void MemberChunker::Pump() {
  ExpireRequests();
  if (!ready_) return;
  // Specific members first: a cache query is waiting for them.
  std::vector<uint64_t> guilds;
  for (auto& [guild, list] : lookups_) guilds.push_back(guild);
  for (uint64_t guild : guilds) SendLookups(GuildId(guild));
  // Then the background, a few guilds at a time.
  MonoTime now = clock_.Now();
  std::optional<MonoTime> wake;
  size_t scanned = 0;
  while (progress_.guilds_in_flight < options_.max_background_in_flight && !background_.empty() &&
         scanned < background_.size()) {
    GuildId guild = background_.front();
    background_.pop_front();
    auto last = last_all_request_.find(guild.value());
    if (last != last_all_request_.end() && now - last->second < options_.all_members_interval) {
      background_.push_back(guild);  // not yet: Discord allows one per guild per 30 s
      MonoTime ready = last->second + options_.all_members_interval;
      if (!wake || ready < *wake) wake = ready;
      ++scanned;
      continue;
    }
    background_set_.erase(guild.value());
    --progress_.guilds_pending;
    if (!SendAll(guild)) {
      background_.push_front(guild);
      background_set_.insert(guild.value());
      ++progress_.guilds_pending;
      break;
    }
  }
  if (!in_flight_.empty()) {
    MonoTime expiry = now + options_.request_timeout;
    for (auto& [nonce, request] : in_flight_) {
      expiry = std::min(expiry, request.sent_at + options_.request_timeout);
    }
    if (!wake || expiry < *wake) wake = expiry;
  }
  if (wake) timer_.RunAfter(std::max(Duration::zero(), *wake - now), [this] { Pump(); });
}

void MemberChunker::SendLookups(GuildId guild) {
  auto it = lookups_.find(guild.value());
  if (it == lookups_.end()) return;
  auto& waiting = it->second;
  while (!waiting.empty()) {
    size_t n = std::min(waiting.size(), kMaxIdsPerRequest);
    Request request;
    request.guild = guild;
    std::string nonce = NextNonce();
    std::string d;
    JsonWriter w(&d);
    w.BeginObject().Key("guild_id").Id(guild).Key("user_ids").BeginArray();
    std::unordered_set<uint64_t> added;
    for (size_t i = 0; i < n; ++i) {
      UserId user = waiting[i].first;
      if (added.insert(user.value()).second) {
        w.Id(user);
        request.users.push_back(user);
      }
      request.waiters.push_back(std::move(waiting[i].second));
    }
    w.EndArray();
    w.Key("presences").Bool(options_.has_presences_intent);
    w.Key("nonce").String(nonce);
    w.EndObject();
    if (!send_(kOpRequestGuildMembers, std::move(d))) {
      // The session cannot queue it: fail these lookups rather than wait forever.
      for (auto& waiter : request.waiters) {
        if (waiter) waiter(false);
      }
    } else {
      ++progress_.requests_sent;
      request.sent_at = clock_.Now();
      auto& fetching = fetching_[guild.value()];
      for (UserId user : request.users) fetching[user.value()] = nonce;
      in_flight_.emplace(nonce, std::move(request));
    }
    waiting.erase(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(n));
    waiting_lookups_ -= n;
  }
  lookups_.erase(it);
}

bool MemberChunker::SendAll(GuildId guild) {
  std::string nonce = NextNonce();
  std::string d;
  JsonWriter w(&d);
  w.BeginObject().Key("guild_id").Id(guild).Key("query").String("").Key("limit").Int(0);
  w.Key("presences").Bool(options_.has_presences_intent).Key("nonce").String(nonce);
  w.EndObject();
  if (!send_(kOpRequestGuildMembers, std::move(d))) return false;
  ++progress_.requests_sent;
  ++progress_.guilds_in_flight;
  Request request;
  request.guild = guild;
  request.all = true;
  request.sent_at = clock_.Now();
  in_flight_.emplace(nonce, std::move(request));
  last_all_request_[guild.value()] = clock_.Now();
  return true;
}

void MemberChunker::OnChunk(const discord::MembersChunkEvent& chunk) {
  ++progress_.chunks_received;
  progress_.members_received += chunk.members.size();
  if (chunk.nonce.empty()) return;  // not ours (another client of the same session?)
  auto it = in_flight_.find(chunk.nonce);
  if (it == in_flight_.end()) return;
  ++it->second.chunks;
  if (chunk.chunk_index + 1 >= chunk.chunk_count) Complete(chunk.nonce, true);
}

void MemberChunker::Complete(const std::string& nonce, bool answered, bool pump) {
  auto it = in_flight_.find(nonce);
  if (it == in_flight_.end()) return;
  Request request = std::move(it->second);
  in_flight_.erase(it);
  if (request.all) {
    --progress_.guilds_in_flight;
    if (answered) {
      if (complete_.insert(request.guild.value()).second) ++progress_.guilds_complete;
    } else if (background_set_.insert(request.guild.value()).second) {
      background_.push_back(request.guild);  // try again later
      ++progress_.guilds_pending;
    }
  }
  auto fetching = fetching_.find(request.guild.value());
  if (fetching != fetching_.end()) {
    for (UserId user : request.users) fetching->second.erase(user.value());
    if (fetching->second.empty()) fetching_.erase(fetching);
  }
  for (auto& waiter : request.waiters) {
    if (waiter) waiter(answered);
  }
  if (pump) Pump();
}

void MemberChunker::ExpireRequests() {
  MonoTime now = clock_.Now();
  std::vector<std::string> expired;
  for (auto& [nonce, request] : in_flight_) {
    if (now - request.sent_at >= options_.request_timeout) expired.push_back(nonce);
  }
  for (const auto& nonce : expired) {
    ++progress_.timeouts;
    Complete(nonce, false, /*pump=*/false);
  }
}

std::string MemberChunker::NextNonce() { return "pylon-" + std::to_string(++nonce_counter_); }

}  // namespace pylon::gateway
