// Copyright 2026 The Pylon Gateway Authors.

#include "base/json_writer.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

namespace pylon {
namespace {

// Parses `json` with simdjson (which also validates UTF-8) and returns the root element.
simdjson::dom::element Parse(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::element root;
  auto error = parser.parse(json).get(root);
  EXPECT_EQ(error, simdjson::SUCCESS) << simdjson::error_message(error) << " in " << json;
  return root;
}

std::string RoundTripString(std::string_view text) {
  std::string json;
  JsonWriter(&json).String(text);
  simdjson::dom::parser parser;
  std::string_view parsed;
  auto error = Parse(parser, json).get_string().get(parsed);
  EXPECT_EQ(error, simdjson::SUCCESS) << json;
  return std::string(parsed);
}

TEST(JsonWriterTest, WritesCommasAutomatically) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Key("a")
      .Int(1)
      .Key("b")
      .BeginArray()
      .Int(1)
      .String("x")
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .Null()
      .EndArray()
      .Key("c")
      .Bool(true)
      .Key("d")
      .Bool(false)
      .EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":[1,"x",{},[],null],"c":true,"d":false})");
}

TEST(JsonWriterTest, AppendsToExistingContent) {
  std::string out = "prefix:";
  JsonWriter(&out).BeginArray().UInt(7).EndArray();
  EXPECT_EQ(out, "prefix:[7]");
}

TEST(JsonWriterTest, TopLevelSequenceOfValuesIsCommaSeparated) {
  // Not a JSON document by itself, but what a caller gets when it writes array items one by one.
  std::string out;
  JsonWriter w(&out);
  w.Int(1).Int(2);
  EXPECT_EQ(out, "1,2");
}

TEST(JsonWriterTest, SnowflakesAreStrings) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Key("id")
      .Id(GuildId(175928847299117063ull))
      .Key("max")
      .Id(std::numeric_limits<uint64_t>::max())
      .Key("none")
      .IdOrNull(ChannelId())
      .Key("some")
      .IdOrNull(ChannelId(5))
      .Key("permissions")
      .UIntString(2251799813685247ull)
      .EndObject();
  EXPECT_EQ(out, R"({"id":"175928847299117063","max":"18446744073709551615","none":null,)"
                 R"("some":"5","permissions":"2251799813685247"})");
  simdjson::dom::parser parser;
  auto root = Parse(parser, out);
  EXPECT_TRUE(root["id"].is_string());
}

TEST(JsonWriterTest, IntegersRoundTrip) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray()
      .Int(std::numeric_limits<int64_t>::min())
      .Int(std::numeric_limits<int64_t>::max())
      .Int(0)
      .Int(-1)
      .UInt(std::numeric_limits<uint64_t>::max())
      .EndArray();
  simdjson::dom::parser parser;
  auto root = Parse(parser, out);
  simdjson::dom::array array = root.get_array();
  auto it = array.begin();
  EXPECT_EQ(int64_t((*it).get_int64()), std::numeric_limits<int64_t>::min());
  ++it;
  EXPECT_EQ(int64_t((*it).get_int64()), std::numeric_limits<int64_t>::max());
  ++it;
  ++it;
  ++it;
  EXPECT_EQ(uint64_t((*it).get_uint64()), std::numeric_limits<uint64_t>::max());
}

TEST(JsonWriterTest, DoublesRoundTripAndNonFiniteIsNull) {
  for (double value : {0.0, 1.5, -2.25, 1e-7, 64.57, 1e300, 123456789.125}) {
    std::string out;
    JsonWriter(&out).Double(value);
    simdjson::dom::parser parser;
    double parsed = 0;
    ASSERT_EQ(Parse(parser, out).get_double().get(parsed), simdjson::SUCCESS) << out;
    EXPECT_EQ(parsed, value) << out;
  }
  std::string out;
  JsonWriter(&out)
      .BeginArray()
      .Double(std::numeric_limits<double>::quiet_NaN())
      .Double(std::numeric_limits<double>::infinity())
      .Double(-std::numeric_limits<double>::infinity())
      .EndArray();
  EXPECT_EQ(out, "[null,null,null]");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  JsonWriter(&out).String("a\"b\\c\b\f\n\r\t\x01\x1f\x7f/");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/\"");
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  EXPECT_EQ(RoundTripString(all_controls), all_controls);
  EXPECT_EQ(RoundTripString("quote \" and \\ backslash"), "quote \" and \\ backslash");
}

TEST(JsonWriterTest, EmptyAndNullStringViews) {
  std::string out;
  JsonWriter(&out).BeginArray().String(std::string_view()).String("").Raw("1").EndArray();
  EXPECT_EQ(out, R"(["","",1])");
  out.clear();
  JsonWriter(&out).BeginObject().Key(std::string_view()).Null().EndObject();
  EXPECT_EQ(out, R"({"":null})");
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
  std::string out;
  JsonWriter(&out).BeginObject().Key(std::string("a\"b")).Int(1).EndObject();
  EXPECT_EQ(out, R"({"a\"b":1})");
}

TEST(JsonWriterTest, ValidUtf8PassesThrough) {
  // 2-, 3- and 4-byte sequences, including the edges of each range.
  for (std::string_view text :
       {"h\xC3\xA9llo", "\xE2\x82\xAC", "\xF0\x9F\x98\x80 emoji", "\xC2\x80", "\xDF\xBF",
        "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
        "\xF4\x8F\xBF\xBF", "\xE2\x80\xA8 line separator"}) {
    std::string out;
    JsonWriter(&out).String(text);
    EXPECT_EQ(out, "\"" + std::string(text) + "\"");
    EXPECT_EQ(RoundTripString(text), text);
  }
}

