// Copyright 2026 The Pylon Gateway Authors.

#include "gateway/event_log.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pylon::gateway {
namespace {

LoggedEvent Event(uint64_t sequence, std::string body = "x") {
  LoggedEvent e;
  e.discord_sequence = sequence;
  e.guild = GuildId(sequence * 10);
  e.type = "MESSAGE_CREATE";
  e.body = std::make_shared<const std::string>(std::move(body));
  return e;
}

std::vector<uint64_t> Positions(const std::vector<LoggedEvent>& events) {
  std::vector<uint64_t> out;
  for (const auto& e : events) out.push_back(e.position);
  return out;
}

TEST(EventLogTest, AppendsInOrderAndReadsByCursor) {
  EventLog log(8);
  EXPECT_EQ(log.last_position(), 0u);
  EXPECT_EQ(log.first_position(), 1u);  // empty: last + 1
  for (uint64_t i = 1; i <= 5; ++i) {
    const LoggedEvent& stored = log.Append(Event(100 + i));
    EXPECT_EQ(stored.position, i);
    EXPECT_EQ(stored.discord_sequence, 100 + i);
  }
  EXPECT_EQ(log.size(), 5u);
  EXPECT_EQ(log.last_position(), 5u);
  EXPECT_EQ(log.first_position(), 1u);

  std::vector<LoggedEvent> out;
  EXPECT_EQ(log.ReadAfter(0, SIZE_MAX, &out), 0u);
  EXPECT_EQ(Positions(out), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(out[2].discord_sequence, 103u);
  EXPECT_EQ(out[2].guild, GuildId(1030));
  EXPECT_EQ(out[2].type, "MESSAGE_CREATE");

  // A reader takes what follows its cursor, at most `max` at a time, appending to `out`.
  out.clear();
  EXPECT_EQ(log.ReadAfter(2, 2, &out), 0u);
  EXPECT_EQ(Positions(out), (std::vector<uint64_t>{3, 4}));
  EXPECT_EQ(log.ReadAfter(out.back().position, 10, &out), 0u);
  EXPECT_EQ(Positions(out), (std::vector<uint64_t>{3, 4, 5}));
  // Caught up (or ahead): nothing.
  std::vector<LoggedEvent> none;
  EXPECT_EQ(log.ReadAfter(5, 10, &none), 0u);
  EXPECT_EQ(log.ReadAfter(99, 10, &none), 0u);
  EXPECT_EQ(log.ReadAfter(0, 0, &none), 0u);
  EXPECT_TRUE(none.empty());
}

TEST(EventLogTest, BodiesAreSharedNotCopied) {
  EventLog log(4);
  auto body = std::make_shared<const std::string>("payload");
  LoggedEvent e = Event(1);
  e.body = body;
  log.Append(std::move(e));
  std::vector<LoggedEvent> out;
  log.ReadAfter(0, 1, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body.get(), body.get());
}

TEST(EventLogTest, AFullRingOverwritesTheOldestAndCountsIt) {
  EventLog log(4);
  EXPECT_EQ(log.capacity(), 4u);
  for (uint64_t i = 1; i <= 10; ++i) log.Append(Event(i, std::string(i, 'b')));
  EXPECT_EQ(log.size(), 4u);
  EXPECT_EQ(log.overwritten(), 6u);
  EXPECT_EQ(log.first_position(), 7u);
  EXPECT_EQ(log.last_position(), 10u);
  EXPECT_EQ(log.bytes(), 7u + 8u + 9u + 10u);  // only what is held

  std::vector<LoggedEvent> out;
  EXPECT_EQ(log.ReadAfter(0, SIZE_MAX, &out), 6u);  // 1-6 are gone
  EXPECT_EQ(Positions(out), (std::vector<uint64_t>{7, 8, 9, 10}));
  EXPECT_EQ(out[0].discord_sequence, 7u);
  EXPECT_EQ(*out[0].body, std::string(7, 'b'));
  out.clear();
  EXPECT_EQ(log.ReadAfter(5, SIZE_MAX, &out), 1u);  // 6 is gone
  EXPECT_EQ(Positions(out), (std::vector<uint64_t>{7, 8, 9, 10}));
  out.clear();
  EXPECT_EQ(log.ReadAfter(6, 2, &out), 0u);  // nothing it had not taken is gone
  EXPECT_EQ(Positions(out), (std::vector<uint64_t>{7, 8}));
}

TEST(EventLogTest, ALaggingReaderLearnsExactlyHowManyItMissed) {
  // The writer appends 5 per round, the reader takes 3: every event is either read once or
  // reported missed once, in order.
  EventLog log(16);
  uint64_t cursor = 0;
  uint64_t read = 0;
  uint64_t missed = 0;
  uint64_t appended = 0;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 5; ++i) log.Append(Event(++appended));
    std::vector<LoggedEvent> out;
    uint64_t lost = log.ReadAfter(cursor, 3, &out);
    missed += lost;
    ASSERT_EQ(out.size(), 3u);
    uint64_t expected = cursor + lost + 1;  // the oldest still held
    for (const auto& e : out) {
      ASSERT_EQ(e.position, expected++);
      ASSERT_EQ(e.discord_sequence, e.position);
      ++read;
    }
    cursor = out.back().position;
  }
  // Drain.
  std::vector<LoggedEvent> out;
  missed += log.ReadAfter(cursor, SIZE_MAX, &out);
  read += out.size();
  EXPECT_EQ(read + missed, appended);
  EXPECT_GT(missed, 0u);
  EXPECT_EQ(log.overwritten(), appended - log.size());
}

TEST(EventLogTest, TheByteBoundDropsTheOldestAndCountsThem) {
  EventLog log(100, /*max_bytes=*/1000);
  for (uint64_t i = 1; i <= 4; ++i) log.Append(Event(i, std::string(200, 'a')));
  EXPECT_EQ(log.bytes(), 800u);
  EXPECT_EQ(log.overwritten(), 0u);
  // 800 + 400 > 1000: the oldest goes, one at a time, until the new body fits.
  log.Append(Event(5, std::string(400, 'b')));
  EXPECT_EQ(log.overwritten(), 1u);
  EXPECT_EQ(log.bytes(), 1000u);
  EXPECT_EQ(log.first_position(), 2u);
  std::vector<LoggedEvent> out;
  EXPECT_EQ(log.ReadAfter(0, SIZE_MAX, &out), 1u);  // the reader learns what it missed
  EXPECT_EQ(Positions(out), (std::vector<uint64_t>{2, 3, 4, 5}));
  // A body over the whole bound empties the log but is kept.
  log.Append(Event(6, std::string(5000, 'c')));
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(log.bytes(), 5000u);
  EXPECT_EQ(log.overwritten(), 5u);
  ASSERT_NE(log.At(6), nullptr);
  EXPECT_EQ(log.At(6)->body->size(), 5000u);
  // And goes at the next append.
  log.Append(Event(7, "x"));
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(log.bytes(), 1u);
  EXPECT_EQ(log.overwritten(), 6u);
}

TEST(EventLogTest, ACapacityOfZeroHoldsOne) {
  EventLog log(0);
  EXPECT_EQ(log.capacity(), 1u);
  log.Append(Event(1));
  log.Append(Event(2));
  std::vector<LoggedEvent> out;
  EXPECT_EQ(log.ReadAfter(0, 10, &out), 1u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].discord_sequence, 2u);
}

}  // namespace
}  // namespace pylon::gateway
