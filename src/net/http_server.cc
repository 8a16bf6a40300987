// Copyright 2026 The Pylon Gateway Authors.
// The HTTP/1.1 server on Boost.Beast. The listener runs on reactors[0] and hands each accepted
// socket to a reactor, round-robin; there a ServerConnection<Stream> (tcp::socket or
// beast::ssl_stream<tcp::socket>) reads requests one at a time. An accepted websocket upgrade
// hands the stream over to websocket.cc (websocket_internal.h).

#include "net/http_server.h"

#include <atomic>
#include <cassert>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>  // before Asio, see runtime/asio.h

#include "runtime/asio.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "base/log.h"
#include "net/net_internal.h"
#include "net/websocket_internal.h"

namespace pylon::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

using PlainStream = tcp::socket;
using TlsStream = beast::ssl_stream<tcp::socket>;
using Request = http::request<http::string_body>;

// How long a connection that we close may take to say goodbye (TLS close_notify, unread bytes).
constexpr Duration kLingerTimeout = std::chrono::seconds(2);

// What Stop() needs of a connection, whatever its stream type.
class ServerConnectionBase {
 public:
  virtual ~ServerConnectionBase() = default;
  virtual void Abort() = 0;  // closes the socket at once
};

// The connections of one reactor. Touched only on that reactor's thread.
struct ConnectionRegistry {
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, std::weak_ptr<ServerConnectionBase>> http;
  std::unordered_map<uint64_t, std::weak_ptr<WebSocket>> websockets;
};

const boost::system::error_category& HttpCategory() {
  static const boost::system::error_category& category =
      http::make_error_code(http::error::end_of_stream).category();
  return category;
}

bool HasLineBreak(std::string_view text) { return text.find_first_of("\r\n") != text.npos; }

}  // namespace

// Shared by the HttpServer and every connection, which keeps it alive. Options, handlers and the
// TLS context are fixed after Start; the listener fields belong to reactors[0], registries[i] to
// reactors[i]; the atomics are read anywhere.
struct HttpServer::State {
  State(HttpServerOptions options_in, HttpHandler handler_in, UpgradeHandler upgrade_handler_in)
      : options(std::move(options_in)),
        handler(std::move(handler_in)),
        upgrade_handler(std::move(upgrade_handler_in)),
        registries(options.reactors.size()) {}

  const HttpServerOptions options;
  const HttpHandler handler;
  const UpgradeHandler upgrade_handler;
  std::shared_ptr<asio::ssl::context> tls;  // null: plain
  std::string host;                         // the bound address
  uint16_t port = 0;

  // reactors[0] only:
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> retry_timer;
  size_t next_slot = 0;
  LogEvery accept_errors{100};

  std::atomic<bool> stop_started{false};
  std::atomic<bool> stopping{false};
  std::atomic<size_t> open_connections{0};
  std::vector<ConnectionRegistry> registries;  // [i] only on options.reactors[i]
};

namespace {

using State = HttpServer::State;

// The `respond` callback handed to the HttpHandler. If it is destroyed without being called (on
// the reactor), the client gets 500.
template <typename Connection>
class Responder {
 public:
  explicit Responder(std::shared_ptr<Connection> connection) : connection_(std::move(connection)) {}
  Responder(Responder&& other) noexcept : connection_(std::move(other.connection_)) {}
  Responder& operator=(Responder&&) = delete;
  ~Responder() {
    if (connection_ && connection_->reactor().IsCurrent()) {
      connection_->Respond(HttpResponse{.status = 500, .headers = {}, .body = "no response\n"});
    }
  }

  void operator()(HttpResponse response) {
    if (auto connection = std::move(connection_)) connection->Respond(std::move(response));
  }

 private:
  std::shared_ptr<Connection> connection_;
};

// One accepted connection until it closes or is upgraded. Owned by its pending operations (and
// by a pending Responder or UpgradeDecision); lives on reactors[slot].
template <typename Stream>
class ServerConnection final : public ServerConnectionBase,
                               public UpgradeDecision::Pending,
                               public std::enable_shared_from_this<ServerConnection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;

  ServerConnection(std::shared_ptr<State> state, size_t slot, Stream stream, std::string peer)
      : state_(std::move(state)),
        slot_(slot),
        stream_(std::move(stream)),
        peer_(std::move(peer)),
        deadline_(reactor()) {}

  Reactor& reactor() const { return *state_->options.reactors[slot_]; }