TEST(JsonWriterTest, InvalidUtf8IsReplacedPerByte) {
  const std::string kFffd = "\xEF\xBF\xBD";
  struct Case {
    std::string_view input;
    std::string expected;
  };
  const Case cases[] = {
      {"\x80", kFffd},  // lone continuation byte
      {"a\xFF"
       "b",
       "a" + kFffd + "b"},                                  // never valid
      {"\xC0\xAF", kFffd + kFffd},                          // overlong '/'
      {"\xC1\xBF", kFffd + kFffd},                          // overlong
      {"\xE0\x80\xAF", kFffd + kFffd + kFffd},              // overlong 3-byte
      {"\xED\xA0\x80", kFffd + kFffd + kFffd},              // surrogate U+D800
      {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // above U+10FFFF
      {"\xF5\x80", kFffd + kFffd},                          // invalid lead byte
      {"\xE2\x82", kFffd + kFffd},                          // truncated at end
      {"\xE2\x82"
       "x",
       kFffd + kFffd + "x"},                             // truncated in the middle
      {"\xC3", kFffd},                                   // truncated 2-byte
      {"ok\xF0\x9F\x98", "ok" + kFffd + kFffd + kFffd},  // truncated 4-byte
  };
  for (const Case& c : cases) {
    std::string out;
    JsonWriter(&out).String(c.input);
    EXPECT_EQ(out, "\"" + c.expected + "\"") << "input bytes: " << c.input.size();
    EXPECT_EQ(RoundTripString(c.input), c.expected);
  }
}

TEST(JsonWriterTest, EveryByteValueProducesValidJson) {
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes.push_back(static_cast<char>(c));
  bytes += bytes;  // also every byte followed by every other, roughly
  std::string out;
  JsonWriter(&out).BeginObject().Key("k").String(bytes).EndObject();
  simdjson::dom::parser parser;
  std::string_view parsed;
  ASSERT_EQ(Parse(parser, out)["k"].get_string().get(parsed), simdjson::SUCCESS);
  // The ASCII part survives exactly.
  EXPECT_EQ(parsed.substr(0, 128), bytes.substr(0, 128));
}

TEST(JsonWriterTest, RawAndStringOrNull) {
  std::string out;
  JsonWriter(&out)
      .BeginObject()
      .Key("raw")
      .Raw(R"({"x":[1,2]})")
      .Key("empty")
      .StringOrNull("")
      .Key("set")
      .StringOrNull("v")
      .EndObject();
  EXPECT_EQ(out, R"({"raw":{"x":[1,2]},"empty":null,"set":"v"})");
  simdjson::dom::parser parser;
  int64_t x = 0;
  ASSERT_EQ(Parse(parser, out)["raw"]["x"].at(1).get_int64().get(x), simdjson::SUCCESS);
  EXPECT_EQ(x, 2);
}

TEST(JsonWriterTest, NestedDocumentRoundTrips) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("items").BeginArray();
  for (int i = 0; i < 100; ++i) {
    w.BeginObject().Key("id").Id(uint64_t(1000 + i)).Key("name").String("n\n" + std::to_string(i));
    w.Key("tags").BeginArray().String("a").String("b").EndArray().EndObject();
  }
  w.EndArray().EndObject();
  simdjson::dom::parser parser;
  simdjson::dom::array items;
  ASSERT_EQ(Parse(parser, out)["items"].get_array().get(items), simdjson::SUCCESS);
  EXPECT_EQ(items.size(), 100u);
  std::string_view name;
  ASSERT_EQ(items.at(42)["name"].get_string().get(name), simdjson::SUCCESS);
  EXPECT_EQ(name, "n\n42");
}

TEST(JsonWriterTest, StringIsExactAfterEveryTopLevelValueAndFlush) {
  std::string out = "x";
  {
    JsonWriter w(&out);
    w.BeginObject().Key("a").BeginArray();
    EXPECT_EQ(w.size(), std::string_view("x{\"a\":[").size());
    w.Flush();  // mid-document: the string holds exactly what was written
    EXPECT_EQ(out, "x{\"a\":[");
    w.Int(1).EndArray().EndObject();
    EXPECT_EQ(out, "x{\"a\":[1]}");
    w.String("top");
    EXPECT_EQ(out, "x{\"a\":[1]},\"top\"");
    w.BeginArray().Null();
  }  // destroyed with an open array: the string is trimmed to what was written
  EXPECT_EQ(out, "x{\"a\":[1]},\"top\",[null");
}

TEST(JsonWriterTest, SizeGivesOffsetsOfValues) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("content");
  size_t begin = w.size();
  w.String("hello");
  size_t end = w.size();
  w.EndObject();
  EXPECT_EQ(out.substr(begin, end - begin), "\"hello\"");
}

TEST(JsonWriterTest, LargeDocumentsGrowTheString) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  std::string long_text(100000, 'a');
  long_text[5000] = '"';
  for (int i = 0; i < 20; ++i) w.String(long_text).Id(uint64_t(i)).Double(0.5);
  w.EndArray();
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  ASSERT_EQ(Parse(parser, out).get_array().get(array), simdjson::SUCCESS);
  EXPECT_EQ(array.size(), 60u);
  std::string_view first;
  ASSERT_EQ(array.at(0).get_string().get(first), simdjson::SUCCESS);
  EXPECT_EQ(first, long_text);
}

TEST(JsonWriterTest, ReusedStringKeepsNoStaleBytes) {
  std::string out;
  for (int round = 0; round < 3; ++round) {
    out.clear();
    JsonWriter w(&out);
    w.BeginObject().Key("round").Int(round).EndObject();
    EXPECT_EQ(out, "{\"round\":" + std::to_string(round) + "}");
  }
}

}  // namespace
}  // namespace pylon
