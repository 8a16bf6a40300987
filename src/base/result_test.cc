// Copyright 2026 The Pylon Gateway Authors.

#include "base/result.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace pylon {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  PYLON_ASSIGN_OR_RETURN(int half, Half(x));
  PYLON_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  PYLON_RETURN_IF_ERROR(Half(x));
  return Ok();
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = Half(8);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 4);
  Result<int> bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "odd: 3");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(ResultTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "odd: 3");
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(5).error().code(), ErrorCode::kInvalidArgument);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> taken = std::move(r).value();
  EXPECT_EQ(*taken, 7);
}

TEST(ResultTest, ConvertsFromCompatibleTypes) {
  Result<std::string> r = "text";
  EXPECT_EQ(*r, "text");
}

TEST(ErrorTest, ContextAndToString) {
  Error e = NotFound("no such guild").WithContext("GetGuild");
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.message(), "GetGuild: no such guild");
  EXPECT_EQ(e.ToString(), "NOT_FOUND: GetGuild: no such guild");
}

}  // namespace
}  // namespace pylon
