// Copyright 2026 The Pylon Gateway Authors.
// Fuzz target of the simulated gateway's frame handling: the input is a sequence of client
// payloads (separated by a line "\n--\n"), fed in order to one connection of a GatewayServer over
// a small world. Whatever a client sends, the simulator must answer as Discord would (frames or a
// close code) and never crash, leak or read out of bounds.
//
// Built two ways (src/sim/CMakeLists.txt):
// - sim_gateway_fuzz: a libFuzzer binary (clang only).
// - sim_gateway_corpus_test: a unit test running every file of testdata/gateway_corpus through
//   LLVMFuzzerTestOneInput (under ASan+UBSan in the asan build).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_server.h"
#include "net/websocket.h"
#include "sim/gateway.h"
#include "sim/world.h"

namespace pylon::sim {
namespace {

// A websocket that records what the server sends and defers its close to the harness, as the
// real one reports a close later, never inside Close().
class FakeWebSocket final : public net::WebSocket {
 public:
  explicit FakeWebSocket(Reactor& reactor) : WebSocket(reactor, "127.0.0.1:1") {}
  void Send(std::string_view data, bool) override {
    if (!closed_) sent_bytes_ += data.size();
  }
  void Close(uint16_t code, std::string_view) override {
    if (!closed_) close_code_ = code;
    closed_ = true;
  }
  void Drop() override {
    if (!closed_) close_code_ = 1006;
    closed_ = true;
  }
  void PauseReading() override {}
  void ResumeReading() override {}
  void SetHandlers(Handlers handlers) override { handlers_ = std::move(handlers); }
  size_t queued_bytes() const override { return 0; }
  uint64_t sends_dropped() const override { return 0; }
  bool is_open() const override { return !closed_; }

  // What the connection's reactor would do next: deliver a message, or report the close.
  void Deliver(std::string_view payload) {
    if (!closed_ && handlers_.on_message) handlers_.on_message(payload, false);
  }
  void FinishClose() {
    if (closed_ && handlers_.on_close) {
      net::CloseInfo info;
      info.code = close_code_;
      info.clean = close_code_ != 1006;
      auto on_close = std::move(handlers_.on_close);
      handlers_ = {};
      on_close(info);
    }
  }
  bool closed() const { return closed_; }

 private:
  Handlers handlers_;
  bool closed_ = false;
  uint16_t close_code_ = 0;
  uint64_t sent_bytes_ = 0;
};

class FakeUpgrade final : public net::UpgradeDecision::Pending {
 public:
  explicit FakeUpgrade(std::shared_ptr<FakeWebSocket> socket) : socket_(std::move(socket)) {}
  net::WebSocketPtr Accept(net::WebSocket::Handlers handlers) override {
    socket_->SetHandlers(std::move(handlers));
    return socket_;
  }
  void Reject(net::HttpResponse) override {}

 private:
  std::shared_ptr<FakeWebSocket> socket_;
};

struct Harness {
  Harness() {
    WorldConfig config;
    config.seed = 3;
    config.bots = 1;
    config.guilds = 3;
    config.members = 60;
    config.max_guild_members = 40;
    world = std::make_unique<World>(config, clock);
  }
  ManualClock clock;
  Reactor reactor{0, "fuzz"};  // never started: timers are armed, never fire
  std::unique_ptr<World> world;
};

Harness& Shared() {
  static Harness* harness = new Harness();
  return *harness;
}

}  // namespace
}  // namespace pylon::sim

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pylon::sim;
  Harness& h = Shared();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // "$TOKEN" stands for the world's bot token, so that the corpus can identify for real.
  const std::string token = h.world->bots()[0].token.reveal();
  std::vector<std::string> payloads;
  while (true) {
    size_t split = input.find("\n--\n");
    std::string payload(input.substr(0, split));
    for (size_t at; (at = payload.find("$TOKEN")) != std::string::npos;) {
      payload.replace(at, 6, token);
    }
    payloads.push_back(std::move(payload));
    if (split == std::string_view::npos) break;
    input.remove_prefix(split + 4);
  }
  // The first payload may carry a query string ("?v=10&compress=zstd-stream") when it starts
  // with '?'.
  std::string target = "/?v=10&encoding=json";
  if (!payloads.empty() && payloads.front().starts_with("?")) {
    target = "/" + payloads.front();
    payloads.erase(payloads.begin());
  }
  pylon::sim::GatewayOptions options;
  options.identify_interval = std::chrono::seconds(0);
  auto gateway = std::make_unique<GatewayServer>(h.reactor, *h.world, h.clock, options);
  gateway->SetUrls("ws://127.0.0.1:1", "ws://127.0.0.1:1/resume");
  auto socket = std::make_shared<FakeWebSocket>(h.reactor);
  pylon::net::HttpRequest request;
  request.target = target;
  gateway->HandleUpgrade(request,
                         pylon::net::UpgradeDecision(std::make_shared<FakeUpgrade>(socket)));
  for (const std::string& payload : payloads) {
    socket->Deliver(payload);
    if (socket->closed()) break;
  }
  socket->FinishClose();
  gateway.reset();
  h.world->set_sink(nullptr);
  return 0;
}

#ifdef PYLON_FUZZ_CORPUS_TEST

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pylon::sim {
namespace {

TEST(SimGatewayCorpusTest, EveryCorpusInputIsHandled) {
  const char* source = std::getenv("PYLON_SOURCE_DIR");
  std::filesystem::path dir =
      std::filesystem::path(source ? source : ".") / "src/sim/testdata/gateway_corpus";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    std::string input = bytes.str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    // Every prefix too: truncated frames at every boundary.
    for (size_t cut = 1; cut < input.size(); cut += std::max<size_t>(1, input.size() / 16)) {
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), cut);
    }
    ++files;
  }
  EXPECT_GE(files, 20u);
}

}  // namespace
}  // namespace pylon::sim

#endif
