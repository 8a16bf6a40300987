// Copyright 2026 The Pylon Gateway Authors.

#include "rest/rate_limiter.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <queue>

namespace pylon::rest {
namespace {

std::optional<double> ParseDouble(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

Duration Seconds(double s) {
  if (s < 0) s = 0;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

int64_t CeilSeconds(int64_t unix_ms) { return (unix_ms + 999) / 1000; }

}  // namespace

RateLimitHeaders ParseRateLimitHeaders(const net::HttpResponse& response) {
  RateLimitHeaders h;
  if (auto v = ParseDouble(response.header("X-RateLimit-Limit")); v && *v >= 0) {
    h.limit = static_cast<uint32_t>(*v);
  }
  if (auto v = ParseDouble(response.header("X-RateLimit-Remaining")); v && *v >= 0) {
    h.remaining = static_cast<uint32_t>(*v);
  }
  if (auto v = ParseDouble(response.header("X-RateLimit-Reset-After"))) {
    h.reset_after = Seconds(*v);
  }
  h.bucket = std::string(response.header("X-RateLimit-Bucket"));
  std::string_view global = response.header("X-RateLimit-Global");
  h.global = global == "true" || global == "True";
  std::string_view scope = response.header("X-RateLimit-Scope");
  if (scope == "user") {
    h.scope = RateLimitHeaders::Scope::kUser;
  } else if (scope == "global") {
    h.scope = RateLimitHeaders::Scope::kGlobal;
  } else if (scope == "shared") {
    h.scope = RateLimitHeaders::Scope::kShared;
  }
  if (response.status == 429) {
    // The body's float retry_after is the precise one; Retry-After is whole seconds.
    simdjson::dom::parser parser;
    simdjson::dom::element body;
    if (parser.parse(response.body).get(body) == simdjson::SUCCESS) {
      double retry = 0;
      if (body["retry_after"].get_double().get(retry) == simdjson::SUCCESS) {
        h.retry_after = Seconds(retry);
      }
      bool g = false;
      if (body["global"].get_bool().get(g) == simdjson::SUCCESS && g) h.global = true;
    }
    if (!h.retry_after) {
      if (auto v = ParseDouble(response.header("Retry-After"))) h.retry_after = Seconds(*v);
    }
    if (h.global) h.scope = RateLimitHeaders::Scope::kGlobal;
  }
  return h;
}

// ---- State ----

struct RateLimiter::Bucket {
  std::string key;
  std::string unlearned_route;  // set while keyed by route (hash not known yet)
  std::string major;
  bool learned = false;  // rate-limit headers seen
  uint32_t limit = 1;
  uint32_t remaining = 1;
  bool reset_known = false;
  MonoTime reset_at{};
  Duration window{};  // longest Reset-After seen: the window's length
  MonoTime blocked_until{};
  uint32_t in_flight = 0;
  std::deque<Job*> queue;
  MonoTime last_used{};
  bool active = false;  // listed in active_ (had a queued request since the last pump)
};

struct RateLimiter::Job {
  uint64_t id = 0;
  uint64_t seq = 0;
  Request request;
  SendFn send;
  RefuseFn refuse;
  Bucket* bucket = nullptr;  // where it waits, or was sent from
  enum class State : uint8_t { kHeld, kQueued, kInFlight, kRefusing } state = State::kQueued;
  bool sublimit_reserved = false;  // holds one of its channel's pending slots
  bool cancelled = false;          // in flight when cancelled: its answer only updates limits
  uint32_t server_retries = 0;
  bool global_slot = false;  // holds a slot of the global limit (sent, not answered yet)
  bool global_bound() const { return !request.route.global_exempt; }
};

struct RateLimiter::Sublimit {
  std::deque<MonoTime> sends;  // name/topic changes sent within the window
  uint32_t pending = 0;        // admitted into a bucket, not sent yet
  MonoTime blocked_until{};
  std::deque<Job*> held;
};

RateLimiter::RateLimiter(const Clock& clock, LimiterOptions options)
    : clock_(clock), options_(std::move(options)) {
  if (options_.global_limit == 0) options_.global_limit = 1;
  if (options_.max_in_flight_per_bucket == 0) options_.max_in_flight_per_bucket = 1;
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Bucket& RateLimiter::GetBucket(const std::string& key) {
  auto& slot = buckets_[key];
  if (!slot) {
    slot = std::make_unique<Bucket>();
    slot->key = key;
  }
  return *slot;
}

std::string RateLimiter::BucketKeyOf(const RouteInfo& route) const {
  auto it = route_hash_.find(route.route);
  if (it != route_hash_.end()) return it->second + "|" + route.major;
  if (!route.family.empty()) {
    // Not learned yet, but its family has a bucket: the likeliest one (route.h).
    auto family = family_hash_.find(route.family);
    if (family != family_hash_.end()) return family->second + "|" + route.major;
  }
  return "?" + route.route + "|" + route.major;
}

RateLimiter::Bucket& RateLimiter::BucketFor(const RouteInfo& route) {
  std::string key = BucketKeyOf(route);
  const bool unlearned = key.front() == '?';
  Bucket& b = GetBucket(key);
  if (b.major.empty()) b.major = route.major;
  if (unlearned) b.unlearned_route = route.route;
  return b;
}

// ---- Readiness ----

std::optional<MonoTime> RateLimiter::BucketReadyAt(Bucket& b, MonoTime now) {
  const uint32_t max_in_flight = b.learned ? options_.max_in_flight_per_bucket : 1;
  if (b.in_flight >= max_in_flight) return std::nullopt;  // an answer will pump
  if (now < b.blocked_until) return b.blocked_until;
  if (!b.learned) return now;
  if (b.remaining == 0) {
    if (!b.reset_known) return std::nullopt;
    if (now < b.reset_at) return b.reset_at;
    b.remaining = b.limit;  // a new window; its reset is learned from its first answer
    b.reset_known = false;
  }
  return now;
}

// A global-bound request holds a slot of the global limit from when it is sent until `span`
// after its answer. Discord counts a request when it arrives, which is after it was sent and
// before it was answered: so any two requests that Discord could see within one window each
// found the other holding a slot, and no window of Discord's (fixed or sliding) sees more than
// `global_limit`, however long requests take on the way or wait for a connection.
std::optional<MonoTime> RateLimiter::GlobalReadyAt(MonoTime now) {
  const Duration span = options_.global_window + options_.global_margin;
  while (!global_answers_.empty() && global_answers_.front() + span <= now) {
    global_answers_.pop_front();
  }
  std::optional<MonoTime> ready = now;
  const size_t used = global_in_flight_ + global_answers_.size();
  const size_t capacity = GlobalCapacity();
  if (used >= capacity) {
    const size_t expire = used - capacity + 1;                 // answers that must leave
    if (expire > global_answers_.size()) return std::nullopt;  // an answer will pump
    ready = global_answers_[expire - 1] + span;
  }
  return std::max(*ready, global_paused_until_);
}

void RateLimiter::ReleaseGlobal(Job& job, MonoTime now) {
  if (!job.global_slot) return;
  job.global_slot = false;
  if (global_in_flight_ > 0) --global_in_flight_;
  global_answers_.push_back(now);
}

std::optional<MonoTime> RateLimiter::SublimitReadyAt(Sublimit& s, MonoTime now) {
  while (!s.sends.empty() && s.sends.front() + options_.name_topic_window <= now) {
    s.sends.pop_front();
  }
  MonoTime ready = std::max(now, s.blocked_until);
  const size_t limit = options_.name_topic_limit;
  const size_t used = s.sends.size() + s.pending;
  if (used < limit) return ready;
  if (s.pending >= limit) return std::nullopt;  // admitted ones must be sent first
  // Below the limit again once sends[used - limit] leaves the window.
  return std::max(ready, s.sends[used - limit] + options_.name_topic_window);
}

MonoTime RateLimiter::EstimateStart(const Job& job, Bucket& b, MonoTime now, bool* global) {
  // The bucket: the requests ahead of this one use the slots left in this window, then whole
  // windows.
  MonoTime bucket_at = now;
  if (b.learned) {
    const Duration window = b.window > Duration::zero() ? b.window : std::chrono::seconds(1);
    uint32_t available = b.remaining;
    MonoTime next_window = b.reset_known ? b.reset_at : now + window;
    if (b.reset_known && now >= b.reset_at) {
      available = b.limit;
      next_window = now + window;
    }
    const uint64_t ahead = b.queue.size();
    if (ahead >= available) {
      const uint64_t extra = (ahead - available) / b.limit;
      bucket_at = next_window + window * static_cast<int64_t>(extra);
    }
  }
  bucket_at = std::max(bucket_at, b.blocked_until);
  // The global limit: the requests queued before this one take the next free slots.
  MonoTime global_at = now;
  if (job.global_bound()) {
    const Duration span = options_.global_window + options_.global_margin;
    GlobalReadyAt(now);  // drops expired answers
    // The occupied slots free up in order: answered ones `span` after their answer, those in
    // flight at the earliest `span` from now. This request takes slot j (0-based) of the occupied
    // ones followed by the queued ones; slot j may go once slot j - limit has been freed.
    const uint64_t limit = GlobalCapacity();
    const uint64_t answered = global_answers_.size();
    const uint64_t occupied = answered + global_in_flight_;
    uint64_t j = occupied + global_queued_;
    int64_t windows = 0;
    while (j >= limit && j >= occupied) {
      j -= limit;
      ++windows;
    }
    if (windows > 0) {
      MonoTime frees = j < answered ? global_answers_[j] + span : now + span;
      global_at = frees + span * (windows - 1);
    }
    global_at = std::max(global_at, global_paused_until_);
  }
  // The name/topic sublimit.
  MonoTime sublimit_at = now;
  if (job.request.route.sublimit_channel != 0) {
    auto it = sublimits_.find(job.request.route.sublimit_channel);
    if (it != sublimits_.end()) {
      Sublimit& s = *it->second;
      while (!s.sends.empty() && s.sends.front() + options_.name_topic_window <= now) {
        s.sends.pop_front();
      }
      size_t used = s.sends.size() + s.pending + s.held.size();
      if (used >= options_.name_topic_limit) {
        size_t index = used - options_.name_topic_limit;
        sublimit_at = index < s.sends.size()
                          ? s.sends[index] + options_.name_topic_window
                          : now + options_.name_topic_window;  // behind unsent ones: a window
      }
      sublimit_at = std::max(sublimit_at, s.blocked_until);
    }
  }
  MonoTime start = std::max({bucket_at, global_at, sublimit_at});
  *global =
      job.global_bound() && global_at >= bucket_at && global_at >= sublimit_at && global_at > now;
  return start;
}

Refusal RateLimiter::RateLimitedUntil(MonoTime when, bool global) const {
  Refusal r;
  r.kind = Refusal::Kind::kRateLimited;
  r.global = global;
  MonoTime now = clock_.Now();
  int64_t delay_ms =
      std::max<int64_t>(0, std::chrono::duration_cast<milliseconds>(when - now).count());
  r.retry_at = static_cast<uint32_t>(CeilSeconds(clock_.UnixMs() + delay_ms));
  r.message = "rate limited";
  return r;
}

// ---- Invalid-request guard and quarantine ----

void RateLimiter::CountInvalid(MonoTime now) {
  int64_t slot = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (!invalid_slots_.empty() && invalid_slots_.back().first == slot) {
    ++invalid_slots_.back().second;
  } else {
    invalid_slots_.emplace_back(slot, 1);
  }
  ++invalid_total_;
  ++stats_.invalid_counted;
}

uint32_t RateLimiter::InvalidInWindow(MonoTime now) {
  int64_t slot = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int64_t window =
      std::chrono::duration_cast<std::chrono::seconds>(options_.invalid_request_window).count();
  while (!invalid_slots_.empty() && invalid_slots_.front().first <= slot - window) {
    invalid_total_ -= invalid_slots_.front().second;
    invalid_slots_.pop_front();
  }
  return invalid_total_;
}

std::optional<MonoTime> RateLimiter::InvalidGuardUntil(MonoTime now) {
  uint32_t count = InvalidInWindow(now);
  if (count < options_.invalid_request_limit) return std::nullopt;
  // Sending resumes when enough slots have left the window to go below the limit.
  uint32_t excess = count - options_.invalid_request_limit + 1;
  int64_t window =
      std::chrono::duration_cast<std::chrono::seconds>(options_.invalid_request_window).count();
  for (const auto& [slot, n] : invalid_slots_) {
    if (n >= excess) {
      return MonoTime(std::chrono::duration_cast<Duration>(std::chrono::seconds(slot + window)));
    }
    excess -= n;
  }
  return now + options_.invalid_request_window;
}

void RateLimiter::Quarantine(uint64_t hash, MonoTime until) {
  if (hash == 0) return;
  auto [it, inserted] = quarantine_.insert_or_assign(hash, until);
  if (inserted) quarantine_order_.push_back(hash);
  while (quarantine_.size() > options_.max_quarantined_tokens && !quarantine_order_.empty()) {
    quarantine_.erase(quarantine_order_.front());
    quarantine_order_.pop_front();
    ++stats_.quarantine_evicted;
  }
}

bool RateLimiter::Quarantined(uint64_t hash, MonoTime now) const {
  if (hash == 0) return false;
  auto it = quarantine_.find(hash);
  return it != quarantine_.end() && now < it->second;
}

std::optional<Refusal> RateLimiter::AdmissionRefusal(const Job& job, MonoTime now) {
  const RouteInfo& route = job.request.route;
  if (route.token_auth && Quarantined(route.token_hash, now)) {
    ++stats_.refused_quarantine;
    Refusal r;
    r.kind = Refusal::Kind::kAccessDenied;
    r.code = 50027;
    r.message = "Invalid Webhook Token";
    return r;
  }
  if (!route.token_auth && Quarantined(job.request.credential, now)) {
    ++stats_.refused_quarantine;
    Refusal r;
    r.kind = Refusal::Kind::kAccessDenied;
    r.code = 40001;
    r.message = "401: Unauthorized";
    return r;
  }
  if (auto until = InvalidGuardUntil(now)) {
    ++stats_.refused_invalid_guard;
    return RateLimitedUntil(*until, true);
  }
  return std::nullopt;
}

// ---- Requests ----

uint64_t RateLimiter::Submit(Request request, SendFn send, RefuseFn refuse) {
  const MonoTime now = clock_.Now();
  auto job = std::make_unique<Job>();
  Job* j = job.get();
  j->id = next_id_++;
  j->seq = next_seq_++;
  j->request = std::move(request);
  j->send = std::move(send);
  j->refuse = std::move(refuse);
  j->server_retries = j->request.idempotent ? options_.server_error_retries : 0;
  jobs_.emplace(j->id, std::move(job));
  ++stats_.submitted;

  if (auto refusal = AdmissionRefusal(*j, now)) {
    j->state = Job::State::kRefusing;
    pending_refusals_.emplace_back(j, std::move(*refusal));
    return j->id;
  }
  Bucket& b = BucketFor(j->request.route);
  bool global = false;
  MonoTime start = EstimateStart(*j, b, now, &global);
  if (start > j->request.deadline) {
    ++stats_.refused_at_submit;
    j->state = Job::State::kRefusing;
    pending_refusals_.emplace_back(j, RateLimitedUntil(start, global));
    return j->id;
  }
  if (j->request.route.sublimit_channel != 0) {
    auto& slot = sublimits_[j->request.route.sublimit_channel];
    if (!slot) slot = std::make_unique<Sublimit>();
    j->state = Job::State::kHeld;
    j->bucket = nullptr;
    slot->held.push_back(j);
    return j->id;
  }
  Enqueue(j, b, /*front=*/false);
  return j->id;
}

void RateLimiter::Enqueue(Job* job, Bucket& b, bool front) {
  job->bucket = &b;
  job->state = Job::State::kQueued;
  b.last_used = clock_.Now();
  if (!b.active) {
    b.active = true;
    active_.push_back(&b);
  }
  if (front) {
    b.queue.push_front(job);
  } else {
    // In submission order (a job from a sublimit queue may be older than those waiting).
    auto it = b.queue.end();
    while (it != b.queue.begin() && (*(it - 1))->seq > job->seq) --it;
    b.queue.insert(it, job);
  }
  if (job->global_bound()) ++global_queued_;
}

void RateLimiter::ReleaseSublimit(Job& job) {
  if (!job.sublimit_reserved) return;
  job.sublimit_reserved = false;
  auto it = sublimits_.find(job.request.route.sublimit_channel);
  if (it != sublimits_.end() && it->second->pending > 0) --it->second->pending;
}

void RateLimiter::Finish(Job* job) {
  ReleaseSublimit(*job);
  jobs_.erase(job->id);
}

void RateLimiter::LearnRoute(const std::string& route, const std::string& hash) {
  route_hash_[route] = hash;
  // Every bucket the route's requests waited in (one per major parameter) moves into the bucket
  // they really belong to: queued requests in submission order, in-flight ones with their count.
  std::vector<std::string> old_keys;
  for (const auto& [key, bucket] : buckets_) {
    if (bucket->unlearned_route == route) old_keys.push_back(key);
  }
  for (const std::string& key : old_keys) {
    auto node = buckets_.extract(key);
    Bucket& old = *node.mapped();
    Bucket& target = GetBucket(hash + "|" + old.major);
    target.major = old.major;
    target.unlearned_route.clear();
    target.in_flight += old.in_flight;
    for (auto& [id, job] : jobs_) {
      if (job->bucket == &old) job->bucket = &target;
    }
    for (Job* waiting : old.queue) {
      if (waiting->global_bound()) --global_queued_;
      Enqueue(waiting, target, /*front=*/false);
    }
    if (old.active) active_.erase(std::find(active_.begin(), active_.end(), &old));
  }
}

void RateLimiter::Learn(Job& job, const RateLimitHeaders& h, MonoTime now) {
  const RouteInfo& route = job.request.route;
  if (!h.bucket.empty()) {
    auto known = route_hash_.find(route.route);
    if (known == route_hash_.end() || known->second != h.bucket) LearnRoute(route.route, h.bucket);
    if (!route.family.empty()) family_hash_[route.family] = h.bucket;
  }
  Bucket& b = GetBucket(BucketKeyOf(route));
  if (b.major.empty()) b.major = route.major;
  if (h.limit && h.remaining && h.reset_after) {
    b.learned = true;
    b.limit = std::max<uint32_t>(*h.limit, 1);
    const uint32_t others = b.in_flight;  // sent after this one: not in Remaining yet
    b.remaining = *h.remaining > others ? *h.remaining - others : 0;
    b.reset_at = now + *h.reset_after + options_.reset_margin;
    b.reset_known = true;
    b.window = std::max(b.window, *h.reset_after);
  }
  b.last_used = now;
}

RateLimiter::Verdict RateLimiter::OnResponse(uint64_t id, const net::HttpResponse& response) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return Verdict::kDeliver;
  Job& job = *it->second;
  const MonoTime now = clock_.Now();
  if (job.bucket != nullptr && job.bucket->in_flight > 0) --job.bucket->in_flight;
  ReleaseGlobal(job, now);
  ++stats_.answered;
  const RateLimitHeaders h = ParseRateLimitHeaders(response);
  Learn(job, h, now);
  Bucket& b = GetBucket(BucketKeyOf(job.request.route));  // Learn may have moved the route
  const int status = response.status;
  const uint64_t channel = job.request.route.sublimit_channel;

  // What the answer says about the limits, whoever asked.
  bool retry = false;
  bool sublimited = false;
  bool global_429 = false;
  Duration retry_after{};
  if (status == 429) {
    using Scope = RateLimitHeaders::Scope;
    retry_after = h.retry_after.value_or(std::chrono::seconds(1)) + options_.reset_margin;
    global_429 = h.scope == Scope::kGlobal || h.global;
    const bool shared = h.scope == Scope::kShared;
    if (!shared) CountInvalid(now);
    if (global_429) {
      ++stats_.discord_429_global;
      global_paused_until_ = std::max(global_paused_until_, now + retry_after);
    } else if (shared) {
      ++stats_.discord_429_shared;
      b.blocked_until = std::max(b.blocked_until, now + retry_after);
    } else if (channel != 0 && h.remaining && *h.remaining > 0) {
      // The route has room: this is the channel's name/topic sublimit.
      ++stats_.discord_429_user;
      auto& slot = sublimits_[channel];
      if (!slot) slot = std::make_unique<Sublimit>();
      slot->blocked_until = std::max(slot->blocked_until, now + retry_after);
      sublimited = true;
    } else {
      ++stats_.discord_429_user;
      b.learned = true;
      b.remaining = 0;
      b.reset_known = true;
      b.reset_at = std::max(b.reset_at, now + retry_after);
    }
    retry = true;
  } else if (status == 401) {
    CountInvalid(now);
    if (job.request.route.token_auth) {
      Quarantine(job.request.route.token_hash, now + options_.webhook_token_quarantine);
    } else {
      Quarantine(job.request.credential, now + options_.bot_token_quarantine);
    }
  } else if (status == 403) {
    CountInvalid(now);
  } else if ((status == 502 || status == 503 || status == 504) && job.server_retries > 0 &&
             now < job.request.deadline) {
    --job.server_retries;
    retry = true;
  }

  if (job.cancelled) {
    Finish(&job);
    return Verdict::kHandled;
  }
  if (!retry) {
    Finish(&job);
    return Verdict::kDeliver;
  }
  if (status == 429 && now + retry_after > job.request.deadline) {
    Refusal refusal = RateLimitedUntil(now + retry_after, global_429);
    RefuseFn refuse = std::move(job.refuse);
    Finish(&job);
    if (refuse) refuse(std::move(refusal));
    return Verdict::kHandled;
  }
  ++stats_.retried;
  if (sublimited) {
    // Back to the front of its channel's sublimit queue.
    ReleaseSublimit(job);
    job.state = Job::State::kHeld;
    job.bucket = nullptr;
    sublimits_[channel]->held.push_front(&job);
  } else {
    Enqueue(&job, b, /*front=*/true);
  }
  return Verdict::kHandled;
}

void RateLimiter::OnTransportError(uint64_t id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  Job& job = *it->second;
  ReleaseGlobal(job, clock_.Now());
  if (Bucket* b = job.bucket) {
    if (b->in_flight > 0) --b->in_flight;
    if (b->learned && b->remaining == 0 && !b->reset_known) {
      // The window's reset would have come with this answer: assume a whole window.
      b->reset_known = true;
      b->reset_at = clock_.Now() + std::max(b->window, Duration(std::chrono::seconds(1)));
    }
  }
  ++stats_.answered;
  Finish(&job);
}

void RateLimiter::Cancel(uint64_t id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  Job& job = *it->second;
  ++stats_.cancelled;
  switch (job.state) {
    case Job::State::kQueued: {
      auto& q = job.bucket->queue;
      q.erase(std::remove(q.begin(), q.end(), &job), q.end());
      if (job.global_bound()) --global_queued_;
      Finish(&job);
      break;
    }
    case Job::State::kHeld: {
      auto s = sublimits_.find(job.request.route.sublimit_channel);
      if (s != sublimits_.end()) {
        auto& q = s->second->held;
        q.erase(std::remove(q.begin(), q.end(), &job), q.end());
      }
      Finish(&job);
      break;
    }
    case Job::State::kInFlight:
      job.cancelled = true;  // the answer still updates the limits
      job.send = nullptr;
      job.refuse = nullptr;
      break;
    case Job::State::kRefusing:
      job.refuse = nullptr;
      break;
  }
}

void RateLimiter::RefuseAll(const Refusal& refusal) {
  std::vector<RefuseFn> refusals;
  for (auto& [id, job] : jobs_) {
    if (job->refuse && job->state != Job::State::kInFlight) {
      refusals.push_back(std::move(job->refuse));
    }
  }
  jobs_.clear();
  active_.clear();
  buckets_.clear();
  sublimits_.clear();
  pending_refusals_.clear();
  global_queued_ = 0;
  global_in_flight_ = 0;  // their answers are ignored
  for (auto& refuse : refusals) refuse(refusal);
}

// ---- Pump ----

std::optional<MonoTime> RateLimiter::Pump() {
  if (pumping_) {
    repump_ = true;
    return std::nullopt;
  }
  pumping_ = true;
  std::optional<MonoTime> wake;
  do {
    repump_ = false;
    RunPump(&wake);
  } while (repump_);
  pumping_ = false;
  return wake;
}

void RateLimiter::RunPump(std::optional<MonoTime>* wake_out) {
  const MonoTime now = clock_.Now();
  std::optional<MonoTime> wake;
  auto wake_at = [&](MonoTime t) {
    if (!wake || t < *wake) wake = t;
  };
  std::vector<std::pair<RefuseFn, Refusal>> refusals;
  std::vector<uint64_t> sends;

  for (auto& [job, refusal] : pending_refusals_) {
    if (job->refuse) refusals.emplace_back(std::move(job->refuse), std::move(refusal));
    Finish(job);
  }
  pending_refusals_.clear();

  // Deadlines of waiting requests, and sublimit queues.
  std::optional<MonoTime> guard_until = InvalidGuardUntil(now);
  for (auto& [channel, s] : sublimits_) {
    for (auto it = s->held.begin(); it != s->held.end();) {
      Job* job = *it;
      if (job->request.deadline <= now) {
        ++stats_.refused_deadline;
        MonoTime retry = SublimitReadyAt(*s, now).value_or(now + options_.name_topic_window);
        if (job->refuse)
          refusals.emplace_back(std::move(job->refuse), RateLimitedUntil(retry, false));
        it = s->held.erase(it);
        Finish(job);
        continue;
      }
      wake_at(job->request.deadline);
      ++it;
    }
    while (!s->held.empty()) {
      std::optional<MonoTime> ready = SublimitReadyAt(*s, now);
      if (!ready || *ready > now) {
        if (ready) wake_at(*ready);
        break;
      }
      Job* job = s->held.front();
      s->held.pop_front();
      ++s->pending;
      job->sublimit_reserved = true;
      Enqueue(job, BucketFor(job->request.route), /*front=*/false);
    }
  }

  // Buckets: expired heads and the order in which ready heads go (oldest first).
  using Entry = std::pair<uint64_t, Bucket*>;  // (head seq, bucket)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
  // Only buckets with queued requests (active_), so that a pump costs what is waiting, not every
  // bucket the bot ever used. Emptied ones leave the list here.
  for (size_t i = 0; i < active_.size();) {
    Bucket& b = *active_[i];
    if (b.queue.empty()) {
      b.active = false;
      active_[i] = active_.back();
      active_.pop_back();
      continue;
    }
    ++i;
    for (auto it = b.queue.begin(); it != b.queue.end();) {
      Job* job = *it;
      if (job->request.deadline <= now) {
        ++stats_.refused_deadline;
        bool global = false;
        if (job->global_bound()) --global_queued_;
        it = b.queue.erase(it);
        MonoTime retry = EstimateStart(*job, b, now, &global);
        if (job->refuse) {
          refusals.emplace_back(std::move(job->refuse), RateLimitedUntil(retry, global));
        }
        Finish(job);
        continue;
      }
      wake_at(job->request.deadline);
      ++it;
    }
    if (b.queue.empty()) continue;
    std::optional<MonoTime> at = BucketReadyAt(b, now);
    if (!at) continue;
    if (*at > now) {
      wake_at(*at);
      continue;
    }
    ready.emplace(b.queue.front()->seq, &b);
  }

  while (!ready.empty()) {
    Bucket& b = *ready.top().second;
    ready.pop();
    if (b.queue.empty()) continue;
    Job* job = b.queue.front();
    if (guard_until) {
      // The invalid-request guard: nothing is sent until the count falls.
      ++stats_.refused_invalid_guard;
      b.queue.pop_front();
      if (job->global_bound()) --global_queued_;
      if (job->refuse)
        refusals.emplace_back(std::move(job->refuse), RateLimitedUntil(*guard_until, true));
      Finish(job);
    } else {
      if (job->global_bound()) {
        std::optional<MonoTime> global_at = GlobalReadyAt(now);
        if (!global_at || *global_at > now) {
          if (global_at) wake_at(*global_at);  // else an answer frees a slot and pumps
          continue;  // this bucket waits; exempt heads of other buckets may still go
        }
        ++global_in_flight_;
        job->global_slot = true;
        --global_queued_;
      }
      b.queue.pop_front();
      job->state = Job::State::kInFlight;
      ++b.in_flight;
      if (b.learned && b.remaining > 0) --b.remaining;
      b.last_used = now;
      if (job->sublimit_reserved) {
        job->sublimit_reserved = false;
        auto s = sublimits_.find(job->request.route.sublimit_channel);
        if (s != sublimits_.end()) {
          if (s->second->pending > 0) --s->second->pending;
          s->second->sends.push_back(now);
        }
      }
      ++stats_.sent;
      sends.push_back(job->id);
    }
    if (!b.queue.empty()) {
      std::optional<MonoTime> at = BucketReadyAt(b, now);
      if (at && *at <= now) {
        ready.emplace(b.queue.front()->seq, &b);
      } else if (at) {
        wake_at(*at);
      }
    }
  }

  if (++pumps_ % 256 == 0) Sweep(now);
  *wake_out = wake;

  // Callbacks last: they may call back into the limiter.
  for (auto& [refuse, refusal] : refusals) refuse(std::move(refusal));
  for (uint64_t id : sends) {
    auto it = jobs_.find(id);  // a refusal callback may have cancelled it
    if (it == jobs_.end() || !it->second->send) continue;
    it->second->send();
  }
}

void RateLimiter::Sweep(MonoTime now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Bucket& b = *it->second;
    bool idle = !b.active && b.queue.empty() && b.in_flight == 0 && now >= b.blocked_until &&
                (!b.reset_known || now >= b.reset_at) &&
                now - b.last_used >= options_.idle_bucket_expiry;
    it = idle ? buckets_.erase(it) : std::next(it);
  }
  for (auto it = sublimits_.begin(); it != sublimits_.end();) {
    Sublimit& s = *it->second;
    SublimitReadyAt(s, now);  // drops old sends
    bool idle = s.held.empty() && s.pending == 0 && s.sends.empty() && now >= s.blocked_until;
    it = idle ? sublimits_.erase(it) : std::next(it);
  }
  for (auto it = quarantine_order_.begin(); it != quarantine_order_.end();) {
    auto q = quarantine_.find(*it);
    if (q == quarantine_.end() || now >= q->second) {
      if (q != quarantine_.end()) quarantine_.erase(q);
      it = quarantine_order_.erase(it);
    } else {
      ++it;
    }
  }
}

LimiterStats RateLimiter::stats() const {
  LimiterStats s = stats_;
  s.queued = 0;
  s.in_flight = 0;
  for (const auto& [id, job] : jobs_) {
    if (job->state == Job::State::kInFlight) {
      ++s.in_flight;
    } else if (job->state != Job::State::kRefusing) {
      ++s.queued;
    }
  }
  s.buckets = buckets_.size();
  s.invalid_in_window = invalid_total_;
  return s;
}

}  // namespace pylon::rest
