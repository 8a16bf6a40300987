// Copyright 2026 The Pylon Gateway Authors.
// HttpClient errors that need no server (the request paths are in http_server_test.cc).

#include "net/http_client.h"

#include <gtest/gtest.h>

#include "net/test_util.h"
#include "runtime/reactor.h"

namespace pylon::net {
namespace {

Result<HttpResponse> FetchWith(Reactor& reactor, HttpClientOptions options) {
  testing::Mailbox<Result<HttpResponse>> done;
  std::unique_ptr<HttpClient> client;
  bool called_inline = false;
  CallBlocking(reactor, [&] {
    client = std::make_unique<HttpClient>(reactor, std::move(options));
    client->Send(HttpRequest{}, [&done](Result<HttpResponse> r) { done.Push(std::move(r)); });
    called_inline = done.size() > 0;
  });
  EXPECT_FALSE(called_inline);
  auto result = done.Pop();
  CallBlocking(reactor, [&] { client.reset(); });
  return result ? std::move(*result) : Result<HttpResponse>(Internal("no answer"));
}

TEST(HttpClientTest, BadBaseUrlFailsEveryRequest) {
  Reactor reactor(0, "client-test");
  reactor.Start();
  HttpClientOptions options;
  options.base_url = "ws://127.0.0.1:1";
  auto result = FetchWith(reactor, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);

  options.base_url = "not a url";
  result = FetchWith(reactor, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  reactor.Stop();
}

TEST(HttpClientTest, UnreadableCaFileFailsEveryRequest) {
  Reactor reactor(0, "client-test");
  reactor.Start();
  HttpClientOptions options;
  options.base_url = "https://127.0.0.1:1";
  options.tls.ca_file = "/nonexistent/ca.pem";
  auto result = FetchWith(reactor, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(result.error().message().find("/nonexistent/ca.pem"), std::string::npos);
  reactor.Stop();
}

}  // namespace
}  // namespace pylon::net
