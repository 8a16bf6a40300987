// Copyright 2026 The Pylon Gateway Authors.

#include "net/tls.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "net/http_server.h"
#include "net/test_util.h"

namespace pylon::net {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TlsTest, WritesSelfSignedCertificateAndPrivateKey) {
  testing::TempDir dir;
  auto cert = WriteSelfSignedCertificate(dir.path(), 2);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  EXPECT_EQ(cert->cert_file, dir.path() + "/cert.pem");
  EXPECT_NE(ReadFile(cert->cert_file).find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_NE(ReadFile(cert->key_file).find("PRIVATE KEY-----"), std::string::npos);
  struct stat info {};
  ASSERT_EQ(stat(cert->key_file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(TlsTest, FailsForMissingDirectory) {
  auto cert = WriteSelfSignedCertificate("/nonexistent-pylon-dir");
  EXPECT_FALSE(cert.ok());
}

TEST(TlsTest, ServerRejectsMissingOrMismatchedFiles) {
  Reactor reactor(0, "tls-test");
  testing::TempDir dir_a;
  testing::TempDir dir_b;
  auto a = WriteSelfSignedCertificate(dir_a.path());
  auto b = WriteSelfSignedCertificate(dir_b.path());
  ASSERT_TRUE(a.ok() && b.ok());
  auto handler = [](HttpRequest, UniqueFunction<void(HttpResponse)> respond) { respond({}); };

  HttpServerOptions missing;
  missing.reactors = {&reactor};
  missing.tls = TlsServerFiles{dir_a.path() + "/nope.pem", a->key_file};
  auto server = HttpServer::Start(missing, handler);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.error().message().find("nope.pem"), std::string::npos);

  HttpServerOptions mismatched;
  mismatched.reactors = {&reactor};
  mismatched.tls = TlsServerFiles{a->cert_file, b->key_file};
  server = HttpServer::Start(mismatched, handler);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.error().message().find(b->key_file), std::string::npos)
      << server.error().message();
}

}  // namespace
}  // namespace pylon::net
