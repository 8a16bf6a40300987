// Copyright 2026 The Pylon Gateway Authors.
// TLS settings shared by the servers and clients of net/, and a self-signed certificate for tests.
// Plain values and a pure function; no Asio or Beast.

#pragma once

#include <string>

#include "base/result.h"

namespace pylon::net {

// A server certificate chain and its private key, both PEM files.
struct TlsServerFiles {
  std::string cert_file;
  std::string key_file;
};

// How a client checks the server. The system's CAs are always trusted; `ca_file` (PEM, may hold
// several certificates) adds to them. With `verify_peer`, the handshake fails unless the chain is
// trusted and the certificate names the host of the URL (DNS name, or IP address for an IP URL).
struct TlsClientOptions {
  std::string ca_file;
  bool verify_peer = true;
};

// A certificate and key written by WriteSelfSignedCertificate.
struct TestCertificate {
  std::string cert_file;  // "<directory>/cert.pem"; also the CA file that trusts it
  std::string key_file;   // "<directory>/key.pem"
};

// For tests: writes a fresh self-signed certificate (ECDSA P-256, CN=localhost, SAN DNS:localhost
// and IP:127.0.0.1) valid for `valid_days`, and its key, into the existing `directory`. Uses the
// OpenSSL C API (no openssl command). Thread-safe.
Result<TestCertificate> WriteSelfSignedCertificate(const std::string& directory,
                                                   int valid_days = 30);

}  // namespace pylon::net
