// Copyright 2026 The Pylon Gateway Authors.
// The REST calls a gateway needs before it connects: GET /gateway/bot (URL, recommended shard
// count, session start limit) and GET /users/@me (who the token belongs to). The full REST proxy
// is src/rest; these two are all the gateway engine itself uses.

#pragma once

#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/log.h"
#include "base/result.h"
#include "discord/identify_scheduler.h"
#include "net/http_client.h"

namespace pylon::discord {

struct GatewayBotInfo {
  std::string url;  // "wss://gateway.discord.gg"
  uint32_t shards = 1;
  SessionStartLimit limit;
};

struct CurrentUser {
  UserId id;
  std::string username;
  bool bot = false;
};

// Discord's REST API base: "https://discord.com/api/v10". `origin` is what an HttpClient needs
// ("https://discord.com"), `path` the prefix of every route ("/api/v10").
struct ApiBase {
  std::string origin;
  std::string path;
  static Result<ApiBase> Parse(std::string_view url);
};

Result<GatewayBotInfo> ParseGatewayBot(std::string_view json);
Result<CurrentUser> ParseCurrentUser(std::string_view json);

// GET <base>/gateway/bot with `token`; `done` runs on the client's reactor. A 401 is
// UNAUTHENTICATED ("the token is invalid"); other failures UNAVAILABLE.
void FetchGatewayBot(net::HttpClient& client, const ApiBase& base, const Secret& token,
                     UniqueFunction<void(Result<GatewayBotInfo>)> done);
void FetchCurrentUser(net::HttpClient& client, const ApiBase& base, const Secret& token,
                      UniqueFunction<void(Result<CurrentUser>)> done);

}  // namespace pylon::discord
