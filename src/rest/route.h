// Copyright 2026 The Pylon Gateway Authors.
// Which rate limits a Discord REST request falls under, derived from its method and path alone
// (discord-protocol.md §8), so that a typed GatewayRest call and a raw HTTP request go through the
// same limiter:
//
//   route    method + path with ids replaced by ":id", everything after "/reactions/" collapsed
//            to ":reaction", webhook and interaction tokens replaced by ":token", and " (old)"
//            appended to DELETE /channels/:id/messages/:id of a message older than 14 days.
//   major    the top-level resource a bucket is counted per: "channels/<id>", "guilds/<id>",
//            "webhooks/<id>/<token hash>", "interactions/<id>", or "" (none).
//   family   routes Discord is known to count in one bucket although their method or path
//            differ: the reaction writes (PUT and DELETE under .../messages/{m}/reactions, one
//            bucket on Discord as in the simulator; Twilight queues them together). Only a first
//            guess: until a route's own X-RateLimit-Bucket is known it waits in the bucket its
//            family has learned, so its first request does not run into a bucket its siblings
//            have just emptied. "" for every other route.
//
// A webhook or interaction token never appears in a RouteInfo: it is replaced by a hash.
// Plain values and functions; no thread affinity.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pylon::rest {

struct RouteInfo {
  std::string route;   // "PATCH /channels/:id"
  std::string major;   // "channels/1234"
  std::string family;  // "/channels/:id/messages/:id/reactions" (reaction writes), or ""
  // The token is in the path (interaction callbacks, webhooks with a token): no Authorization
  // header is sent and the global limit does not apply.
  bool token_auth = false;
  bool global_exempt = false;
  uint64_t token_hash = 0;  // hash of the path's token when token_auth, else 0
  // PATCH /channels/{id} that changes the name or topic: the channel (sublimit 2 per 10 min).
  uint64_t sublimit_channel = 0;
};

// `path` is relative to the API base ("/channels/1/messages", percent-encoded as sent);
// `now_unix_ms` decides whether a deleted message is older than 14 days.
RouteInfo ClassifyRoute(std::string_view method, std::string_view path, int64_t now_unix_ms);

// "/api/v10/channels/1" -> "/channels/1"; "/api/channels/1" -> "/channels/1"; other paths as
// they are. For raw HTTP requests.
std::string_view StripApiPrefix(std::string_view path);

// Whether a JSON object body has a "name" or "topic" key (a raw PATCH /channels/{id}).
bool ChangesNameOrTopic(std::string_view json_body);

// A 64-bit hash of a credential (bot token, webhook token), never 0. Not cryptographic: it keys
// quarantines and buckets without keeping the token itself.
uint64_t CredentialHash(std::string_view credential);

}  // namespace pylon::rest
