// Copyright 2026 The Pylon Gateway Authors.
// Helpers shared by the methods_*.cc files (the GatewayRest method table). Internal to src/rest.

#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "base/json_writer.h"
#include "rest/json_body.h"
#include "rest/json_model.h"
#include "rest/methods.h"

namespace pylon::rest::methods_internal {

namespace dom = simdjson::dom;

// The path of a route: "/" + parts joined; ids as decimal.
inline std::string Id(uint64_t id) { return std::to_string(id); }

inline void JsonBody(DiscordRequest* out, std::string body) {
  out->body = std::move(body);
  out->content_type = "application/json";
}

// Writes one JSON object with `fn(w)` and makes it the request's body.
template <typename Fn>
void JsonObject(DiscordRequest* out, Fn fn) {
  std::string body;
  {
    JsonWriter w(&body);
    w.BeginObject();
    fn(w);
    w.EndObject();
  }
  JsonBody(out, std::move(body));
}

inline void Reason(const google::protobuf::StringValue& reason, bool has, DiscordRequest* out) {
  if (has) out->audit_log_reason = reason.value();
}
#define PYLON_REST_REASON(request, out)                                 \
  ::pylon::rest::methods_internal::Reason((request).audit_log_reason(), \
                                          (request).has_audit_log_reason(), (out))

// Discord's 404 for an id of 0 (which no object has), answered locally.
inline LocalError RequireId(uint64_t id, uint32_t code, std::string_view what) {
  if (id != 0) return std::nullopt;
  return NotFoundError(code, "Unknown " + std::string(what));
}
inline LocalError RequireGuild(const Target& target) {
  return RequireId(target.guild.value(), 10004, "Guild");
}
#define PYLON_REST_TRY(expr)                             \
  do {                                                   \
    if (auto pylon_local_ = (expr)) return pylon_local_; \
  } while (0)

// The bot needs VIEW_CHANNEL (50001) and every bit of `all` (50013) in the channel.
inline CheckFn ChannelCheckFn(uint64_t channel, uint64_t all) {
  return [channel = ChannelId(channel), all](const GuildView& g) {
    return g.RequireChannel(channel, all);
  };
}

// The parser of the reactor's thread (its buffers are reused between answers).
inline dom::parser& ThreadParser() {
  thread_local dom::parser parser;
  return parser;
}

inline Result<dom::element> ParseBody(const net::HttpResponse& answer) {
  dom::element root;
  if (ThreadParser().parse(answer.body).get(root) != simdjson::SUCCESS) {
    return DataLoss("the body is not JSON");
  }
  return root;
}

// `convert(element, item)` for an object answer.
template <typename Item, typename Fn>
Status ParseOne(const net::HttpResponse& answer, Item* item, Fn convert) {
  PYLON_ASSIGN_OR_RETURN(dom::element root, ParseBody(answer));
  return convert(root, item);
}

// `convert(element, add())` for every element of an array answer.
template <typename Add, typename Fn>
Status ParseList(const net::HttpResponse& answer, Add add, Fn convert) {
  PYLON_ASSIGN_OR_RETURN(dom::element root, ParseBody(answer));
  dom::array array;
  if (root.get_array().get(array) != simdjson::SUCCESS) return DataLoss("expected a JSON array");
  for (dom::element e : array) PYLON_RETURN_IF_ERROR(convert(e, add()));
  return Ok();
}

}  // namespace pylon::rest::methods_internal
