// Copyright 2026 The Pylon Gateway Authors.

#include "discord/gateway_bot.h"

#include <simdjson.h>

namespace pylon::discord {
namespace {

namespace dom = simdjson::dom;

Result<dom::element> ParseObject(dom::parser& parser, std::string_view json,
                                 std::string_view what) {
  dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS ||
      root.type() != dom::element_type::OBJECT) {
    return DataLoss(std::string(what) + ": not a JSON object");
  }
  return root;
}

std::optional<uint64_t> UIntField(dom::element object, std::string_view key) {
  dom::element e;
  if (object[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return u;
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS && d >= 0) return static_cast<uint64_t>(d);
  return std::nullopt;
}

Status StatusFor(const net::HttpResponse& response, std::string_view what) {
  if (response.status == 200) return Ok();
  if (response.status == 401) {
    return Unauthenticated(std::string(what) + ": Discord rejected the token (401)");
  }
  return Unavailable(std::string(what) + ": HTTP " + std::to_string(response.status));
}

net::HttpRequest Get(const ApiBase& base, std::string_view route, const Secret& token) {
  net::HttpRequest request;
  request.method = "GET";
  request.target = base.path + std::string(route);
  request.headers.push_back({"Authorization", "Bot " + token.reveal()});
  request.headers.push_back({"User-Agent", "DiscordBot (https://pylon.bot, 0.1)"});
  return request;
}

}  // namespace

Result<ApiBase> ApiBase::Parse(std::string_view url) {
  PYLON_ASSIGN_OR_RETURN(net::Url parsed, net::ParseUrl(url));
  if (parsed.websocket()) return InvalidArgument("the REST API base must be http(s)://");
  ApiBase base;
  base.origin = parsed.scheme + "://" + parsed.authority();
  base.path = parsed.target;
  while (!base.path.empty() && base.path.back() == '/') base.path.pop_back();
  return base;
}

Result<GatewayBotInfo> ParseGatewayBot(std::string_view json) {
  dom::parser parser;
  PYLON_ASSIGN_OR_RETURN(dom::element root, ParseObject(parser, json, "GET /gateway/bot"));
  GatewayBotInfo info;
  std::string_view url;
  if (root["url"].get_string().get(url) != simdjson::SUCCESS || url.empty()) {
    return DataLoss("GET /gateway/bot: no url");
  }
  info.url = std::string(url);
  info.shards = static_cast<uint32_t>(UIntField(root, "shards").value_or(1));
  if (info.shards == 0) info.shards = 1;
  dom::element limit;
  if (root["session_start_limit"].get(limit) == simdjson::SUCCESS) {
    info.limit.total = static_cast<uint32_t>(UIntField(limit, "total").value_or(1000));
    info.limit.remaining = static_cast<uint32_t>(UIntField(limit, "remaining").value_or(0));
    info.limit.reset_after = std::chrono::milliseconds(UIntField(limit, "reset_after").value_or(0));
    info.limit.max_concurrency =
        static_cast<uint32_t>(UIntField(limit, "max_concurrency").value_or(1));
  } else {
    return DataLoss("GET /gateway/bot: no session_start_limit");
  }
  return info;
}

Result<CurrentUser> ParseCurrentUser(std::string_view json) {
  dom::parser parser;
  PYLON_ASSIGN_OR_RETURN(dom::element root, ParseObject(parser, json, "GET /users/@me"));
  CurrentUser user;
  std::string_view id, username;
  if (root["id"].get_string().get(id) != simdjson::SUCCESS) {
    return DataLoss("GET /users/@me: no id");
  }
  PYLON_ASSIGN_OR_RETURN(user.id, UserId::Parse(id));
  if (root["username"].get_string().get(username) == simdjson::SUCCESS) {
    user.username = std::string(username);
  }
  bool bot = false;
  if (root["bot"].get_bool().get(bot) == simdjson::SUCCESS) user.bot = bot;
  return user;
}

void FetchGatewayBot(net::HttpClient& client, const ApiBase& base, const Secret& token,
                     UniqueFunction<void(Result<GatewayBotInfo>)> done) {
  client.Send(Get(base, "/gateway/bot", token),
              [done = std::move(done)](Result<net::HttpResponse> response) mutable {
                if (!response.ok()) return done(response.error().WithContext("GET /gateway/bot"));
                Status status = StatusFor(*response, "GET /gateway/bot");
                if (!status.ok()) return done(status.error());
                done(ParseGatewayBot(response->body));
              });
}

void FetchCurrentUser(net::HttpClient& client, const ApiBase& base, const Secret& token,
                      UniqueFunction<void(Result<CurrentUser>)> done) {
  client.Send(Get(base, "/users/@me", token),
              [done = std::move(done)](Result<net::HttpResponse> response) mutable {
                if (!response.ok()) return done(response.error().WithContext("GET /users/@me"));
                Status status = StatusFor(*response, "GET /users/@me");
                if (!status.ok()) return done(status.error());
                done(ParseCurrentUser(response->body));
              });
}

}  // namespace pylon::discord
