// Copyright 2026 The Pylon Gateway Authors.
// The HTTP/1.1 client on Boost.Beast: a pool of ClientConnection<Stream> (tcp::socket or
// beast::ssl_stream<tcp::socket>), each running one request at a time.

#include "net/http_client.h"

#include <algorithm>
#include <cassert>
#include <deque>
#include <optional>
#include <type_traits>
#include <utility>  // before Asio, see runtime/asio.h
#include <vector>

#include "runtime/asio.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "net/net_internal.h"

namespace pylon::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

using PlainStream = tcp::socket;
using TlsStream = beast::ssl_stream<tcp::socket>;

constexpr uint32_t kMaxResponseHeaderBytes = 64 << 10;

// A request and its callback, queued in the pool or run by a connection.
struct Job {
  HttpRequest request;
  UniqueFunction<void(Result<HttpResponse>)> done;
  bool retried = false;
};

bool HasLineBreak(std::string_view text) { return text.find_first_of("\r\n") != text.npos; }

// What the pool needs of a connection, whatever its stream type.
class ClientConnectionBase {
 public:
  virtual ~ClientConnectionBase() = default;
  // Runs `job` on this connection (which must be idle or new).
  virtual void Run(Job job) = 0;
  // Closes the connection; the current job's callback is destroyed without being called.
  virtual void Abort() = 0;
  bool idle() const { return idle_; }

 protected:
  bool idle_ = false;
};

}  // namespace

// Lives on the client's reactor; shared with the connections, which hold it weakly.
struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  Impl(Reactor& reactor_in, HttpClientOptions options_in)
      : reactor(reactor_in), options(std::move(options_in)) {
    if (options.max_connections == 0) options.max_connections = 1;
    Result<Url> parsed = ParseUrl(options.base_url);
    if (!parsed.ok()) {
      init_error = parsed.error();
      return;
    }
    if (parsed->websocket()) {
      init_error = InvalidArgument("HttpClient: base_url must be http:// or https://, got '" +
                                   options.base_url + "'");
      return;
    }
    url = std::move(*parsed);
    if (url.tls()) {
      Result<internal::SslCtxPtr> native = internal::NewClientTlsContext(options.tls);
      if (!native.ok()) {
        init_error = native.error();
        return;
      }
      tls = std::make_shared<boost::asio::ssl::context>(native->release());
    }
  }

  void Send(Job job);
  void Dispatch();
  // A connection finished its job. Not `reusable`: it closed, and leaves the pool. `retry`: a job
  // to run again before the queued ones.
  void Finished(ClientConnectionBase* connection, bool reusable, std::optional<Job> retry);
  void Shutdown();
  std::shared_ptr<ClientConnectionBase> NewConnection();

  Reactor& reactor;
  HttpClientOptions options;
  Url url;
  std::optional<Error> init_error;
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::vector<std::shared_ptr<ClientConnectionBase>> connections;
  std::deque<Job> queue;
  bool shut_down = false;
};

namespace {

// One connection of the pool, over Stream. Owns its socket, its deadline timer and the job it is
// running. Lives on the client's reactor; kept alive by the pool and by its pending operations.
template <typename Stream>
class ClientConnection final : public ClientConnectionBase,
                               public std::enable_shared_from_this<ClientConnection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;

  template <typename... StreamArgs>
  ClientConnection(const std::shared_ptr<HttpClient::Impl>& pool, StreamArgs&&... stream_args)
      : pool_(pool),
        url_(pool->url),
        timeout_(pool->options.timeout),
        max_body_bytes_(pool->options.max_body_bytes),
        verify_peer_(pool->options.tls.verify_peer),
        tls_(pool->tls),
        stream_(std::forward<StreamArgs>(stream_args)...),
        resolver_(stream_.get_executor()),
        deadline_(pool->reactor) {}

  void Run(Job job) override {
    idle_ = false;
    job_ = std::move(job);
    timed_out_ = false;
    deadline_.RunAfter(timeout_, [weak = this->weak_from_this()] {
      if (auto self = weak.lock()) self->OnTimeout();
    });
    if (connected_) return Write();
    Connect();
  }

  void Abort() override {
    aborted_ = true;
    job_ = Job();
    deadline_.Cancel();
    resolver_.cancel();
    CloseSocket();
  }

 private:
  std::shared_ptr<ClientConnection> Self() { return this->shared_from_this(); }
  tcp::socket& socket() { return beast::get_lowest_layer(stream_); }

