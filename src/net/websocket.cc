// Copyright 2026 The Pylon Gateway Authors.
// WebSocket connections on Boost.Beast. One class template, WebSocketImpl<Stream>, serves both
// roles over both stream types: tcp::socket (ws://) and beast::ssl_stream<tcp::socket> (wss://).

#include "net/websocket.h"

#include <cassert>
#include <deque>
#include <map>
#include <optional>
#include <type_traits>
#include <utility>  // before Asio, see runtime/asio.h

#include "runtime/asio.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

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

// A close code a peer accepts (Beast's is_valid_close_code), else 1000.
uint16_t SendableCloseCode(uint16_t code) {
  bool valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1013) ||
               (code >= 3000 && code <= 4999);
  return valid ? code : 1000;
}

// At most 123 bytes (the close frame's limit), not splitting a UTF-8 sequence.
std::string_view TruncateReason(std::string_view reason) {
  constexpr size_t kMax = 123;
  if (reason.size() <= kMax) return reason;
  size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(reason[end]) & 0xC0) == 0x80) --end;
  return reason.substr(0, end);
}

const boost::system::error_category& WebSocketCategory() {
  static const boost::system::error_category& category =
      websocket::make_error_code(websocket::error::closed).category();
  return category;
}

// Encodes the header of an unmasked (server-to-client) frame carrying a whole message of
// `length` (< 64 KiB) bytes (RFC 6455 §5.2) into `out`; returns its size (2 or 4 bytes).
size_t EncodeServerFrameHeader(bool binary, size_t length, char (&out)[4]) {
  assert(length <= 0xFFFF);
  out[0] = static_cast<char>(0x80 | (binary ? 0x2 : 0x1));  // FIN, opcode
  if (length < 126) {
    out[1] = static_cast<char>(length);
    return 2;
  }
  out[1] = 126;  // a 16-bit length follows, big-endian
  out[2] = static_cast<char>(length >> 8);
  out[3] = static_cast<char>(length);
  return 4;
}

// A flat_buffer holding more than this after a message gives the memory back.
constexpr size_t kKeepReadBufferBytes = 256 << 10;

// The layer under Beast's websocket stream that batches writes: Beast writes each message (header
// and payload) with its own write call, which would be one syscall per message. Here a small write
// is copied into a buffer and completes at once; the buffer goes to the socket in one write when
// the owner has nothing more queued (Uncork), when it holds kFlushBytes, or one event-loop turn
// later for writes Beast makes on its own (pong, close). While a flush is in flight, writes keep
// collecting up to kFlushBytes, then wait for it. Large writes on an idle buffer go straight
// through, uncopied.
//
// Beast never has two writes outstanding on its next layer (its write lock serializes them), so
// at most one write is waiting here. Used on the stream's reactor only.
template <typename Next>
class BatchingStream {
 public:
  using executor_type = typename Next::executor_type;
  using next_layer_type = Next;

  static constexpr size_t kFlushBytes = 64 << 10;
  static constexpr size_t kDirectBytes = 16 << 10;
  static constexpr size_t kReadBytes = 32 << 10;
  static constexpr size_t kKeepBytes = 16 << 10;

  template <typename... Args>
  explicit BatchingStream(Args&&... args)
      : core_(std::make_shared<Core>(std::forward<Args>(args)...)) {}

  executor_type get_executor() noexcept { return core_->next.get_executor(); }
  Next& next_layer() noexcept { return core_->next; }
  const Next& next_layer() const noexcept { return core_->next; }

