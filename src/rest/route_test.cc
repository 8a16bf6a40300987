// Copyright 2026 The Pylon Gateway Authors.

#include "rest/route.h"

#include <gtest/gtest.h>

#include "base/ids.h"

namespace pylon::rest {
namespace {

constexpr int64_t kNow = 1767225600000;  // 2026-01-01

TEST(RouteTest, ReplacesIdsAndKeepsTheMajorParameter) {
  RouteInfo r = ClassifyRoute("PATCH", "/channels/123456789012345678/messages/99", kNow);
  EXPECT_EQ(r.route, "PATCH /channels/:id/messages/:id");
  EXPECT_EQ(r.major, "channels/123456789012345678");
  EXPECT_FALSE(r.token_auth);
  EXPECT_FALSE(r.global_exempt);

  r = ClassifyRoute("PUT", "/guilds/42/members/7/roles/9", kNow);
  EXPECT_EQ(r.route, "PUT /guilds/:id/members/:id/roles/:id");
  EXPECT_EQ(r.major, "guilds/42");

  r = ClassifyRoute("PATCH", "/guilds/42/members/@me", kNow);
  EXPECT_EQ(r.route, "PATCH /guilds/:id/members/@me");

  r = ClassifyRoute("GET", "/users/@me", kNow);
  EXPECT_EQ(r.route, "GET /users/@me");
  EXPECT_EQ(r.major, "");
  r = ClassifyRoute("DELETE", "/users/@me/guilds/5", kNow);
  EXPECT_EQ(r.route, "DELETE /users/@me/guilds/:id");
  EXPECT_EQ(r.major, "");  // not a top-level resource
}

TEST(RouteTest, CollapsesReactions) {
  RouteInfo a = ClassifyRoute("PUT", "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me?x=1", kNow);
  RouteInfo b = ClassifyRoute("PUT", "/channels/1/messages/3/reactions/name%3A55/@me", kNow);
  EXPECT_EQ(a.route, "PUT /channels/:id/messages/:id/reactions/:reaction");
  EXPECT_EQ(a.route, b.route);
  RouteInfo user = ClassifyRoute("DELETE", "/channels/1/messages/2/reactions/x/77", kNow);
  RouteInfo all = ClassifyRoute("DELETE", "/channels/1/messages/2/reactions", kNow);
  EXPECT_EQ(user.route, "DELETE /channels/:id/messages/:id/reactions/:reaction");
  EXPECT_EQ(all.route, "DELETE /channels/:id/messages/:id/reactions");
  // The reaction writes are one family (one bucket on Discord); reading them is not.
  EXPECT_EQ(a.family, "/channels/:id/messages/:id/reactions");
  EXPECT_EQ(user.family, a.family);
  EXPECT_EQ(all.family, a.family);
  EXPECT_EQ(ClassifyRoute("GET", "/channels/1/messages/2/reactions/x", kNow).family, "");
  EXPECT_EQ(ClassifyRoute("POST", "/channels/1/messages", kNow).family, "");
}

TEST(RouteTest, TokensAreHashedAndExempt) {
  RouteInfo r = ClassifyRoute("PATCH", "/webhooks/11/secret-token/messages/@original", kNow);
  EXPECT_EQ(r.route, "PATCH /webhooks/:id/:token/messages/@original");
  EXPECT_TRUE(r.token_auth);
  EXPECT_TRUE(r.global_exempt);
  EXPECT_EQ(r.major.rfind("webhooks/11/", 0), 0u);
  EXPECT_EQ(r.major.find("secret-token"), std::string::npos);
  EXPECT_EQ(r.token_hash, CredentialHash("secret-token"));
  RouteInfo other = ClassifyRoute("POST", "/webhooks/11/other-token", kNow);
  EXPECT_NE(other.major, r.major);

  RouteInfo callback = ClassifyRoute("POST", "/interactions/5/tok/callback", kNow);
  EXPECT_EQ(callback.route, "POST /interactions/:id/:token/callback");
  EXPECT_EQ(callback.major, "interactions/5");
  EXPECT_TRUE(callback.global_exempt);
  EXPECT_EQ(callback.token_hash, CredentialHash("tok"));
}

TEST(RouteTest, OldMessageDeleteHasItsOwnRoute) {
  uint64_t fresh = Snowflake::FromTimestampMs(kNow - 3600 * 1000).value();
  uint64_t old = Snowflake::FromTimestampMs(kNow - int64_t{15} * 86400000).value();
  EXPECT_EQ(ClassifyRoute("DELETE", "/channels/1/messages/" + std::to_string(fresh), kNow).route,
            "DELETE /channels/:id/messages/:id");
  EXPECT_EQ(ClassifyRoute("DELETE", "/channels/1/messages/" + std::to_string(old), kNow).route,
            "DELETE /channels/:id/messages/:id (old)");
  EXPECT_EQ(ClassifyRoute("PATCH", "/channels/1/messages/" + std::to_string(old), kNow).route,
            "PATCH /channels/:id/messages/:id");
}

TEST(RouteTest, RawHelpers) {
  EXPECT_EQ(StripApiPrefix("/api/v10/channels/1"), "/channels/1");
  EXPECT_EQ(StripApiPrefix("/api/channels/1"), "/channels/1");
  EXPECT_EQ(StripApiPrefix("/channels/1"), "/channels/1");
  EXPECT_TRUE(ChangesNameOrTopic(R"({"topic":"x"})"));
  EXPECT_TRUE(ChangesNameOrTopic(R"({"nsfw":true,"name":"x"})"));
  EXPECT_FALSE(ChangesNameOrTopic(R"({"nsfw":true})"));
  EXPECT_FALSE(ChangesNameOrTopic("not json"));
  EXPECT_NE(CredentialHash("a"), CredentialHash("b"));
  EXPECT_NE(CredentialHash(""), 0u);
}

}  // namespace
}  // namespace pylon::rest
