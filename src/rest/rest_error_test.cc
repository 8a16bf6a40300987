// Copyright 2026 The Pylon Gateway Authors.
// Discord's answers -> RestError, local validation shapes, and JSON -> model conversion.

#include "rest/rest_error.h"

#include <gtest/gtest.h>

#include "rest/json_body.h"
#include "rest/json_model.h"

namespace pylon::rest {
namespace {

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return a.SerializeAsString() == b.SerializeAsString();
}

net::HttpResponse Http(int status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(RestErrorTest, FlattensNestedFormErrors) {
  auto error = ErrorFromHttp(Http(400, R"({"code":50035,"message":"Invalid Form Body","errors":{
      "content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 2000 or fewer in length."}]},
      "embeds":{"0":{"title":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"too long"}]},
                     "fields":{"1":{"name":{"_errors":[{"code":"BASE_TYPE_REQUIRED","message":"req"}]}}}}},
      "_errors":[{"code":"X","message":"whole"}]}})"));
  ASSERT_TRUE(error.has_validation_error());
  const auto& v = error.validation_error();
  EXPECT_EQ(v.message(), "Invalid Form Body");
  ASSERT_EQ(v.fields_size(), 4);
  EXPECT_EQ(v.fields(0).path(), "content");
  EXPECT_EQ(v.fields(0).code(), "BASE_TYPE_MAX_LENGTH");
  EXPECT_EQ(v.fields(1).path(), "embeds.0.title");
  EXPECT_EQ(v.fields(2).path(), "embeds.0.fields.1.name");
  EXPECT_EQ(v.fields(3).path(), "");
  EXPECT_EQ(v.fields(3).message(), "whole");

  auto single = ErrorFromHttp(
      Http(400, R"({"code":50035,"message":"Invalid Form Body","errors":{"embeds":{"0":{"title":
         {"_errors":[{"code":"C","message":"m"}]}}}}})"),
      /*single_embed=*/true);
  EXPECT_EQ(single.validation_error().fields(0).path(), "embed.title");
}

TEST(RestErrorTest, MapsStatuses) {
  auto plain400 =
      ErrorFromHttp(Http(400, R"({"code":50006,"message":"Cannot send an empty message"})"));
  ASSERT_TRUE(plain400.has_validation_error());
  EXPECT_EQ(plain400.validation_error().fields(0).code(), "50006");
  EXPECT_TRUE(Same(plain400, BadRequest(50006, "Cannot send an empty message")));

  auto missing = ErrorFromHttp(Http(404, R"({"code":10008,"message":"Unknown Message"})"));
  ASSERT_TRUE(missing.has_resource_not_found());
  EXPECT_EQ(missing.resource_not_found().code(), 10008u);
  EXPECT_EQ(missing.resource_not_found().message(), "Unknown Message");

  auto denied = ErrorFromHttp(Http(403, R"({"code":50013,"message":"Missing Permissions"})"));
  EXPECT_TRUE(Same(denied, MissingPermissions()));
  auto unauthorized = ErrorFromHttp(Http(401, R"({"message":"401: Unauthorized","code":0})"));
  ASSERT_TRUE(unauthorized.has_access_denied());

  auto server = ErrorFromHttp(Http(502, "<html>bad gateway</html>"));
  ASSERT_TRUE(server.has_unknown_error());
  EXPECT_EQ(server.unknown_error().http_status(), 502u);
  EXPECT_EQ(server.unknown_error().message(), "<html>bad gateway</html>");

  Refusal refusal;
  refusal.global = true;
  refusal.retry_at = 1767225605;
  auto limited = ErrorFromRefusal(refusal);
  ASSERT_TRUE(limited.has_rate_limited());
  EXPECT_TRUE(limited.rate_limited().global());
  EXPECT_EQ(limited.rate_limited().retry_at(), 1767225605u);

  auto transport = ErrorFromTransport(Unavailable("connection refused"));
  EXPECT_EQ(transport.unknown_error().http_status(), 0u);
}

TEST(RestErrorTest, ChecksContentAndEmbedsLikeDiscord) {
  FormErrors errors;
  CheckContent(std::string(2000, 'a'), "content", &errors);
  EXPECT_TRUE(errors.empty());
  CheckContent(std::string(1000, 'a') + std::string(1000, 'b') + "\xC3\xA9", "content", &errors);
  ASSERT_FALSE(errors.empty());  // 2001 characters
  // 2000 two-byte characters are 2000 characters.
  FormErrors fine;
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";
  CheckContent(accents, "content", &fine);
  EXPECT_TRUE(fine.empty());

  pb::MessageData::MessageEmbedData embed;
  embed.set_title(std::string(257, 't'));
  for (int i = 0; i < 26; ++i) {
    auto* f = embed.add_fields();
    f->set_name("n");
    f->set_value("v");
  }
  FormErrors embed_errors;
  CheckEmbed(embed, "embed", &embed_errors);
  auto error = embed_errors.ToError();
  ASSERT_EQ(error.validation_error().fields_size(), 2);
  EXPECT_EQ(error.validation_error().fields(0).path(), "embed.title");
  EXPECT_EQ(error.validation_error().fields(1).path(), "embed.fields");

  pb::MessageData::MessageEmbedData big;
  big.set_description(std::string(4000, 'd'));
  big.mutable_footer()->set_text(std::string(2048, 'f'));
  FormErrors total;
  CheckEmbed(big, "embed", &total);
  EXPECT_EQ(total.ToError().validation_error().fields(0).code(), "MAX_EMBED_SIZE_EXCEEDED");
}