  // Reads go through a buffer too: Beast reads frame headers and small payloads 1536 bytes at a
  // time, which would be a syscall or two per message. Large reads into an empty buffer go
  // straight through.
  template <typename MutableBuffers, typename Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    Core& core = *core_;
    if (core.read_buffer.size() > 0) {
      size_t n = asio::buffer_copy(buffers, core.read_buffer.data());
      core.ConsumeRead(n);
      return asio::post(core.next.get_executor(),
                        beast::bind_front_handler(std::forward<Handler>(handler), error_code(), n));
    }
    if (asio::buffer_size(buffers) >= kDirectBytes) {
      return core.next.async_read_some(buffers, std::forward<Handler>(handler));
    }
    core.next.async_read_some(core.read_buffer.prepare(kReadBytes),
                              [core = core_, buffers, handler = std::forward<Handler>(handler)](
                                  error_code ec, size_t n) mutable {
                                core->read_buffer.commit(n);
                                if (n == 0) return handler(ec, 0);
                                size_t copied =
                                    asio::buffer_copy(buffers, core->read_buffer.data());
                                core->ConsumeRead(copied);
                                handler(error_code(), copied);
                              });
  }

  template <typename ConstBuffers, typename Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    Core& core = *core_;
    size_t size = asio::buffer_size(buffers);
    if (core.error) {
      return asio::post(core.next.get_executor(),
                        beast::bind_front_handler(std::forward<Handler>(handler), core.error, 0));
    }
    if (size >= kDirectBytes && core.pending.empty() && !core.flushing) {
      return core.next.async_write_some(buffers, std::forward<Handler>(handler));
    }
    if (core.flushing && core.pending.size() >= kFlushBytes) {
      core.parked = [core = core_, buffers,
                     handler = std::forward<Handler>(handler)](error_code ec) mutable {
        if (!ec) core->Append(buffers);
        asio::post(
            core->next.get_executor(),
            beast::bind_front_handler(std::move(handler), ec, ec ? 0 : asio::buffer_size(buffers)));
      };
      return;
    }
    core.Append(buffers);
    asio::post(core.next.get_executor(),
               beast::bind_front_handler(std::forward<Handler>(handler), error_code(), size));
    if (core.pending.size() >= kFlushBytes) {
      Core::Flush(core_);
    } else if (!core.corked) {
      Core::ScheduleFlush(core_);
    }
  }

  // Appends a whole frame the owner encoded itself, bypassing Beast; false (nothing appended) after
  // a failed flush. Unlike Beast's writes these never wait for a flush in flight: the buffer grows
  // instead, and the owner bounds it (WebSocket::queued_bytes() counts it).
  bool TryAppendFrame(std::string_view header, std::string_view payload) {
    Core& core = *core_;
    if (core.error) return false;
    core.pending.append(header);
    core.pending.append(payload);
    if (core.pending.size() >= kFlushBytes) {
      Core::Flush(core_);
    } else if (!core.corked) {
      Core::ScheduleFlush(core_);
    }
    return true;
  }

  // While corked, small writes wait for Uncork or a full buffer.
  void Cork() { core_->corked = true; }
  void Uncork() {
    core_->corked = false;
    Core::Flush(core_);
  }
  // Bytes accepted and not yet handed to the socket.
  size_t buffered_bytes() const { return core_->pending.size() + core_->in_flight.size(); }

  // Websocket teardown (found by Beast through ADL): everything buffered goes out first.
  template <typename Handler>
  friend void async_teardown(beast::role_type role, BatchingStream& stream, Handler&& handler) {
    std::shared_ptr<Core> core = stream.core_;
    auto teardown = [core, role, handler = std::forward<Handler>(handler)](error_code) mutable {
      using beast::websocket::async_teardown;
      async_teardown(role, core->next, std::move(handler));
    };
    if (!core->flushing && core->pending.empty()) return teardown(error_code());
    core->after_flush = std::move(teardown);
    core->corked = false;
    Core::Flush(core);
  }

  friend void teardown(beast::role_type role, BatchingStream& stream, error_code& ec) {
    using beast::websocket::teardown;
    teardown(role, stream.core_->next, ec);
  }

 private:
  struct Core {
    template <typename... Args>
    explicit Core(Args&&... args) : next(std::forward<Args>(args)...) {}

    // Idle connections hold no buffer memory: the read buffer goes when drained (one allocation
    // per socket read, not per message).
    void ConsumeRead(size_t n) {
      read_buffer.consume(n);
      if (read_buffer.size() == 0) read_buffer.shrink_to_fit();
    }

    template <typename ConstBuffers>
    void Append(const ConstBuffers& buffers) {
      size_t old_size = pending.size();
      pending.resize(old_size + asio::buffer_size(buffers));
      asio::buffer_copy(asio::buffer(pending.data() + old_size, pending.size() - old_size),
                        buffers);
    }

    static void ScheduleFlush(const std::shared_ptr<Core>& core) {
      if (core->flush_posted) return;
      core->flush_posted = true;
      asio::post(core->next.get_executor(), [core] {
        core->flush_posted = false;
        if (!core->corked) Flush(core);
      });
    }

    static void Flush(const std::shared_ptr<Core>& core) {
      if (core->flushing || core->pending.empty()) return;
      core->flushing = true;
      std::swap(core->pending, core->in_flight);
      asio::async_write(core->next, asio::buffer(core->in_flight),
                        [core](error_code ec, size_t) { OnFlushed(core, ec); });
    }

    static void OnFlushed(const std::shared_ptr<Core>& core, error_code ec) {
      core->flushing = false;
      core->in_flight.clear();  // keeps its capacity for the next swap, unless large and idle
      if (core->pending.empty() && !core->corked && core->in_flight.capacity() > kKeepBytes) {
        core->in_flight.shrink_to_fit();
        core->pending.shrink_to_fit();
      }
      if (ec) {
        core->error = ec;
        core->pending.clear();
      }
      if (core->parked) {
        auto parked = std::move(core->parked);
        parked(ec);
      }
      if (!ec && !core->pending.empty() &&
          (!core->corked || core->after_flush || core->pending.size() >= kFlushBytes)) {
        return Flush(core);
      }
      if (core->after_flush) {  // everything went out (or never will)
        auto after = std::move(core->after_flush);
        after(ec);
      }
    }

    Next next;
    beast::flat_buffer read_buffer;  // read from `next`, not yet taken by Beast
    std::string pending;             // accepted, waiting for the next flush
    std::string in_flight;           // being written
    bool flushing = false;
    bool flush_posted = false;
    bool corked = false;
    error_code error;                              // a flush failed: every later write fails
    UniqueFunction<void(error_code)> parked;       // a write waiting for the flush
    UniqueFunction<void(error_code)> after_flush;  // the teardown waiting for the flush
  };

  std::shared_ptr<Core> core_;
};

