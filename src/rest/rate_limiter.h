// Copyright 2026 The Pylon Gateway Authors.
// RateLimiter: one bot's view of Discord's REST rate limits (discord-protocol.md §8), as a state
// machine with no I/O. The owner (BotRestClient) submits requests, sends them when told to, feeds
// back each answer, and calls Pump() when the time Pump() asked for has come.
//
// Limits, all per bot:
//  * Buckets: per (bucket hash, major parameter). A route's hash is learned from
//    X-RateLimit-Bucket; until then the route's requests wait in a bucket of their own per major
//    parameter with one request in flight. Limit / Remaining / Reset-After are taken from every
//    answer (Reset-After, relative, so the clocks need not agree; plus `reset_margin`). A bucket
//    is a FIFO and sends at most `max_in_flight_per_bucket` at a time (1: Discord sees the
//    bucket's requests in the order they were submitted). A route of a family (route.h) whose
//    own hash is not known yet waits in the bucket its family has learned instead.
//  * Global: a request holds one of `global_limit` - `global_reserve` slots from when it is sent
//  until
//    `global_window` + `global_margin` after its answer. Discord counts a request when it
//    arrives, between the two, so none of Discord's windows sees more than `global_limit`
//    whatever the latency (a window of sends alone is not enough: requests that wait for a
//    connection or a busy server arrive bunched). Interaction callbacks and webhook-token routes
//    are exempt.
//  * 429s: global -> every global-bound request waits retry_after; shared scope -> the bucket
//    waits retry_after, not counted as invalid; user -> the bucket is empty until retry_after.
//    The request goes back to the front of its bucket, unless it cannot start before its deadline
//    (then it is refused with RateLimited). A user-scope 429 with Remaining > 0 on a name/topic
//    change is the channel sublimit: only that sublimit waits.
//  * The channel name/topic sublimit (PATCH /channels/{id} with name or topic): at most
//    `name_topic_limit` per `name_topic_window` per channel, tracked locally; such requests wait
//    in a FIFO of their channel before entering their bucket.
//  * Deadlines: a request that cannot start before its deadline is refused at once (Submit), or
//    when its deadline passes in the queue (Pump), with RateLimited{global, retry_at}.
//  * Invalid requests: 401, 403 and non-shared 429 answers are counted in a sliding window (per
//    second slots); at `invalid_request_limit` the bot stops sending until the count falls:
//    requests are refused locally (RateLimited, global). Default 8,000 per 10 minutes: Discord
//    bans an IP at 10,000.
//  * Quarantine: a 401 on a token route quarantines that webhook/interaction token (requests with
//    it are refused with AccessDenied 50027); a 401 on a bot route quarantines the bot token's hash
//    for `bot_token_quarantine` (refused with AccessDenied 40001) — a new token is not affected.
//
// Owned by the bot's REST reactor; not thread-safe. Time comes from the injected Clock. Callbacks
// are never called from inside Submit: they run from Pump(), OnResponse() and OnTransportError(),
// after the limiter's state is updated, so they may call back into the limiter.

#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "net/http.h"
#include "rest/route.h"
#include "runtime/unique_function.h"