TEST(JsonModelTest, ConvertsAMessage) {
  simdjson::dom::parser parser;
  std::string json = R"({"id":"1001","channel_id":"2002","guild_id":"3003","content":"hi",
    "timestamp":"2022-04-23T19:03:25.927000+00:00","edited_timestamp":null,"tts":false,
    "mention_everyone":false,"mention_roles":["9"],"type":19,"flags":4,"pinned":true,
    "author":{"id":"4004","username":"bob","avatar":null,"discriminator":"0","bot":true},
    "member":{"roles":["5","6"],"joined_at":"2021-01-01T00:00:00+00:00","nick":"b"},
    "embeds":[{"type":"rich","title":"t","color":255,"fields":[{"name":"a","value":"b","inline":true}]}],
    "reactions":[{"count":2,"me":true,"emoji":{"id":null,"name":"x"}}],
    "components":[{"type":1,"components":[{"type":2,"style":1,"label":"go","custom_id":"c"}]}],
    "message_reference":{"message_id":"77","channel_id":"2002"}})";
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS);
  pb::MessageData m;
  ASSERT_TRUE(ToMessage(root, &m).ok());
  EXPECT_EQ(m.id(), 1001u);
  EXPECT_EQ(m.guild_id().value(), 3003u);
  EXPECT_FALSE(m.has_edited_timestamp());
  EXPECT_EQ(m.timestamp().seconds(), 1650740605);
  EXPECT_EQ(m.timestamp().nanos(), 927000000);
  EXPECT_EQ(m.type(), pb::MessageData::DEFAULT);  // REPLY has no model value
  EXPECT_EQ(m.mention_roles().values(0), 9u);
  EXPECT_EQ(m.member().id(), 4004u);
  EXPECT_EQ(m.member().guild_id(), 3003u);
  EXPECT_EQ(m.member().user().username(), "bob");
  EXPECT_EQ(m.member().roles_size(), 2);
  EXPECT_FALSE(m.author().has_avatar());
  EXPECT_EQ(m.embeds(0).type(), pb::MessageData::MessageEmbedData::RICH);
  EXPECT_TRUE(m.embeds(0).fields(0).inline_());
  EXPECT_EQ(m.reactions(0).emoji().name(), "x");
  EXPECT_EQ(m.components(0).type(), pb::MessageData::MessageComponentData::ACTION_ROW);
  EXPECT_EQ(m.components(0).components(0).custom_id(), "c");
  EXPECT_EQ(m.message_reference().message_id(), 77u);

  pb::MessageData bad;
  ASSERT_EQ(parser.parse(std::string(R"({"content":"no id"})")).get(root), simdjson::SUCCESS);
  EXPECT_FALSE(ToMessage(root, &bad).ok());
}

TEST(JsonModelTest, ConvertsChannelsRolesAndEnums) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser
                .parse(std::string(R"({"id":"1","guild_id":"2","type":2,"name":"v",
    "parent_id":null,"topic":null,"position":-1,"permission_overwrites":[
    {"id":"2","type":0,"allow":"1024","deny":"0"},{"id":"3","type":1,"allow":"0","deny":"2048"}]})"))
                .get(root),
            simdjson::SUCCESS);
  pb::ChannelData c;
  ASSERT_TRUE(ToChannel(root, &c).ok());
  EXPECT_EQ(c.type(), pb::ChannelData::GUILD_VOICE);
  EXPECT_FALSE(c.has_parent_id());
  EXPECT_FALSE(c.has_topic());
  EXPECT_EQ(c.position(), 0u);
  EXPECT_EQ(c.permission_overwrites(0).type(),
            pb::ChannelData::ChannelPermissionOverwriteData::ROLE);
  EXPECT_EQ(c.permission_overwrites(1).type(),
            pb::ChannelData::ChannelPermissionOverwriteData::MEMBER);
  EXPECT_EQ(c.permission_overwrites(1).deny(), 2048u);
  EXPECT_EQ(ToDiscordChannelType(c.type()), 2u);
  EXPECT_EQ(ToDiscordChannelType(pb::ChannelData::GUILD_STAGE_VOICE), 13u);
  EXPECT_FALSE(ToDiscordChannelType(pb::ChannelData::UNKNOWN));

  ASSERT_EQ(parser
                .parse(std::string(R"({"id":"8","name":"mod","permissions":"8","position":3,
    "color":5,"hoist":true,"managed":false,"mentionable":true})"))
                .get(root),
            simdjson::SUCCESS);
  pb::RoleData role;
  ASSERT_TRUE(ToRole(root, GuildId(77), &role).ok());
  EXPECT_EQ(role.guild_id(), 77u);
  EXPECT_EQ(role.permissions(), 8u);
  EXPECT_EQ(role.position(), 3u);
}

TEST(JsonBodyTest, WritesImagesAndMultipart) {
  EXPECT_EQ(ImageDataUri("\x89PNG\r\n"), "data:image/png;base64,iVBORw0K");
  EXPECT_EQ(ImageDataUri("GIF89a").substr(0, 15), "data:image/gif;");
  EXPECT_EQ(ImageDataUri("data:image/png;base64,AA=="), "data:image/png;base64,AA==");
  std::string type;
  std::string body = MultipartBody(R"({"content":"x"})", "a\"b.txt", "DATA", &type);
  ASSERT_EQ(type.rfind("multipart/form-data; boundary=", 0), 0u);
  std::string boundary = type.substr(type.find('=') + 1);
  EXPECT_NE(body.find("--" + boundary + "\r\n"), std::string::npos);
  EXPECT_NE(body.find("name=\"payload_json\""), std::string::npos);
  EXPECT_NE(body.find("name=\"files[0]\"; filename=\"a_b.txt\""), std::string::npos);
  EXPECT_NE(body.find("--" + boundary + "--"), std::string::npos);
}

}  // namespace
}  // namespace pylon::rest