// A websocket connection over Stream, either role. Owns the Beast stream (and through it the
// socket), the outgoing queue and, for a client until its handshake is done, the connect state.
// Lives on reactor_; kept alive by the caller's pointers and by its pending operations.
template <typename Stream>
class WebSocketImpl final : public WebSocket {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;
  using Ws = websocket::stream<BatchingStream<Stream>>;

  template <typename... StreamArgs>
  WebSocketImpl(Reactor& reactor, std::string peer, Handlers handlers, StreamArgs&&... stream_args)
      : WebSocket(reactor, std::move(peer)),
        ws_(std::forward<StreamArgs>(stream_args)...),
        handlers_(std::move(handlers)) {}

  // Server side: answers the upgrade `request`.
  template <typename Request>
  void StartAccept(const Request& request, const internal::ServerWebSocketOptions& options) {
    Configure(beast::role_type::server, options.max_message_bytes);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [name = options.server_name](websocket::response_type& response) {
          response.set(http::field::server, name);
        }));
    ws_.async_accept(request, [self = Self()](error_code ec) {
      if (ec) {
        self->HandleError(ec, "websocket handshake");
      } else {
        self->OnHandshakeDone();
      }
    });
  }

  // Client side: resolve, connect, TLS handshake, websocket handshake; then `done`.
  void StartConnect(Url url, WebSocketClientOptions options,
                    std::shared_ptr<asio::ssl::context> tls,
                    UniqueFunction<void(Result<WebSocketPtr>)> done) {
    tls_context_ = std::move(tls);
    connect_ = std::make_unique<Connect>(ws_.get_executor(), reactor_);
    connect_->url = std::move(url);
    connect_->options = std::move(options);
    connect_->done = std::move(done);
    const WebSocketClientOptions& opts = connect_->options;

    Configure(beast::role_type::client, opts.max_message_bytes);
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = opts.handshake_timeout;
    timeout.idle_timeout = websocket::stream_base::none();
    timeout.keep_alive_pings = false;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [headers = opts.extra_headers](websocket::request_type& request) {
          request.set(http::field::user_agent, "pylon");
          for (const auto& header : headers) request.set(header.name, header.value);
        }));

    connect_->timer.RunAfter(opts.handshake_timeout, [weak = weak_from_this()] {
      if (auto self = weak.lock()) static_cast<WebSocketImpl*>(self.get())->OnConnectTimeout();
    });
    error_code ec;
    asio::ip::address address = asio::ip::make_address(connect_->url.host, ec);
    if (!ec) {
      socket().async_connect(tcp::endpoint(address, connect_->url.port),
                             [self = Self()](error_code ec) { self->OnConnected(ec); });
    } else {
      connect_->resolver.async_resolve(
          connect_->url.host, std::to_string(connect_->url.port),
          [self = Self()](error_code ec, tcp::resolver::results_type results) {
            self->OnResolved(ec, std::move(results));
          });
    }
  }

  void Send(std::string_view data, bool binary) override {
    assert(reactor_.IsCurrent());
    if (finished_ || dropped_ || close_requested_ || write_failed_) {
      ++sends_dropped_;
      return;
    }
    if (TrySendDirect(data, binary)) return;
    queued_bytes_ += data.size();
    queue_.push_back(Outgoing{std::string(data), binary});
    if (state_ == State::kOpen) StartWrite();
  }

  void Close(uint16_t code, std::string_view reason) override {
    assert(reactor_.IsCurrent());
    if (finished_ || dropped_ || close_requested_) return;
    close_requested_ = true;
    std::string_view text = TruncateReason(reason);
    close_reason_ =
        websocket::close_reason(static_cast<websocket::close_code>(SendableCloseCode(code)),
                                beast::string_view(text.data(), text.size()));
    MaybeSendClose();
  }

  void Drop() override {
    assert(reactor_.IsCurrent());
    if (finished_ || dropped_) return;
    dropped_ = true;
    CloseSocket();
    asio::post(ws_.get_executor(), [self = Self()] {
      self->Finish(CloseInfo{.code = 1006, .reason = "", .clean = false, .error = "dropped"});
    });
  }

  void PauseReading() override {
    assert(reactor_.IsCurrent());
    paused_ = true;
  }

  void ResumeReading() override {
    assert(reactor_.IsCurrent());
    if (!paused_) return;
    paused_ = false;
    if (finished_ || state_ != State::kOpen) return;
    if (held_) {
      // Deliver the held message later, not inside the caller's ResumeReading().
      asio::post(ws_.get_executor(), [self = Self()] { self->DeliverHeld(); });
    } else {
      StartRead();
    }
  }

  void SetHandlers(Handlers handlers) override {
    assert(reactor_.IsCurrent());
    if (finished_) return;
    if (in_callback_) {
      replacement_ = std::move(handlers);  // the running handler must not be destroyed
    } else {
      handlers_ = std::move(handlers);
    }
  }

  size_t queued_bytes() const override { return queued_bytes_ + ws_.next_layer().buffered_bytes(); }
  uint64_t sends_dropped() const override { return sends_dropped_; }
  bool is_open() const override {
    return state_ == State::kOpen && !close_requested_ && !dropped_ && !finished_;
  }

 private:
  enum class State { kHandshaking, kOpen, kClosed };

  struct Outgoing {
    std::string data;
    bool binary;
  };

  // State of a client connection until its handshake is done.
  struct Connect {
    Connect(const typename Ws::executor_type& executor, Reactor& reactor)
        : resolver(executor), timer(reactor) {}
    Url url;
    WebSocketClientOptions options;
    UniqueFunction<void(Result<WebSocketPtr>)> done;
    tcp::resolver resolver;
    Timer timer;
    websocket::response_type response;
    bool timed_out = false;
  };

  std::shared_ptr<WebSocketImpl> Self() {
    return std::static_pointer_cast<WebSocketImpl>(shared_from_this());
  }

  tcp::socket& socket() { return beast::get_lowest_layer(ws_); }
  Stream& tls_stream() { return ws_.next_layer().next_layer(); }

  void Configure(beast::role_type role, size_t max_message_bytes) {
    websocket::permessage_deflate deflate;  // off: Discord compresses at the application level
    deflate.client_enable = false;
    deflate.server_enable = false;
    ws_.set_option(deflate);
    ws_.auto_fragment(false);  // one frame per message
    // The limit is ours (see StartRead): when Beast enforces it, it tears the connection down
    // without a close handshake, and over TLS the teardown's error hides the reason.
    ws_.read_message_max(0);
    max_message_bytes_ = max_message_bytes;
    server_ = role == beast::role_type::server;
    // The client masks its payload through this buffer: a larger one means fewer writes.
    if (role == beast::role_type::client) ws_.write_buffer_bytes(64 << 10);
  }

  void CloseSocket() {
    error_code ignored;
    socket().close(ignored);
  }

  // --- client connect -------------------------------------------------------------------------

  void OnConnectTimeout() {
    if (!connect_) return;
    connect_->timed_out = true;
    connect_->resolver.cancel();
    CloseSocket();
  }

  void OnResolved(error_code ec, tcp::resolver::results_type results) {
    if (ec) return FailConnect(internal::ErrorFromCode(ec, "resolve " + connect_->url.host));
    asio::async_connect(socket(), results, [self = Self()](error_code ec, const tcp::endpoint&) {
      self->OnConnected(ec);
    });
  }

  void OnConnected(error_code ec) {
    const Url& url = connect_->url;
    if (ec) {
      return FailConnect(internal::ErrorFromCode(
          ec, "connect to " + internal::FormatHostPort(url.host, url.port)));
    }
    error_code ignored;
    socket().set_option(tcp::no_delay(true), ignored);
    tcp::endpoint remote = socket().remote_endpoint(ignored);
    peer_ = internal::FormatHostPort(remote.address().to_string(), remote.port());
    if constexpr (kTls) {
      Status prepared = internal::PrepareClientSsl(tls_stream().native_handle(), url.host,
                                                   connect_->options.tls.verify_peer);
      if (!prepared.ok()) return FailConnect(prepared.error());
      tls_stream().async_handshake(asio::ssl::stream_base::client,
                                   [self = Self()](error_code ec) { self->OnTlsHandshake(ec); });
    } else {
      StartWebSocketHandshake();
    }
  }

  void OnTlsHandshake(error_code ec) {
    if (ec) {
      std::string why;
      if constexpr (kTls) why = internal::DescribeTlsFailure(tls_stream().native_handle(), ec);
      return FailConnect(Unavailable(
          "TLS handshake with " + internal::FormatHostPort(connect_->url.host, connect_->url.port) +
          " failed: " + why));
    }
    StartWebSocketHandshake();
  }

  void StartWebSocketHandshake() {
    ws_.async_handshake(connect_->response, connect_->url.authority(), connect_->url.target,
                        [self = Self()](error_code ec) { self->OnWebSocketHandshake(ec); });
  }

  void OnWebSocketHandshake(error_code ec) {
    if (ec == websocket::error::upgrade_declined) {
      return FailConnect(Unavailable("websocket upgrade to " + connect_->options.url +
                                     " declined: HTTP " +
                                     std::to_string(connect_->response.result_int())));
    }
    if (ec) return FailConnect(internal::ErrorFromCode(ec, "websocket handshake"));
    connect_->timer.Cancel();
    auto done = std::move(connect_->done);
    connect_.reset();
    state_ = State::kOpen;
    done(WebSocketPtr(Self()));
    OnHandshakeDone();
  }

  void FailConnect(Error error) {
    if (!connect_ || !connect_->done) return;
    if (connect_->timed_out) {
      error = DeadlineExceeded("websocket connect to " + connect_->options.url +
                               ": no connection after " +
                               std::to_string(std::chrono::duration_cast<milliseconds>(
                                                  connect_->options.handshake_timeout)
                                                  .count()) +
                               " ms");
    }
    connect_->timer.Cancel();
    auto done = std::move(connect_->done);
    finished_ = true;
    state_ = State::kClosed;
    CloseSocket();
    handlers_ = Handlers();  // never delivered: no on_close
    done(std::move(error));
  }

  // --- open connection ------------------------------------------------------------------------

  void OnHandshakeDone() {
    if (finished_) return;
    state_ = State::kOpen;
    StartRead();
    StartWrite();
    MaybeSendClose();
  }

  void StartRead() {
    if (reading_ || paused_ || held_ || finished_ || failure_ || state_ != State::kOpen) return;
    reading_ = true;
    // Reads at most one byte beyond the limit, so that memory stays bounded whatever frame
    // lengths the peer announces. 0: Beast picks the read size.
    size_t limit = max_message_bytes_ == 0 ? 0 : max_message_bytes_ + 1 - read_buffer_.size();
    ws_.async_read_some(read_buffer_, limit,
                        [self = Self()](error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(error_code ec) {
    reading_ = false;
    if (ec) return HandleError(ec, "read");
    if (finished_) return;
    if (max_message_bytes_ != 0 && read_buffer_.size() > max_message_bytes_) return FailTooBig();
    if (!ws_.is_message_done()) {
      reading_ = true;  // the rest of the message, even when paused
      size_t limit = max_message_bytes_ == 0 ? 0 : max_message_bytes_ + 1 - read_buffer_.size();
      ws_.async_read_some(read_buffer_, limit,
                          [self = Self()](error_code ec, size_t) { self->OnRead(ec); });
      return;
    }
    if (paused_) {
      held_ = true;
      held_binary_ = ws_.got_binary();
      return;
    }
    Deliver(ws_.got_binary());
    StartRead();
  }

  void DeliverHeld() {
    if (paused_ || finished_ || !held_) return;
    held_ = false;
    Deliver(held_binary_);
    StartRead();
  }

  void Deliver(bool binary) {
    auto data = read_buffer_.cdata();
    std::string_view view(static_cast<const char*>(data.data()), data.size());
    in_callback_ = true;
    if (handlers_.on_message) handlers_.on_message(view, binary);
    in_callback_ = false;
    read_buffer_.consume(read_buffer_.size());
    if (read_buffer_.capacity() > kKeepReadBufferBytes) read_buffer_.shrink_to_fit();
    if (replacement_) {
      if (!finished_) handlers_ = std::move(*replacement_);
      replacement_.reset();
    }
  }

  // A server's small message, with nothing queued before it, is framed here and copied straight
  // into the batching layer: no Beast write operation and no queue entry per message (a simulator
  // sending flat out spent a fifth of its time there). Server frames are not masked, extensions
  // are off and every message is one frame, so the frame is only a header. Beast is told nothing:
  // its own writes (pong, close) append whole frames to the same buffer, so frames never mix.
  bool TrySendDirect(std::string_view data, bool binary) {
    if (!server_ || state_ != State::kOpen || writing_ || !queue_.empty() || !ws_.is_open() ||
        data.size() >= kDirectSendMaxBytes) {
      return false;
    }
    char header[4];
    size_t header_size = EncodeServerFrameHeader(binary, data.size(), header);
    return ws_.next_layer().TryAppendFrame(std::string_view(header, header_size), data);
  }

  void StartWrite() {
    if (writing_ || queue_.empty() || finished_ || state_ != State::kOpen) return;
    writing_ = true;
    ws_.next_layer().Cork();  // until the queue is empty: one socket write for many messages
    const Outgoing& message = queue_.front();
    ws_.binary(message.binary);
    ws_.async_write(asio::buffer(message.data),
                    [self = Self()](error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(error_code ec) {
    writing_ = false;
    queued_bytes_ -= queue_.front().data.size();
    queue_.pop_front();
    if (finished_) return;
    if (ec) {
      if (reading_) {
        // The pending read will end too, and knows best how (a close frame, a reset, ...).
        write_failed_ = true;
        sends_dropped_ += queue_.size();
        queue_.clear();
        queued_bytes_ = 0;
        return;
      }
      return HandleError(ec, "write");
    }
    if (queue_.empty()) ws_.next_layer().Uncork();
    StartWrite();
    MaybeSendClose();
  }

  // The peer sent a message above max_message_bytes: close with 1009 (after the message being
  // written; the queue is dropped) and report that, whatever the peer answers.
  void FailTooBig() {
    failure_ = CloseInfo{.code = 1009, .reason = "", .clean = false, .error = "message too big"};
    read_buffer_.clear();
    read_buffer_.shrink_to_fit();
    size_t keep = writing_ ? 1 : 0;
    sends_dropped_ += queue_.size() - keep;
    queue_.resize(keep);
    queued_bytes_ = keep ? queue_.front().data.size() : 0;
    close_requested_ = true;
    close_reason_ = websocket::close_reason(websocket::close_code::too_big);
    MaybeSendClose();
  }

  void MaybeSendClose() {
    if (!close_requested_ || close_sent_ || finished_ || state_ != State::kOpen || writing_ ||
        !queue_.empty()) {
      return;
    }
    close_sent_ = true;
    ws_.async_close(close_reason_, [self = Self()](error_code ec) { self->OnCloseDone(ec); });
  }

  void OnCloseDone(error_code ec) {
    if (!ec) return Finish(CleanCloseInfo());
    // With a read pending, the read completes too and reports the peer's close frame.
    if (reading_) return;
    HandleError(ec, "close");
  }

  CloseInfo CleanCloseInfo() const {
    const websocket::close_reason& reason = ws_.reason();
    CloseInfo info;
    info.clean = true;
    info.code = reason.code == websocket::close_code::none ? 1005 : reason.code;
    info.reason = std::string(reason.reason.data(), reason.reason.size());
    return info;
  }

  void HandleError(error_code ec, std::string_view what) {
    if (ec == websocket::error::closed) return Finish(CleanCloseInfo());
    CloseInfo info;
    info.code = 1006;
    if (dropped_) {
      info.error = "dropped";
    } else if (ec == websocket::error::message_too_big) {
      info.code = 1009;
      info.error = "message too big";
    } else if (ec == websocket::error::bad_frame_payload) {
      info.code = 1007;
      info.error = "invalid UTF-8 in a text message";
    } else if (&ec.category() == &WebSocketCategory()) {
      info.code = 1002;
      info.error = std::string(what) + ": " + ec.message();
    } else {
      info.error = std::string(what) + ": " + ec.message();
    }
    Finish(std::move(info));
  }

  // The end: closes the socket, then on_close once, then lets the handlers go.
  void Finish(CloseInfo info) {
    if (finished_) return;
    if (failure_) info = std::move(*failure_);
    finished_ = true;
    state_ = State::kClosed;
    CloseSocket();
    // A message being written stays until its write completes (the write references it).
    size_t keep = writing_ ? 1 : 0;
    sends_dropped_ += queue_.size() - keep;
    queue_.resize(keep);
    queued_bytes_ = keep ? queue_.front().data.size() : 0;
    Handlers handlers = std::move(handlers_);
    handlers_ = Handlers();
    replacement_.reset();
    if (handlers.on_close) handlers.on_close(info);
  }

  Ws ws_;
  Handlers handlers_;
  std::optional<Handlers> replacement_;  // set by SetHandlers inside on_message
  bool in_callback_ = false;
  beast::flat_buffer read_buffer_;
  // Larger messages go through Beast, which writes them to an idle socket without a copy.
  static constexpr size_t kDirectSendMaxBytes = 16 << 10;
  static_assert(kDirectSendMaxBytes <= 0xFFFF, "direct frames have a 16-bit length");

  size_t max_message_bytes_ = 0;  // 0: no limit
  bool server_ = false;
  std::optional<CloseInfo> failure_;  // we failed the connection: what on_close reports
  std::deque<Outgoing> queue_;        // front: being written
  size_t queued_bytes_ = 0;
  uint64_t sends_dropped_ = 0;
  State state_ = State::kHandshaking;
  bool reading_ = false;
  bool writing_ = false;
  bool write_failed_ = false;
  bool paused_ = false;
  bool held_ = false;  // a message read while paused waits in read_buffer_
  bool held_binary_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
  bool dropped_ = false;
  bool finished_ = false;  // on_close has been called (or the connect failed)
  websocket::close_reason close_reason_;
  std::unique_ptr<Connect> connect_;                 // client, until the handshake is done
  std::shared_ptr<asio::ssl::context> tls_context_;  // client: outlives the stream
};

// Client TLS contexts, one per (CA file, verify) and reactor thread: loading the system CAs takes
// milliseconds, too long to repeat for every connection.
Result<std::shared_ptr<asio::ssl::context>> ClientTlsContext(const TlsClientOptions& options) {
  thread_local std::map<std::pair<std::string, bool>, std::shared_ptr<asio::ssl::context>> cache;
  auto key = std::make_pair(options.ca_file, options.verify_peer);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  PYLON_ASSIGN_OR_RETURN(internal::SslCtxPtr native, internal::NewClientTlsContext(options));
  auto context = std::make_shared<asio::ssl::context>(native.release());
  cache.emplace(std::move(key), context);
  return context;
}

}  // namespace

void ConnectWebSocket(Reactor& reactor, WebSocketClientOptions options,
                      WebSocket::Handlers handlers,
                      UniqueFunction<void(Result<WebSocketPtr>)> done) {
  asio::post(
      reactor.io_context(), [&reactor, options = std::move(options), handlers = std::move(handlers),
                             done = std::move(done)]() mutable {
        Result<Url> url = ParseUrl(options.url);
        if (!url.ok()) return done(url.error());
        if (!url->websocket())
          return done(InvalidArgument("not a ws:// or wss:// URL: " + options.url));
        if (url->tls()) {
          auto context = ClientTlsContext(options.tls);
          if (!context.ok()) return done(context.error());
          auto socket = std::make_shared<WebSocketImpl<TlsStream>>(reactor, "", std::move(handlers),
                                                                   reactor.io_context(), **context);
          socket->StartConnect(std::move(*url), std::move(options), *context, std::move(done));
        } else {
          auto socket = std::make_shared<WebSocketImpl<PlainStream>>(
              reactor, "", std::move(handlers), reactor.io_context());
          socket->StartConnect(std::move(*url), std::move(options), nullptr, std::move(done));
        }
      });
}

namespace internal {

template <typename Stream, typename Request>
WebSocketPtr AcceptWebSocket(Reactor& reactor, Stream stream, const Request& request,
                             const ServerWebSocketOptions& options, WebSocket::Handlers handlers) {
  auto socket = std::make_shared<WebSocketImpl<Stream>>(reactor, options.peer, std::move(handlers),
                                                        std::move(stream));
  socket->StartAccept(request, options);
  return socket;
}

// The instantiations http_server.cc links against (see websocket_internal.h).
using UpgradeRequest = http::request<http::string_body>;
template WebSocketPtr AcceptWebSocket<PlainStream, UpgradeRequest>(Reactor&, PlainStream,
                                                                   const UpgradeRequest&,
                                                                   const ServerWebSocketOptions&,
                                                                   WebSocket::Handlers);
template WebSocketPtr AcceptWebSocket<TlsStream, UpgradeRequest>(Reactor&, TlsStream,
                                                                 const UpgradeRequest&,
                                                                 const ServerWebSocketOptions&,
                                                                 WebSocket::Handlers);

}  // namespace internal
}  // namespace pylon::net
