// Copyright 2026 The Pylon Gateway Authors.
// Helpers shared by the .cc files of net/: error mapping and OpenSSL set-up. Internal to net/.
// Like every net/ header it includes neither Asio nor Beast: it forward-declares the few types it
// names (boost::system::error_code, OpenSSL's SSL and SSL_CTX).

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/tls.h"

namespace boost::system {
class error_code;
}  // namespace boost::system

struct ssl_st;      // OpenSSL's SSL
struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace pylon::net::internal {

// An Error for a failed socket operation: "<what>: <system message>". ECANCELED -> CANCELLED,
// ETIMEDOUT -> DEADLINE_EXCEEDED, anything else -> UNAVAILABLE.
Error ErrorFromCode(const boost::system::error_code& ec, std::string_view what);

struct SslCtxDeleter {
  void operator()(ssl_ctx_st* ctx) const;
};
using SslCtxPtr = std::unique_ptr<ssl_ctx_st, SslCtxDeleter>;

// A server context with the certificate chain and key of `files` (checked to match), TLS >= 1.2.
Result<SslCtxPtr> NewServerTlsContext(const TlsServerFiles& files);

// A client context trusting the system CAs plus `options.ca_file`, TLS >= 1.2; verifies the peer
// when `options.verify_peer`.
Result<SslCtxPtr> NewClientTlsContext(const TlsClientOptions& options);

// Prepares a client connection's SSL before the handshake: SNI for a DNS host name, and the name
// (or IP address) the certificate must carry when `verify_peer`.
Status PrepareClientSsl(ssl_st* ssl, const std::string& host, bool verify_peer);

// Why a TLS handshake failed: the error's message, plus the certificate verification result when
// that is what failed ("certificate verify failed: self-signed certificate").
std::string DescribeTlsFailure(ssl_st* ssl, const boost::system::error_code& ec);

// "ip:port", or "[ip]:port" for IPv6.
std::string FormatHostPort(const std::string& address, uint16_t port);

// The text of OpenSSL's error queue (emptied), for messages.
std::string DrainOpenSslErrors();

}  // namespace pylon::net::internal
