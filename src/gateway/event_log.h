// Copyright 2026 The Pylon Gateway Authors.
// EventLog: the events of one shard, in order, as serialized EventEnvelope bodies (no header: the
// dispatcher adds each consumer's header in front of the shared bytes). A bounded ring read by
// cursor: a reader remembers the position after the last event it took and asks for what
// follows. The ring is bounded twice: by events and by body bytes (a connect burst of large
// GUILD_CREATEs and member chunks would otherwise hold up to `capacity` times Discord's largest
// payload). When either bound is reached the oldest events go; a reader that had not taken them
// learns how many it missed (counted, never silent). The newest event is always kept, even alone
// over the byte bound.
//
// Positions are the log's own, strictly increasing for the life of the shard (Discord's sequence
// restarts with every session; it is kept alongside).
//
// Owned by the shard's reactor. The bodies are shared (immutable) so that readers on other
// reactors can hold them without a copy.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"

namespace pylon::gateway {

using EnvelopeBytes = std::shared_ptr<const std::string>;

struct LoggedEvent {
  uint64_t position = 0;  // the log's own sequence, from 1
  uint64_t discord_sequence = 0;
  GuildId guild;          // 0 for shard-level and DM events
  std::string_view type;  // Discord dispatch name ("MESSAGE_CREATE", "READY"); static storage
  int64_t received_unix_us = 0;
  EnvelopeBytes body;  // serialized EventEnvelope without its header
  // For routing guild-less events (DMs): a channel or user id to spread them by; 0 if none.
  uint64_t routing_key = 0;
};

class EventLog {
 public:
  static constexpr uint64_t kNoByteLimit = UINT64_MAX;

  explicit EventLog(size_t capacity, uint64_t max_bytes = kNoByteLimit);

  // Appends an event and returns it as stored, with its position (valid until the next Append).
  const LoggedEvent& Append(LoggedEvent event);

  // Copies up to `max` events after `after` into `out` (appending). Returns the number of events
  // after `after` that were already overwritten (0 normally).
  uint64_t ReadAfter(uint64_t after, size_t max, std::vector<LoggedEvent>* out) const;

  // The event at `position`, or null if the log does not hold it (any more).
  const LoggedEvent* At(uint64_t position) const;

  uint64_t last_position() const { return next_position_ - 1; }
  // The oldest position still held (last_position() + 1 when empty).
  uint64_t first_position() const { return next_position_ - size_; }
  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }
  uint64_t max_bytes() const { return max_bytes_; }
  uint64_t overwritten() const { return overwritten_; }  // events pushed out so far (either bound)
  uint64_t bytes() const { return bytes_; }              // body bytes held

 private:
  void DropOldest();

  std::vector<LoggedEvent> slots_;
  uint64_t max_bytes_;
  size_t head_ = 0;  // slot of the oldest event
  size_t size_ = 0;
  uint64_t next_position_ = 1;
  uint64_t overwritten_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace pylon::gateway
