// Copyright 2026 The Pylon Gateway Authors.
// HTTP messages and URLs as plain values: what the HTTP server hands to its handler, what the HTTP
// client sends and returns. No I/O here, and no Asio or Beast: any module may include this.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace pylon::net {

struct Header {
  std::string name;
  std::string value;
};

// The value of the first header called `name` (ASCII case-insensitive), or "" when absent.
std::string_view FindHeader(const std::vector<Header>& headers, std::string_view name);

// True when `a` and `b` are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path + query, as received or to be sent: "/api/v10/gateway?v=10"
  std::vector<Header> headers;
  std::string body;
  std::string peer;  // server side: the remote "ip:port"; ignored by the client

  // Case-insensitive; "" when absent.
  std::string_view header(std::string_view name) const { return FindHeader(headers, name); }
  // The path without the query: "/api/v10/gateway".
  std::string_view path() const;
  // The query without '?': "v=10", or "".
  std::string_view query() const;
};

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;
  std::string body;

  std::string_view header(std::string_view name) const { return FindHeader(headers, name); }
};

// A ws://, wss://, http:// or https:// URL. The port defaults to 80 (ws, http) or 443 (wss,
// https); the target is the path and query ("/" when the URL has no path); a fragment is dropped.
struct Url {
  std::string scheme;  // lower case
  std::string host;    // without brackets for IPv6 literals: "::1"
  uint16_t port = 0;
  std::string target = "/";

  bool tls() const { return scheme == "wss" || scheme == "https"; }
  bool websocket() const { return scheme == "ws" || scheme == "wss"; }
  // "host" when the port is the scheme's default, else "host:port" (IPv6 in brackets). What the
  // Host header carries.
  std::string authority() const;
};

// Parses `text`; rejects other schemes, user info, an empty host and a bad port.
Result<Url> ParseUrl(std::string_view text);

}  // namespace pylon::net
