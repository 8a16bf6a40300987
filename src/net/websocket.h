// Copyright 2026 The Pylon Gateway Authors.
// WebSocket connections (RFC 6455), server or client side, over TCP or TLS. Text and binary
// messages, close codes both ways, no permessage-deflate (Discord compresses at the application
// level). Server-side sockets come from HttpServer (http_server.h); client-side ones from
// ConnectWebSocket below.

#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "net/http.h"
#include "net/tls.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"

namespace pylon::net {

// How a connection ended, as reported once by WebSocket::Handlers::on_close.
struct CloseInfo {
  // When `clean`: the code of the peer's close frame (1005 if the frame carried none). Otherwise
  // the code we sent when we failed the connection ourselves (1009 message too big; 1002 protocol
  // error and 1007 bad UTF-8, except over TLS where those show as 1006), else 1006 ("closed
  // abnormally", RFC 6455 7.1.5: no close frame was received).
  uint16_t code = 0;
  std::string reason;  // the peer's close reason when `clean`
  bool clean = false;  // a close frame was received from the peer
  std::string error;   // when !clean: what went wrong, for logs ("dropped", "end of stream", ...)
};

// One websocket connection. It owns its socket (and TLS session) and lives on one reactor: every
// method must be called on that reactor's thread, and every handler runs there.
//
// Lifetime: the object is shared by the caller's WebSocketPtr and by its own pending socket
// operations, so it stays alive while it is reading even if the caller lets go. Handlers are
// released right after on_close, which breaks cycles through handlers that capture the pointer.
// If the last pointer goes while no operation is pending (reading paused), the socket is closed
// without on_close.
class WebSocket : public std::enable_shared_from_this<WebSocket> {
 public:
  struct Handlers {
    // A complete message. `data` is valid only during the call.
    std::function<void(std::string_view data, bool binary)> on_message;
    // Exactly once, when the connection is gone: close handshake done, peer dropped, error, or
    // our Close()/Drop(). Not called for a client connection whose handshake failed (the connect
    // callback gets the error instead).
    std::function<void(const CloseInfo& info)> on_close;
  };

  WebSocket(const WebSocket&) = delete;
  WebSocket& operator=(const WebSocket&) = delete;
  virtual ~WebSocket() = default;

  // Queues a copy of a message. Messages go out in order, back to back, without waiting for the
  // caller. Before the handshake completes they wait; after Close()/Drop() or the end of the
  // connection they are dropped (and counted in sends_dropped()).
  virtual void Send(std::string_view data, bool binary) = 0;

  // Sends the queued messages, then a close frame with `code` and `reason`, waits for the peer's
  // close frame and closes TCP; on_close follows. `code` must be one a peer accepts (1000-1003,
  // 1007-1014, 3000-4999; anything else becomes 1000); `reason` is cut to 123 bytes.
  virtual void Close(uint16_t code, std::string_view reason) = 0;

  // Closes the TCP socket at once, without a close frame (a crash or network drop as the peer
  // sees it). Unsent messages are discarded. on_close follows with clean = false.
  virtual void Drop() = 0;

  // Stops delivering messages, and reading the socket, until ResumeReading(). A message already
  // being read when PauseReading() is called is held and delivered after ResumeReading(); none is
  // lost. While paused, a peer that goes away is noticed only after ResumeReading().
  virtual void PauseReading() = 0;
  virtual void ResumeReading() = 0;

  // Replaces the handlers (for handing a connection over to another owner on the same reactor).
  virtual void SetHandlers(Handlers handlers) = 0;

  // Bytes handed to Send and not yet written to the socket (roughly: a message being framed may
  // count twice for a moment, and frame headers count). For backpressure decisions.
  virtual size_t queued_bytes() const = 0;
  // Messages given to Send after the connection was closing or gone.
  virtual uint64_t sends_dropped() const = 0;
  // True from the end of the handshake until Close(), Drop() or the end of the connection.
  virtual bool is_open() const = 0;

  Reactor& reactor() const { return reactor_; }
  // The remote "ip:port".
  const std::string& peer() const { return peer_; }

 protected:
  WebSocket(Reactor& reactor, std::string peer) : reactor_(reactor), peer_(std::move(peer)) {}

  Reactor& reactor_;
  std::string peer_;
};

using WebSocketPtr = std::shared_ptr<WebSocket>;

struct WebSocketClientOptions {
  std::string url;  // ws://host[:port]/path?query or wss://...
  TlsClientOptions tls;
  size_t max_message_bytes = 64 << 20;  // larger incoming messages fail the connection (1009)
  // Limit on resolving, connecting, the TLS handshake and the websocket handshake together.
  Duration handshake_timeout = std::chrono::seconds(10);
  std::vector<Header> extra_headers;  // added to the upgrade request (User-Agent, ...)
};

// Resolves the host, connects TCP, does the TLS handshake for wss:// (SNI and host name
// verification) and the websocket handshake. Then calls `done` with the open connection, after
// which its handlers start to run; or with the error (DEADLINE_EXCEEDED after handshake_timeout,
// UNAVAILABLE when the connection or a handshake fails). `done` runs on `reactor`, always later
// (never inside this call). Callable from any thread.
void ConnectWebSocket(Reactor& reactor, WebSocketClientOptions options,
                      WebSocket::Handlers handlers,
                      UniqueFunction<void(Result<WebSocketPtr>)> done);

}  // namespace pylon::net
