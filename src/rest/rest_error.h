// Copyright 2026 The Pylon Gateway Authors.
// Discord's answers and local decisions as the in-band RestError of every GatewayRest response
// (pylon-api-contract.md §5):
//
//   400          -> validation_error{message, fields}: Discord's nested `errors` flattened into
//                   {path "embeds.0.title", code "BASE_TYPE_MAX_LENGTH", message}; a 400 without
//                   `errors` (50006, 50016, 50034...) gets one field {path "", code "<JSON code>",
//                   message} so that the number is not lost.
//   404          -> resource_not_found{code, message}
//   401, 403     -> access_denied{code, message}
//   429 / a wait beyond the caller's limit -> rate_limited{global, retry_at (Unix seconds)}
//   anything else (5xx, 405, 413...) and transport failures -> unknown_error{http_status (0 when
//                   Discord was not reached), code, message}
//
// Local checks answer with exactly the shapes Discord would send (FormErrors, MissingPermissions).
// Stateless functions.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "discord/v1/rest.pb.h"
#include "net/http.h"
#include "rest/rate_limiter.h"

namespace pylon::rest {

namespace rpb = ::pylon::discord::v1::rest;

// `single_embed`: the request's proto has one `embed` sent as `embeds: [embed]`, so paths
// "embeds.0..." become "embed...".
rpb::RestError ErrorFromHttp(const net::HttpResponse& response, bool single_embed = false);
rpb::RestError ErrorFromRefusal(const Refusal& refusal);
rpb::RestError ErrorFromTransport(const Error& error);
// A 2xx answer whose body could not be read.
rpb::RestError MalformedAnswer(int http_status, const Error& error);

// Discord's JSON `code` of an error body (0 when absent).
uint32_t JsonCode(std::string_view body);

// ---- Local answers, in Discord's shapes ----
rpb::RestError AccessDenied(uint32_t code, std::string message);
inline rpb::RestError MissingPermissions() { return AccessDenied(50013, "Missing Permissions"); }
inline rpb::RestError MissingAccess() { return AccessDenied(50001, "Missing Access"); }
rpb::RestError NotFoundError(uint32_t code, std::string message);
// A 400 without `errors`.
rpb::RestError BadRequest(uint32_t code, std::string message);

// A 50035 Invalid Form Body being built.
class FormErrors {
 public:
  void Add(std::string path, std::string code, std::string message);
  bool empty() const { return fields_.empty(); }
  rpb::RestError ToError() const;

 private:
  struct Field {
    std::string path, code, message;
  };
  std::vector<Field> fields_;
};

}  // namespace pylon::rest