  void CloseSocket() {
    connected_ = false;
    error_code ignored;
    socket().close(ignored);
  }

  std::string Origin() const { return url_.scheme + "://" + url_.authority(); }

  void OnTimeout() {
    timed_out_ = true;
    resolver_.cancel();
    CloseSocket();
  }

  void Connect() {
    error_code ec;
    asio::ip::address address = asio::ip::make_address(url_.host, ec);
    if (!ec) {
      socket().async_connect(tcp::endpoint(address, url_.port),
                             [self = Self()](error_code ec) { self->OnConnected(ec); });
      return;
    }
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            [self = Self()](error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->Fail(ec, "resolve " + self->url_.host, false);
                              asio::async_connect(self->socket(), results,
                                                  [self](error_code ec, const tcp::endpoint&) {
                                                    self->OnConnected(ec);
                                                  });
                            });
  }

  void OnConnected(error_code ec) {
    if (ec) {
      return Fail(ec, "connect to " + internal::FormatHostPort(url_.host, url_.port), false);
    }
    error_code ignored;
    socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      Status prepared =
          internal::PrepareClientSsl(stream_.native_handle(), url_.host, verify_peer_);
      if (!prepared.ok()) return FailWith(prepared.error(), false);
      stream_.async_handshake(asio::ssl::stream_base::client, [self = Self()](error_code ec) {
        if (ec) {
          return self->FailWith(
              Unavailable("TLS handshake with " +
                          internal::FormatHostPort(self->url_.host, self->url_.port) + " failed: " +
                          internal::DescribeTlsFailure(self->stream_.native_handle(), ec)),
              false);
        }
        self->connected_ = true;
        self->Write();
      });
    } else {
      connected_ = true;
      Write();
    }
  }

  void Write() {
    const HttpRequest& in = job_.request;
    request_ = {};
    http::verb verb = http::string_to_verb(in.method);
    if (verb == http::verb::unknown) {
      request_.method_string(in.method);
    } else {
      request_.method(verb);
    }
    request_.target(in.target.empty() ? "/" : in.target);
    request_.version(11);
    bool keep_alive = true;
    for (const auto& header : in.headers) {
      if (header.name.empty() || HasLineBreak(header.name) || HasLineBreak(header.value) ||
          EqualsIgnoreCase(header.name, "Content-Length") ||
          EqualsIgnoreCase(header.name, "Transfer-Encoding")) {
        continue;  // the client frames the body itself
      }
      if (EqualsIgnoreCase(header.name, "Connection")) {
        if (EqualsIgnoreCase(header.value, "close")) keep_alive = false;
        continue;
      }
      request_.insert(header.name, header.value);
    }
    if (request_.find(http::field::host) == request_.end()) {
      request_.set(http::field::host, url_.authority());
    }
    request_.keep_alive(keep_alive);
    request_.body() = std::move(job_.request.body);  // given back if the job is retried
    body_moved_ = true;
    request_.prepare_payload();
    http::async_write(stream_, request_, [self = Self()](error_code ec, size_t) {
      if (ec) return self->Fail(ec, "send request", true);
      self->Read();
    });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(max_body_bytes_);
    parser_->header_limit(kMaxResponseHeaderBytes);
    if (job_.request.method == "HEAD") parser_->skip(true);
    // The header first: Beast 1.74's response parser ignores body_limit when the response has a
    // Content-Length (it checks it only for chunked and read-to-end bodies), so we check that here.
    http::async_read_header(stream_, buffer_, *parser_, [self = Self()](error_code ec, size_t) {
      if (ec) return self->OnRead(ec);
      auto length = self->parser_->content_length();
      if (length && *length > self->max_body_bytes_) return self->OnRead(http::error::body_limit);
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](error_code ec, size_t) { self->OnRead(ec); });
    });
  }

  void OnRead(error_code ec) {
    if (ec) return Fail(ec, "read response", !parser_->got_some());
    deadline_.Cancel();
    http::response<http::string_body> message = parser_->release();
    parser_.reset();
    body_moved_ = false;
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.push_back(
          Header{std::string(field.name_string()), std::string(field.value())});
    }
    response.body = std::move(message.body());
    bool reusable = message.keep_alive() && !aborted_ && connected_;
    ++served_;
    if (!reusable) CloseSocket();
    idle_ = reusable;
    Job job = std::move(job_);
    job_ = Job();
    if (auto pool = pool_.lock()) pool->Finished(this, reusable, std::nullopt);
    if (job.done) job.done(std::move(response));
  }

  void Fail(error_code ec, const std::string& what, bool before_response) {
    Error error = internal::ErrorFromCode(
        ec, "HTTP " + job_.request.method + " " + Origin() + job_.request.target + ": " + what);
    if (ec == http::error::body_limit) {
      error =
          ResourceExhausted("HTTP " + job_.request.method + " " + Origin() + job_.request.target +
                            ": response body above " + std::to_string(max_body_bytes_) + " bytes");
    }
    FailWith(std::move(error), before_response);
  }

  // Closes the connection and ends the job: retried once if this connection had served requests
  // before and the server sent nothing (it had closed the idle connection); else `error`.
  void FailWith(Error error, bool before_response) {
    deadline_.Cancel();
    CloseSocket();
    idle_ = false;
    if (!job_.done) return;  // aborted
    if (body_moved_) {
      job_.request.body = std::move(request_.body());
      body_moved_ = false;
    }
    if (timed_out_) {
      error = DeadlineExceeded(
          "HTTP " + job_.request.method + " " + Origin() + job_.request.target +
          ": no response within " +
          std::to_string(std::chrono::duration_cast<milliseconds>(timeout_).count()) + " ms");
    }
    bool retry = !timed_out_ && served_ > 0 && before_response && !job_.retried;
    Job job = std::move(job_);
    job_ = Job();
    auto pool = pool_.lock();
    if (retry && pool) {
      job.retried = true;
      pool->Finished(this, false, std::move(job));
      return;
    }
    if (pool) pool->Finished(this, false, std::nullopt);
    if (job.done) job.done(std::move(error));
  }

  std::weak_ptr<HttpClient::Impl> pool_;
  const Url url_;
  const Duration timeout_;
  const size_t max_body_bytes_;
  const bool verify_peer_;
  std::shared_ptr<asio::ssl::context> tls_;  // outlives stream_
  Stream stream_;
  tcp::resolver resolver_;
  Timer deadline_;
  beast::flat_buffer buffer_;
  Job job_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  bool connected_ = false;
  bool timed_out_ = false;
  bool aborted_ = false;
  bool body_moved_ = false;  // job_.request.body is in request_
  uint64_t served_ = 0;
};

}  // namespace