namespace pylon::rest {

using std::chrono::minutes;

struct LimiterOptions {
  uint32_t global_limit = 50;  // per global_window
  // Slots of the global limit left to the bot's requests that do not pass here: the gateway's
  // GET /gateway/bot when shards start, token checks of the control plane. The limiter uses
  // global_limit - global_reserve (at least 1).
  uint32_t global_reserve = 2;
  Duration global_window = std::chrono::seconds(1);
  Duration global_margin = std::chrono::milliseconds(50);
  Duration reset_margin = std::chrono::milliseconds(50);
  uint32_t max_in_flight_per_bucket = 1;
  uint32_t invalid_request_limit = 8000;
  Duration invalid_request_window = minutes(10);
  uint32_t name_topic_limit = 2;
  Duration name_topic_window = minutes(10);
  Duration bot_token_quarantine = std::chrono::seconds(60);
  Duration webhook_token_quarantine = minutes(15);
  size_t max_quarantined_tokens = 10000;
  // Retries of 502/503/504 answers for GET, PUT and DELETE (Discord: "retry").
  uint32_t server_error_retries = 1;
  Duration idle_bucket_expiry = minutes(10);
};

// Why a request was answered without (or instead of) Discord's answer.
struct Refusal {
  enum class Kind : uint8_t { kRateLimited, kAccessDenied };
  Kind kind = Kind::kRateLimited;
  bool global = false;
  uint32_t retry_at = 0;  // kRateLimited: Unix seconds when it could go
  uint32_t code = 0;      // kAccessDenied: Discord's JSON code
  std::string message;
};

// The rate-limit headers of an answer.
struct RateLimitHeaders {
  enum class Scope : uint8_t { kNone, kUser, kGlobal, kShared };
  std::optional<uint32_t> limit;
  std::optional<uint32_t> remaining;
  std::optional<Duration> reset_after;
  std::string bucket;
  std::optional<Duration> retry_after;  // 429: body retry_after, else Retry-After
  bool global = false;
  Scope scope = Scope::kNone;
};
RateLimitHeaders ParseRateLimitHeaders(const net::HttpResponse& response);

struct LimiterStats {
  uint64_t submitted = 0;
  uint64_t sent = 0;  // attempts, retries included
  uint64_t answered = 0;
  uint64_t retried = 0;  // requeued after a 429 or a 5xx
  uint64_t discord_429_user = 0;
  uint64_t discord_429_global = 0;
  uint64_t discord_429_shared = 0;
  uint64_t refused_at_submit = 0;  // could not start before the deadline
  uint64_t refused_deadline = 0;   // deadline passed while queued
  uint64_t refused_invalid_guard = 0;
  uint64_t refused_quarantine = 0;
  uint64_t cancelled = 0;
  uint64_t invalid_counted = 0;  // 401/403/429 answers counted by the guard
  uint64_t quarantine_evicted = 0;
  size_t queued = 0;  // waiting (buckets and sublimits)
  size_t in_flight = 0;
  size_t buckets = 0;
  uint32_t invalid_in_window = 0;
};

class RateLimiter {
 public:
  using SendFn = UniqueFunction<void()>;  // may be called again after a retry
  using RefuseFn = UniqueFunction<void(Refusal)>;

  struct Request {
    RouteInfo route;
    MonoTime deadline;        // latest time it may start
    uint64_t credential = 0;  // CredentialHash of the bot token (0 for token routes)
    bool idempotent = false;  // GET / PUT / DELETE: retried after 502/503/504
  };

  // What the owner does with an answer.
  enum class Verdict : uint8_t {
    kDeliver,  // the answer is final: hand it to the caller
    kHandled,  // requeued (send will be called again) or refused (refuse was called)
  };

  RateLimiter(const Clock& clock, LimiterOptions options);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  const LimiterOptions& options() const { return options_; }
  void set_global_limit(uint32_t limit) { options_.global_limit = limit == 0 ? 1 : limit; }
  // The slots of the global limit this limiter uses.
  uint32_t GlobalCapacity() const {
    return options_.global_limit > options_.global_reserve
               ? options_.global_limit - options_.global_reserve
               : 1;
  }

  // Queues a request; returns its id. Call Pump() afterwards. If the request is quarantined, the
  // guard is tripped or it cannot start before its deadline, it is refused (from Pump()).
  uint64_t Submit(Request request, SendFn send, RefuseFn refuse);

