// Copyright 2026 The Pylon Gateway Authors.
// Cached messages: per channel, a bounded ring of serialized MessageData. Internal to src/cache.

#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "base/ids.h"
#include "cache/shard_cache.h"
#include "cache/user_table.h"
#include "discord/events.h"

namespace pylon::cache {

struct StoredMessage {
  MessageId id;                    // zero: an unused slot
  uint32_t author_slot = kNoSlot;  // the author's UserTable slot (one reference), if any
  std::string data;                // serialized MessageData
};

// One channel's latest messages, oldest first, at most `depth`. Slots (and their string buffers)
// are reused: the newest message overwrites the oldest's slot once the ring is full. Lookup by id
// scans the slots (depth is small; ids are compared in one contiguous pass; a slot not in use has
// id 0), and not at all for an id above every id the ring has held: message ids are snowflakes,
// so a new message's id is usually the largest yet.
// Owned by a ShardCache; not thread-safe.
class MessageRing {
 public:
  explicit MessageRing(GuildId guild) : guild_(guild) {}

  GuildId guild() const { return guild_; }
  uint32_t size() const { return count_; }
  StoredMessage* Find(MessageId id);
  const StoredMessage* Find(MessageId id) const;
  // The slot for a new newest message, its id set to `id`. When the ring already holds `depth`
  // messages the oldest is evicted: its author slot is returned in `*evicted_author` (kNoSlot
  // otherwise).
  StoredMessage& Append(uint32_t depth, MessageId id, uint32_t* evicted_author);
  // Removes the message; returns false when absent. `*author_slot` gets its author slot.
  bool Erase(MessageId id, uint32_t* author_slot);
  template <typename F>
  void ForEach(F&& f) const {
    for (uint32_t i = 0; i < count_; ++i) f(at(i));
  }
  uint64_t Bytes() const;

 private:
  StoredMessage& at(uint32_t i) { return slots_[(head_ + i) % slots_.size()]; }
  const StoredMessage& at(uint32_t i) const { return slots_[(head_ + i) % slots_.size()]; }
  StoredMessage& Slot(uint32_t depth, uint32_t* evicted_author);

  GuildId guild_;
  std::vector<StoredMessage> slots_;
  uint32_t head_ = 0;    // slot of the oldest message
  uint32_t count_ = 0;   // messages held
  uint64_t max_id_ = 0;  // the largest id ever appended (held or not): no held id is above it
};

// Copies the fields of `from` whose field numbers are set in `present` into `to`, replacing what
// `to` had: repeated fields are replaced as a whole, message fields absent from `from` are cleared
// (a field sent as null), scalars are copied even when zero.
void MergePresentFields(const pb::MessageData& from, const std::bitset<64>& present,
                        pb::MessageData* to);

// Applies a reaction event to a message's reactions: add (count + 1; `me` when the user is the
// bot and the reaction is not a burst), remove (count - 1, dropped at 0), remove all, remove one
// emoji. Returns false when nothing changed (e.g. the bot's own reaction delivered twice).
bool ApplyReactionToMessage(const discord::ReactionEvent& event, UserId bot,
                            pb::MessageData* message);

// The same on a serialized MessageData, without parsing the rest of the message: its top-level
// fields are scanned, the `reactions` entries alone parsed (into `scratch`, cleared first) and
// changed, and every other field copied as it was (the reactions then come last; field order does
// not matter to a parser). `buffer` is a reused work string. Returns false, leaving `data` as it
// was, when nothing changed or the bytes do not scan as a message.
bool ApplyReactionToSerialized(const discord::ReactionEvent& event, UserId bot,
                               pb::MessageData* scratch, std::string* buffer, std::string* data);

}  // namespace pylon::cache
