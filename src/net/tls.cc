// Copyright 2026 The Pylon Gateway Authors.
// TLS with the OpenSSL C API only (no Asio here: the Beast files wrap these contexts).

#include "net/tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <boost/system/error_code.hpp>

#include "net/net_internal.h"

namespace pylon::net {
namespace internal {

std::string DrainOpenSslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!out.empty()) out += "; ";
    out += buffer;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

void SslCtxDeleter::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

namespace {

Result<SslCtxPtr> NewContext(const SSL_METHOD* method) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (!ctx) return Internal("SSL_CTX_new: " + DrainOpenSslErrors());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  return ctx;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

Result<SslCtxPtr> NewServerTlsContext(const TlsServerFiles& files) {
  PYLON_ASSIGN_OR_RETURN(SslCtxPtr ctx, NewContext(TLS_server_method()));
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), files.cert_file.c_str()) != 1) {
    return InvalidArgument("TLS certificate '" + files.cert_file + "': " + DrainOpenSslErrors());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), files.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return InvalidArgument("TLS key '" + files.key_file + "': " + DrainOpenSslErrors());
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    return InvalidArgument("TLS key '" + files.key_file + "' does not match certificate '" +
                           files.cert_file + "': " + DrainOpenSslErrors());
  }
  return ctx;
}

Result<SslCtxPtr> NewClientTlsContext(const TlsClientOptions& options) {
  PYLON_ASSIGN_OR_RETURN(SslCtxPtr ctx, NewContext(TLS_client_method()));
  if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
    ERR_clear_error();  // no system CAs: only ca_file can make a chain trusted
  }
  if (!options.ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx.get(), options.ca_file.c_str(), nullptr) != 1) {
    return InvalidArgument("TLS CA file '" + options.ca_file + "': " + DrainOpenSslErrors());
  }
  SSL_CTX_set_verify(ctx.get(), options.verify_peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  return ctx;
}

Status PrepareClientSsl(ssl_st* ssl, const std::string& host, bool verify_peer) {
  ERR_clear_error();
  if (IsIpLiteral(host)) {
    // No SNI for an address (RFC 6066 section 3); check the certificate's IP SAN instead.
    if (verify_peer && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
      return Internal("TLS: cannot verify IP '" + host + "': " + DrainOpenSslErrors());
    }
    return Ok();
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return InvalidArgument("TLS: bad SNI host name '" + host + "': " + DrainOpenSslErrors());
  }
  if (verify_peer) {
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(ssl, host.c_str()) != 1) {
      return Internal("TLS: cannot verify host '" + host + "': " + DrainOpenSslErrors());
    }
  }
  return Ok();
}

std::string DescribeTlsFailure(ssl_st* ssl, const boost::system::error_code& ec) {
  std::string out = ec.message();
  long verify = ssl != nullptr ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (verify != X509_V_OK) {
    out += std::string(": ") + X509_verify_cert_error_string(verify);
  }
  ERR_clear_error();
  return out;
}

}  // namespace internal

namespace {

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>>;

Status AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (extension == nullptr) {
    return Internal(std::string("X509 extension ") + value + ": " + internal::DrainOpenSslErrors());
  }
  int added = X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  if (added != 1) return Internal("X509_add_ext: " + internal::DrainOpenSslErrors());
  return Ok();
}

// Writes `write(file)` to `path`, created with `mode` (or truncated).
template <typename WriteFn>
Status WritePemFile(const std::string& path, mode_t mode, WriteFn write) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Unavailable("cannot create '" + path + "'");
  FILE* file = fdopen(fd, "w");
  if (file == nullptr) {
    close(fd);
    return Unavailable("cannot open '" + path + "'");
  }
  bool ok = write(file) == 1;
  ok = (fclose(file) == 0) && ok;
  if (!ok) return Unavailable("cannot write '" + path + "': " + internal::DrainOpenSslErrors());
  return Ok();
}

}  // namespace

Result<TestCertificate> WriteSelfSignedCertificate(const std::string& directory, int valid_days) {
  ERR_clear_error();
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Internal("EC key generation: " + internal::DrainOpenSslErrors());

  X509Ptr cert(X509_new());
  if (!cert) return Internal("X509_new: " + internal::DrainOpenSslErrors());
  X509_set_version(cert.get(), 2);  // v3
  BignumPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Internal("serial number: " + internal::DrainOpenSslErrors());
  }
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // tolerate clock skew
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(valid_days) * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Pylon Gateway test"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // Its own CA, so that the certificate file doubles as the CA file that trusts it.
  PYLON_RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE"));
  PYLON_RETURN_IF_ERROR(
      AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign"));
  PYLON_RETURN_IF_ERROR(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth"));
  PYLON_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_key_identifier, "hash"));
  PYLON_RETURN_IF_ERROR(
      AddExtension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Internal("X509_sign: " + internal::DrainOpenSslErrors());
  }

  TestCertificate out;
  out.cert_file = directory + "/cert.pem";
  out.key_file = directory + "/key.pem";
  PYLON_RETURN_IF_ERROR(WritePemFile(out.key_file, 0600, [&](FILE* file) {
    return PEM_write_PrivateKey(file, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }));
  PYLON_RETURN_IF_ERROR(WritePemFile(out.cert_file, 0644,
                                     [&](FILE* file) { return PEM_write_X509(file, cert.get()); }));
  return out;
}

}  // namespace pylon::net