  // The answer to the attempt of request `id` that send started.
  Verdict OnResponse(uint64_t id, const net::HttpResponse& response);
  // The attempt failed without an answer (connection, timeout): the request ends.
  void OnTransportError(uint64_t id);
  // Forgets a request: removed from its queue (its callbacks are destroyed unrun), or, when in
  // flight, its answer will only update the limits. Unknown ids are ignored.
  void Cancel(uint64_t id);
  // Ends every request: queued ones get `refusal`; in-flight ones are forgotten.
  void RefuseAll(const Refusal& refusal);

  // Sends what may go now, refuses what has expired. Returns when to call again (nullopt: only
  // after the next Submit or answer). Re-entrant calls (from a callback) return nullopt at once
  // and make the outer call loop again.
  std::optional<MonoTime> Pump();

  LimiterStats stats() const;
  // The bucket key a route maps to now (tests).
  std::string BucketKeyOf(const RouteInfo& route) const;

 private:
  struct Bucket;
  struct Job;
  struct Sublimit;

  Bucket& GetBucket(const std::string& key);
  Bucket& BucketFor(const RouteInfo& route);
  // When the bucket's head may go (nullopt: when an answer arrives); updates a refilled window.
  std::optional<MonoTime> BucketReadyAt(Bucket& b, MonoTime now);
  // When a global slot is free (nullopt: when an answer frees one).
  std::optional<MonoTime> GlobalReadyAt(MonoTime now);
  void ReleaseGlobal(Job& job, MonoTime now);
  std::optional<MonoTime> SublimitReadyAt(Sublimit& s, MonoTime now);
  // Estimated start of a job that would join `b` now.
  MonoTime EstimateStart(const Job& job, Bucket& b, MonoTime now, bool* global);
  std::optional<Refusal> AdmissionRefusal(const Job& job, MonoTime now);
  Refusal RateLimitedUntil(MonoTime when, bool global) const;
  void Enqueue(Job* job, Bucket& b, bool front);
  void Learn(Job& job, const RateLimitHeaders& h, MonoTime now);
  void LearnRoute(const std::string& route, const std::string& hash);
  void CountInvalid(MonoTime now);
  uint32_t InvalidInWindow(MonoTime now);
  std::optional<MonoTime> InvalidGuardUntil(MonoTime now);
  void Quarantine(uint64_t hash, MonoTime until);
  bool Quarantined(uint64_t hash, MonoTime now) const;
  void ReleaseSublimit(Job& job);
  void Finish(Job* job);  // removes and deletes the job
  void RunPump(std::optional<MonoTime>* wake);
  void Sweep(MonoTime now);

  const Clock& clock_;
  LimiterOptions options_;
  uint64_t next_id_ = 1;
  uint64_t next_seq_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Job>> jobs_;
  std::unordered_map<std::string, std::unique_ptr<Bucket>> buckets_;
  std::vector<Bucket*> active_;  // buckets with queued requests (and some just emptied)
  std::unordered_map<std::string, std::string> route_hash_;   // route -> learned bucket hash
  std::unordered_map<std::string, std::string> family_hash_;  // route family -> last hash learned
  std::unordered_map<uint64_t, std::unique_ptr<Sublimit>> sublimits_;  // by channel
  // Refusals decided outside Pump (Submit), delivered by the next Pump.
  std::vector<std::pair<Job*, Refusal>> pending_refusals_;
  size_t global_in_flight_ = 0;          // global-bound requests sent, not answered yet
  std::deque<MonoTime> global_answers_;  // answer times of global-bound requests, last span
  MonoTime global_paused_until_{};
  size_t global_queued_ = 0;  // queued global-bound requests
  // Invalid requests per second slot: (slot, count), oldest first.
  std::deque<std::pair<int64_t, uint32_t>> invalid_slots_;
  uint32_t invalid_total_ = 0;
  std::unordered_map<uint64_t, MonoTime> quarantine_;
  std::deque<uint64_t> quarantine_order_;
  LimiterStats stats_;
  bool pumping_ = false;
  bool repump_ = false;
  uint64_t pumps_ = 0;
};

}  // namespace pylon::rest
