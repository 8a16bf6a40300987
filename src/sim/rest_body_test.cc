// Copyright 2026 The Pylon Gateway Authors.
// Body decoding (JSON, form, multipart), Discord's nested errors and the field readers.

#include "sim/rest_body.h"

#include <gtest/gtest.h>

namespace pylon::sim::rest_internal {
namespace {

TEST(FormErrorsTest, RendersNestedErrors) {
  FormErrors errors;
  errors.Add({"content"}, "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.");
  errors.Add({"embeds", "0", "title"}, "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.");
  errors.Add({}, "X", "whole");
  EXPECT_EQ(errors.Render(),
            R"({"code":50035,"errors":{"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH",)"
            R"("message":"Must be 2000 or fewer in length."}]},"embeds":{"0":{"title":{"_errors":)"
            R"([{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 256 or fewer in length."}]}}},)"
            R"("_errors":[{"code":"X","message":"whole"}]},"message":"Invalid Form Body"})");
}

TEST(FieldsTest, ReadsAndValidates) {
  dom::parser parser;
  std::string json = R"({"name":"ab","n":"12","big":300,"b":"true","id":"123","ids":["1","x"],)"
                     R"("nick":null,"perm":"8"})";
  dom::element root = parser.parse(json).value_unsafe();
  FormErrors errors;
  Fields f(root, &errors);
  EXPECT_EQ(f.String("name", 1, 10), "ab");
  EXPECT_FALSE(f.String("name", 3, 10));  // too short
  EXPECT_EQ(f.Int("n", 0, 100), 12);
  EXPECT_FALSE(f.Int("big", 0, 100));
  EXPECT_EQ(f.Bool("b"), true);
  EXPECT_EQ(f.Id("id"), 123u);
  EXPECT_FALSE(f.IdList("ids", 10));
  EXPECT_EQ(f.String("nick", 0, 32, /*nullable=*/true), "");
  EXPECT_EQ(f.Permissions("perm"), 8u);
  EXPECT_FALSE(f.String("absent", 0, 5));
  f.Require("absent");
  std::string rendered = errors.Render();
  EXPECT_NE(rendered.find(R"("name":{"_errors":[{"code":"BASE_TYPE_BAD_LENGTH")"),
            std::string::npos);
  EXPECT_NE(rendered.find(R"("big":{"_errors":[{"code":"NUMBER_TYPE_MAX")"), std::string::npos);
  EXPECT_NE(rendered.find(R"("ids":{"1":{"_errors":[{"code":"NUMBER_TYPE_COERCE")"),
            std::string::npos);
  EXPECT_NE(rendered.find(R"("absent":{"_errors":[{"code":"BASE_TYPE_REQUIRED")"),
            std::string::npos);
}

TEST(DecodeBodyTest, JsonFormAndBadType) {
  DecodedBody out;
  EXPECT_EQ(DecodeBody("application/json; charset=utf-8", R"({"a":1})", &out), BodyError::kNone);
  EXPECT_EQ(out.json, R"({"a":1})");
  EXPECT_EQ(DecodeBody("", "", &out), BodyError::kNone);
  EXPECT_EQ(out.json, "{}");
  EXPECT_EQ(DecodeBody("application/x-www-form-urlencoded", "content=hi+there&x=%21", &out),
            BodyError::kNone);
  EXPECT_EQ(out.json, R"({"content":"hi there","x":"!"})");
  EXPECT_EQ(DecodeBody("text/plain", "hello", &out), BodyError::kContentType);
}

TEST(DecodeBodyTest, Multipart) {
  std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"payload_json\"\r\n"
      "Content-Type: application/json\r\n\r\n"
      "{\"content\":\"file!\"}\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"files[0]\"; filename=\"a.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "hello\r\nworld\r\n"
      "--XyZ--\r\n";
  DecodedBody out;
  ASSERT_EQ(DecodeBody("multipart/form-data; boundary=XyZ", body, &out), BodyError::kNone);
  EXPECT_EQ(out.json, "{\"content\":\"file!\"}");
  ASSERT_EQ(out.files.size(), 1u);
  EXPECT_EQ(out.files[0].field, "files[0]");
  EXPECT_EQ(out.files[0].filename, "a.txt");
  EXPECT_EQ(out.files[0].content_type, "text/plain");
  EXPECT_EQ(out.files[0].data, "hello\r\nworld");
  EXPECT_EQ(DecodeBody("multipart/form-data", body, &out), BodyError::kMultipart);  // no boundary
  EXPECT_EQ(DecodeBody("multipart/form-data; boundary=\"XyZ\"", "--XyZ\r\nbroken", &out),
            BodyError::kMultipart);
}

TEST(TextTest, Helpers) {
  EXPECT_EQ(UrlDecode("%F0%9F%91%8D"), "\xF0\x9F\x91\x8D");
  EXPECT_EQ(UrlDecode("name%3A123"), "name:123");
  EXPECT_EQ(UrlDecode("a+b%2"), "a+b%2");
  EXPECT_EQ(QueryParam("limit=5&after=10", "after"), "10");
  EXPECT_FALSE(QueryParam("limit=5", "after"));
  EXPECT_EQ(CharCount("h\xC3\xA9llo"), 5u);
  EXPECT_EQ(ParseIsoTimestamp("2026-01-01T00:00:00.000000+00:00"), 1767225600000);
  EXPECT_EQ(ParseIsoTimestamp("2026-01-01T01:00:00.5Z"), 1767229200500);
  EXPECT_EQ(ParseIsoTimestamp("2026-01-01T02:00:00+02:00"), 1767225600000);
  EXPECT_FALSE(ParseIsoTimestamp("yesterday"));
  bool animated = false;
  EXPECT_TRUE(ImageHashSeed("data:image/gif;base64,R0lGOD", &animated));
  EXPECT_TRUE(animated);
  EXPECT_FALSE(ImageHashSeed("data:text/plain;base64,AAAA"));
  FormErrors errors;
  EXPECT_EQ(QueryInt("limit=500", "limit", 1, 100, 50, &errors), std::nullopt);
  EXPECT_EQ(QueryInt("", "limit", 1, 100, 50, &errors), 50);
  EXPECT_EQ(QueryId("before=abc", "before", &errors), std::nullopt);
  EXPECT_FALSE(errors.empty());
}

}  // namespace
}  // namespace pylon::sim::rest_internal
