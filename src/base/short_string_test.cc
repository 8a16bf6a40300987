// Copyright 2026 The Pylon Gateway Authors.

#include "base/short_string.h"

#include <vector>

#include <gtest/gtest.h>

namespace pylon {
namespace {

TEST(ShortStringTest, InlineAndHeap) {
  ShortString empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.view(), "");
  ShortString small("fifteen chars!!");
  EXPECT_EQ(small.size(), 15u);
  EXPECT_EQ(small.heap_bytes(), 0u);
  EXPECT_EQ(small, "fifteen chars!!");
  ShortString big("sixteen chars!!!");
  EXPECT_EQ(big.size(), 16u);
  EXPECT_EQ(big.heap_bytes(), 16u);
  EXPECT_EQ(big.str(), "sixteen chars!!!");
}

TEST(ShortStringTest, CopyMoveAssign) {
  ShortString a("a rather long username here");
  ShortString b = a;
  EXPECT_EQ(b, a);
  ShortString c = std::move(a);
  EXPECT_EQ(c, b);
  EXPECT_TRUE(a.empty());  // NOLINT: moved-from is empty by contract
  c = "short";
  EXPECT_EQ(c, "short");
  c = c;  // self-assignment
  EXPECT_EQ(c, "short");
  b = b.view().substr(2);  // assigning from our own heap block
  EXPECT_EQ(b, "rather long username here");
  std::vector<ShortString> many(100, ShortString("another long string value"));
  many.resize(1000);
  EXPECT_EQ(many[99], "another long string value");
  EXPECT_TRUE(many[999].empty());
}

TEST(ShortStringTest, EmbeddedNulAndBinary) {
  std::string text("a\0b", 3);
  ShortString s(text);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.view(), text);
}

}  // namespace
}  // namespace pylon
