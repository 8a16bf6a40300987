// Copyright 2026 The Pylon Gateway Authors.

#include "net/http.h"

#include <gtest/gtest.h>

namespace pylon::net {
namespace {

TEST(ParseUrlTest, DefaultsPortAndTargetPerScheme) {
  auto ws = ParseUrl("ws://gateway.example");
  ASSERT_TRUE(ws.ok()) << ws.error().ToString();
  EXPECT_EQ(ws->scheme, "ws");
  EXPECT_EQ(ws->host, "gateway.example");
  EXPECT_EQ(ws->port, 80);
  EXPECT_EQ(ws->target, "/");
  EXPECT_FALSE(ws->tls());
  EXPECT_TRUE(ws->websocket());

  auto wss = ParseUrl("WSS://Gateway.Discord.gg/?v=10&encoding=json");
  ASSERT_TRUE(wss.ok());
  EXPECT_EQ(wss->scheme, "wss");
  EXPECT_EQ(wss->host, "gateway.discord.gg");
  EXPECT_EQ(wss->port, 443);
  EXPECT_EQ(wss->target, "/?v=10&encoding=json");
  EXPECT_TRUE(wss->tls());
  EXPECT_EQ(wss->authority(), "gateway.discord.gg");

  auto https = ParseUrl("https://discord.com/api/v10/gateway/bot");
  ASSERT_TRUE(https.ok());
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->target, "/api/v10/gateway/bot");
  EXPECT_FALSE(https->websocket());
}

TEST(ParseUrlTest, ExplicitPortQueryAndFragment) {
  auto url = ParseUrl("http://127.0.0.1:8080?x=1#frag");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/?x=1");
  EXPECT_EQ(url->authority(), "127.0.0.1:8080");

  auto v6 = ParseUrl("ws://[::1]:9000/gw");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  EXPECT_EQ(v6->authority(), "[::1]:9000");
}

TEST(ParseUrlTest, RejectsBadUrls) {
  for (const char* bad :
       {"", "gateway.discord.gg", "ftp://x", "ws://", "ws://:80/", "ws://host:0", "ws://host:65536",
        "ws://host:12a", "ws://user@host/", "ws://::1/", "ws://[::1"}) {
    auto url = ParseUrl(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url.ok()) {
      EXPECT_EQ(url.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(HttpMessageTest, HeaderLookupIgnoresCase) {
  HttpRequest request;
  request.target = "/api/v10/gateway?v=10";
  request.headers = {{"Content-Type", "application/json"}, {"X-Thing", "a"}, {"x-thing", "b"}};
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("X-THING"), "a");
  EXPECT_EQ(request.header("Missing"), "");
  EXPECT_EQ(request.path(), "/api/v10/gateway");
  EXPECT_EQ(request.query(), "v=10");

  HttpResponse response;
  response.headers = {{"Retry-After", "5"}};
  EXPECT_EQ(response.header("retry-after"), "5");
}

}  // namespace
}  // namespace pylon::net
