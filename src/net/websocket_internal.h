// Copyright 2026 The Pylon Gateway Authors.
// The hand-over of an upgraded server connection from http_server.cc to websocket.cc. Internal
// to net/.
//
// The stream and request types are Beast/Asio types, which no header may include. So the function
// is a template declared here and defined in websocket.cc, which explicitly instantiates it for the
// two stream types the server uses (tcp::socket, beast::ssl_stream<tcp::socket>) and Beast's
// http::request<http::string_body>. A call with other types fails to link.

#pragma once

#include <cstddef>
#include <string>

#include "net/websocket.h"
#include "runtime/reactor.h"

namespace pylon::net::internal {

struct ServerWebSocketOptions {
  size_t max_message_bytes = 1 << 20;
  std::string server_name;  // the Server header of the 101 response
  std::string peer;         // remote "ip:port"
};

// Takes over `stream`, whose upgrade `request` has been read, and starts the websocket handshake.
// The socket accepts Send() at once; a failed handshake is reported through on_close. Call on
// `reactor`, which owns the stream.
template <typename Stream, typename Request>
WebSocketPtr AcceptWebSocket(Reactor& reactor, Stream stream, const Request& request,
                             const ServerWebSocketOptions& options, WebSocket::Handlers handlers);

}  // namespace pylon::net::internal