  void Start() {
    ConnectionRegistry& registry = state_->registries[slot_];
    id_ = registry.next_id++;
    registry.http.emplace(id_, this->weak_from_this());
    state_->open_connections.fetch_add(1, std::memory_order_relaxed);
    if constexpr (kTls) {
      phase_ = Phase::kTlsHandshake;
      ArmDeadline(state_->options.idle_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = Self()](error_code ec) { self->OnTlsHandshake(ec); });
    } else {
      ReadRequest();
    }
  }

  void Abort() override { CloseNow(); }

  // Called by the Responder, on the reactor.
  void Respond(HttpResponse response) {
    assert(reactor().IsCurrent());
    if (phase_ != Phase::kHandling) return;
    WriteResponse(std::move(response));
  }

  WebSocketPtr Accept(WebSocket::Handlers handlers) override {
    assert(reactor().IsCurrent());
    if (phase_ != Phase::kAwaitingUpgrade) return nullptr;
    phase_ = Phase::kUpgraded;
    deadline_.Cancel();
    ConnectionRegistry& registry = state_->registries[slot_];
    uint64_t socket_id = registry.next_id++;
    // The socket leaves the registry (and the count) when it closes.
    handlers.on_close = [weak_state = std::weak_ptr<State>(state_), slot = slot_, socket_id,
                         on_close = std::move(handlers.on_close)](const CloseInfo& info) {
      if (auto state = weak_state.lock()) {
        state->registries[slot].websockets.erase(socket_id);
        state->open_connections.fetch_sub(1, std::memory_order_relaxed);
      }
      if (on_close) on_close(info);
    };
    internal::ServerWebSocketOptions options;
    options.max_message_bytes = state_->options.max_message_bytes;
    options.server_name = state_->options.server_name;
    options.peer = peer_;
    WebSocketPtr socket = internal::AcceptWebSocket(
        reactor(), std::move(stream_), *upgrade_request_, options, std::move(handlers));
    registry.websockets.emplace(socket_id, socket);
    registry.http.erase(id_);  // the count now belongs to the websocket
    upgrade_request_.reset();
    return socket;
  }

  void Reject(HttpResponse response) override {
    if (!reactor().IsCurrent()) return;  // a decision destroyed elsewhere: the deadline closes us
    if (phase_ != Phase::kAwaitingUpgrade) return;
    upgrade_request_.reset();
    keep_alive_ = false;
    phase_ = Phase::kHandling;
    WriteResponse(std::move(response));
  }

 private:
  enum class Phase {
    kTlsHandshake,
    kReading,
    kHandling,  // waiting for the HttpHandler's response
    kAwaitingUpgrade,
    kWriting,
    kClosing,
    kClosed,
    kUpgraded,
  };

  std::shared_ptr<ServerConnection> Self() { return this->shared_from_this(); }
  tcp::socket& socket() { return beast::get_lowest_layer(stream_); }

  void ArmDeadline(Duration timeout) {
    deadline_.RunAfter(timeout, [weak = this->weak_from_this()] {
      if (auto self = weak.lock()) self->CloseNow();
    });
  }

  void OnTlsHandshake(error_code ec) {
    if (ec) return CloseNow();  // not TLS, wrong version, timed out...
    ReadRequest();
  }

  void ReadRequest() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(state_->options.max_header_bytes));
    parser_->body_limit(state_->options.max_message_bytes);
    ArmDeadline(state_->options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = Self()](error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(error_code ec) {
    deadline_.Cancel();
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      int status = 0;
      if (ec == http::error::body_limit) {
        status = 413;
      } else if (ec == http::error::header_limit) {
        status = 431;
      } else if (&ec.category() == &HttpCategory() && ec != http::error::end_of_stream &&
                 ec != http::error::partial_message) {
        status = 400;
      }
      if (status == 0) return CloseNow();  // the peer went away or timed out
      keep_alive_ = false;
      phase_ = Phase::kHandling;
      return WriteResponse(HttpResponse{
          .status = status,
          .headers = {},
          .body = std::string(http::obsolete_reason(static_cast<http::status>(status))) + "\n"});
    }

    Request message = parser_->release();
    parser_.reset();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.headers.reserve(std::distance(message.begin(), message.end()));
    for (const auto& field : message) {
      request.headers.push_back(
          Header{std::string(field.name_string()), std::string(field.value())});
    }
    request.peer = peer_;
    keep_alive_ = message.keep_alive();

    if (state_->upgrade_handler && websocket::is_upgrade(message)) {
      phase_ = Phase::kAwaitingUpgrade;
      upgrade_request_.emplace(std::move(message));
      state_->upgrade_handler(request, UpgradeDecision(Self()));
      return;
    }
    request.body = std::move(message.body());
    phase_ = Phase::kHandling;
    state_->handler(std::move(request), Responder<ServerConnection>(Self()));
  }

  void WriteResponse(HttpResponse response) {
    http::response<http::string_body>& out = response_.emplace();
    out.version(11);
    int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
    out.result(static_cast<unsigned>(status));
    for (const auto& header : response.headers) {
      if (header.name.empty() || HasLineBreak(header.name) || HasLineBreak(header.value) ||
          EqualsIgnoreCase(header.name, "Content-Length") ||
          EqualsIgnoreCase(header.name, "Transfer-Encoding")) {
        continue;  // the server frames the body itself
      }
      if (EqualsIgnoreCase(header.name, "Connection")) {
        if (EqualsIgnoreCase(header.value, "close")) keep_alive_ = false;
        continue;
      }
      out.insert(header.name, header.value);
    }
    if (out.find(http::field::server) == out.end()) {
      out.set(http::field::server, state_->options.server_name);
    }
    out.keep_alive(keep_alive_);
    out.body() = std::move(response.body);
    out.prepare_payload();
    phase_ = Phase::kWriting;
    ArmDeadline(state_->options.idle_timeout);
    http::async_write(stream_, out, [self = Self()](error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(error_code ec) {
    deadline_.Cancel();
    response_.reset();
    if (phase_ == Phase::kClosed) return;
    if (ec) return CloseNow();
    if (keep_alive_) return ReadRequest();
    CloseGracefully();
  }

  // Says goodbye before closing, so that the peer reads the last response rather than a reset:
  // TLS close_notify, or a TCP half-close and reading what the peer still sends.
  void CloseGracefully() {
    phase_ = Phase::kClosing;
    ArmDeadline(kLingerTimeout);
    if constexpr (kTls) {
      stream_.async_shutdown([self = Self()](error_code) { self->CloseNow(); });
    } else {
      error_code ignored;
      socket().shutdown(tcp::socket::shutdown_send, ignored);
      Drain();
    }
  }

  void Drain() {
    buffer_.clear();
    socket().async_read_some(buffer_.prepare(4096), [self = Self()](error_code ec, size_t) {
      if (ec) return self->CloseNow();
      self->Drain();
    });
  }

  void CloseNow() {
    if (phase_ == Phase::kClosed || phase_ == Phase::kUpgraded) return;
    phase_ = Phase::kClosed;
    deadline_.Cancel();
    error_code ignored;
    socket().close(ignored);
    upgrade_request_.reset();
    state_->registries[slot_].http.erase(id_);
    state_->open_connections.fetch_sub(1, std::memory_order_relaxed);
  }

  std::shared_ptr<State> state_;
  const size_t slot_;
  Stream stream_;
  const std::string peer_;
  Timer deadline_;
  uint64_t id_ = 0;
  Phase phase_ = Phase::kReading;
  bool keep_alive_ = true;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<Request> upgrade_request_;
  std::optional<http::response<http::string_body>> response_;
};

void StartConnection(const std::shared_ptr<State>& state, size_t slot, tcp::socket socket,
                     std::string peer) {
  if (state->stopping.load()) return;  // the socket closes here
  if (state->tls) {
    auto connection = std::make_shared<ServerConnection<TlsStream>>(
        state, slot, TlsStream(std::move(socket), *state->tls), std::move(peer));
    connection->Start();
  } else {
    auto connection = std::make_shared<ServerConnection<PlainStream>>(
        state, slot, std::move(socket), std::move(peer));
    connection->Start();
  }
}

// On reactors[0]: accepts one connection into the next reactor's context, then the next.
void AcceptNext(const std::shared_ptr<State>& state) {
  if (state->stopping.load()) return;
  size_t slot = state->next_slot++ % state->options.reactors.size();
  Reactor& target = *state->options.reactors[slot];
  auto socket = std::make_shared<tcp::socket>(target.io_context());
  state->acceptor->async_accept(*socket, [state, slot, socket](error_code ec) {
    if (state->stopping.load() || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, say: try again soon rather than spinning.
      if (state->accept_errors.ShouldLog()) {
        log::Warn("HTTP server on port {}: accept failed: {}", state->port, ec.message());
      }
      state->retry_timer->expires_after(std::chrono::milliseconds(100));
      state->retry_timer->async_wait([state](error_code ec) {
        if (!ec) AcceptNext(state);
      });
      return;
    }
    error_code ignored;
    socket->set_option(tcp::no_delay(true), ignored);
    tcp::endpoint remote = socket->remote_endpoint(ignored);
    std::string peer = internal::FormatHostPort(remote.address().to_string(), remote.port());
    asio::post(state->options.reactors[slot]->io_context(),
               [state, slot, socket, peer = std::move(peer)]() mutable {
                 StartConnection(state, slot, std::move(*socket), std::move(peer));
               });
    AcceptNext(state);
  });
}

// Runs `fn` on `reactor` and waits, unless the caller is a reactor thread (then it only posts: a
// reactor must not block on another) or `reactor` is not running (then `fn` is dropped).
void RunOn(Reactor& reactor, UniqueFunction<void()> fn) {
  if (reactor.IsCurrent()) return fn();
  if (Reactor::Current() != nullptr) {
    asio::post(reactor.io_context(), std::move(fn));
    return;
  }
  (void)CallBlocking(reactor, std::move(fn));
}

void AbortAll(State& state, size_t slot) {
  ConnectionRegistry& registry = state.registries[slot];
  std::vector<std::shared_ptr<ServerConnectionBase>> connections;
  for (auto& [id, weak] : registry.http) {
    if (auto connection = weak.lock()) connections.push_back(std::move(connection));
  }
  std::vector<WebSocketPtr> sockets;
  for (auto& [id, weak] : registry.websockets) {
    if (auto socket = weak.lock()) sockets.push_back(std::move(socket));
  }
  for (auto& connection : connections) connection->Abort();
  for (auto& socket : sockets) socket->Drop();  // on_close runs from a posted closure
}

}  // namespace

UpgradeDecision& UpgradeDecision::operator=(UpgradeDecision&& other) noexcept {
  if (this != &other) {
    if (pending_) pending_->Reject(HttpResponse{.status = 503, .headers = {}, .body = ""});
    pending_ = std::move(other.pending_);
  }
  return *this;
}

UpgradeDecision::~UpgradeDecision() {
  if (pending_) {
    pending_->Reject(HttpResponse{.status = 503, .headers = {}, .body = "upgrade not decided\n"});
  }
}

WebSocketPtr UpgradeDecision::Accept(WebSocket::Handlers handlers) {
  if (!pending_) return nullptr;
  auto pending = std::move(pending_);
  return pending->Accept(std::move(handlers));
}

void UpgradeDecision::Reject(HttpResponse response) {
  if (!pending_) return;
  auto pending = std::move(pending_);
  pending->Reject(std::move(response));
}

HttpServer::HttpServer(std::shared_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      HttpHandler handler,
                                                      UpgradeHandler upgrade_handler) {
  if (options.reactors.empty()) return InvalidArgument("HttpServer: no reactors");
  for (Reactor* reactor : options.reactors) {
    if (reactor == nullptr) return InvalidArgument("HttpServer: null reactor");
  }
  if (!handler) return InvalidArgument("HttpServer: no HttpHandler");
  std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) return InvalidArgument("HttpServer: host '" + options.host + "' is not an IP address");
  uint16_t requested_port = options.port;

  auto state =
      std::make_shared<State>(std::move(options), std::move(handler), std::move(upgrade_handler));
  if (state->options.tls) {
    PYLON_ASSIGN_OR_RETURN(internal::SslCtxPtr native,
                           internal::NewServerTlsContext(*state->options.tls));
    state->tls = std::make_shared<asio::ssl::context>(native.release());
  }
  Reactor& listener = *state->options.reactors[0];
  state->acceptor.emplace(listener.io_context());
  state->retry_timer.emplace(listener.io_context());
  tcp::acceptor& acceptor = *state->acceptor;
  tcp::endpoint endpoint(address, requested_port);
  std::string where = internal::FormatHostPort(host, requested_port);
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    return internal::ErrorFromCode(ec, "HttpServer: open socket for " + where);
  }
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec); ec)
    return internal::ErrorFromCode(ec, "HttpServer: bind " + where);
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return internal::ErrorFromCode(ec, "HttpServer: listen on " + where);
  }
  state->host = host;
  state->port = acceptor.local_endpoint(ec).port();
  asio::post(listener.io_context(), [state] { AcceptNext(state); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

uint16_t HttpServer::port() const { return state_->port; }

std::string HttpServer::base_url() const {
  return std::string(state_->tls ? "https://" : "http://") +
         internal::FormatHostPort(state_->host, state_->port);
}

size_t HttpServer::open_connections() const {
  return state_->open_connections.load(std::memory_order_relaxed);
}

void HttpServer::Stop() {
  std::shared_ptr<State> state = state_;
  if (state->stop_started.exchange(true)) return;
  state->stopping.store(true);
  const std::vector<Reactor*>& reactors = state->options.reactors;
  RunOn(*reactors[0], [state] {
    error_code ignored;
    state->acceptor->close(ignored);
    state->retry_timer->cancel();
  });
  for (size_t slot = 0; slot < reactors.size(); ++slot) {
    RunOn(*reactors[slot], [state, slot] { AbortAll(*state, slot); });
  }
  // The aborts posted the websockets' on_close calls; these round trips wait for them. Two
  // rounds: a closure posted from a running handler joins the reactor's queue only when that
  // handler returns, which may be after CallBlocking has woken us and we posted the first round.
  for (int round = 0; round < 2; ++round) {
    for (Reactor* reactor : reactors) RunOn(*reactor, [] {});
  }
}

}  // namespace pylon::net