std::shared_ptr<ClientConnectionBase> HttpClient::Impl::NewConnection() {
  if (tls) {
    return std::make_shared<ClientConnection<TlsStream>>(shared_from_this(), reactor.io_context(),
                                                         *tls);
  }
  return std::make_shared<ClientConnection<PlainStream>>(shared_from_this(), reactor.io_context());
}

void HttpClient::Impl::Send(Job job) {
  if (shut_down) return;
  if (init_error) {
    asio::post(reactor.io_context(),
               [error = *init_error, done = std::move(job.done)]() mutable { done(error); });
    return;
  }
  queue.push_back(std::move(job));
  Dispatch();
}

void HttpClient::Impl::Dispatch() {
  while (!queue.empty() && !shut_down) {
    std::shared_ptr<ClientConnectionBase> connection;
    for (const auto& candidate : connections) {
      if (candidate->idle()) {
        connection = candidate;
        break;
      }
    }
    if (!connection) {
      if (connections.size() >= options.max_connections) return;
      connection = NewConnection();
      connections.push_back(connection);
    }
    Job job = std::move(queue.front());
    queue.pop_front();
    connection->Run(std::move(job));
  }
}

void HttpClient::Impl::Finished(ClientConnectionBase* connection, bool reusable,
                                std::optional<Job> retry) {
  if (shut_down) return;
  if (!reusable) {
    // `connection` stays alive meanwhile: its running handler holds it.
    std::erase_if(connections, [connection](const auto& c) { return c.get() == connection; });
  }
  if (retry) queue.push_front(std::move(*retry));
  Dispatch();
}

void HttpClient::Impl::Shutdown() {
  shut_down = true;
  queue.clear();
  for (auto& connection : connections) connection->Abort();
  connections.clear();
}

HttpClient::HttpClient(Reactor& reactor, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(reactor, std::move(options))) {}

HttpClient::~HttpClient() { impl_->Shutdown(); }

void HttpClient::Send(HttpRequest request, UniqueFunction<void(Result<HttpResponse>)> done) {
  assert(impl_->reactor.IsCurrent());
  impl_->Send(Job{std::move(request), std::move(done), false});
}

size_t HttpClient::open_connections() const { return impl_->connections.size(); }

size_t HttpClient::queued_requests() const { return impl_->queue.size(); }

}  // namespace pylon::net
