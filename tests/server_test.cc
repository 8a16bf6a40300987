// Copyright 2026 The Pylon Gateway Authors.
// `pylon serve` as a user runs it: the real binaries (pylon, pylon-discord-sim, pylonctl) on
// loopback ports they pick. Config errors, persistence across a restart, SIGTERM, /healthz and
// /metrics, and a corrupted data directory (a clear error, nothing overwritten).

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "net/test_util.h"
#include "serve_fixture.h"

namespace pylon {
namespace {

using net::testing::RawConnection;
using testing::ChildProcess;
using testing::ReadFile;
using testing::RunProgram;
using testing::WriteFile;

// Every regular file under `dir` with its bytes.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[entry.path().string()] = ReadFile(entry.path().string());
  }
  return files;
}

// `headers`: extra header lines, each ending in \r\n.
std::string HttpGet(const std::string& host_port, const std::string& path, bool* ok,
                    const std::string& headers = "") {
  auto port = static_cast<uint16_t>(std::stoi(host_port.substr(host_port.rfind(':') + 1)));
  RawConnection connection(port);
  *ok = connection.connected() &&
        connection.Write("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers +
                         "\r\n");
  bool closed = false;
  return *ok ? connection.ReadUntilClosed(std::chrono::seconds(10), &closed) : "";
}

using ServerTest = testing::ServeFixture;

TEST_F(ServerTest, ConfigErrorsNameTheKeyAndLine) {
  WriteFile(dir_.path() + "/bad.yaml", "grpc:\n  listen: 127.0.0.1:0\n  listn: 1\n");
  auto unknown =
      RunProgram({PYLON_PATH, "serve", "--config", dir_.path() + "/bad.yaml"}, dir_.path());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("bad.yaml:3"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("grpc.listn"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("did you mean 'grpc.listen'"), std::string::npos) << unknown.err;

  WriteFile(dir_.path() + "/bad.yaml", "dispatch:\n  heartbeat_interval: soon\n");
  auto bad_value =
      RunProgram({PYLON_PATH, "serve", "--config", dir_.path() + "/bad.yaml"}, dir_.path());
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_NE(bad_value.err.find("dispatch.heartbeat_interval"), std::string::npos) << bad_value.err;
  EXPECT_NE(bad_value.err.find(":2"), std::string::npos) << bad_value.err;

  auto bad_address = RunProgram(
      {PYLON_PATH, "serve", "--data-dir", data_dir(), "--set", "grpc.listen=nohost"}, dir_.path());
  EXPECT_NE(bad_address.exit_code, 0);
  EXPECT_NE(bad_address.err.find("grpc.listen"), std::string::npos) << bad_address.err;

  auto unbounded_log = RunProgram(
      {PYLON_PATH, "serve", "--data-dir", data_dir(), "--set", "gateway.event_log_max_mib=0"},
      dir_.path());
  EXPECT_NE(unbounded_log.exit_code, 0);
  EXPECT_NE(unbounded_log.err.find("gateway.event_log_max_mib"), std::string::npos)
      << unbounded_log.err;
  // Nothing was created for a config that never got as far as starting.
  EXPECT_FALSE(std::filesystem::exists(data_dir() + "/store"));
}

TEST_F(ServerTest, PersistsAcrossRestartsServesHealthAndStopsOnSigterm) {
  ASSERT_NO_FATAL_FAILURE(StartSimulator(/*events_per_second=*/20));
  std::string grpc, http;
  auto server = StartServer(&grpc, &http);
  ASSERT_TRUE(server);

  const auto [bot_id, bot_token, bot_token_file] = FirstSimBot();
  ASSERT_FALSE(bot_token.empty());

  auto wrong = dir_.path() + "/wrong-token";
  WriteFile(wrong, "Nzk.not.a-token");
  ::chmod(wrong.c_str(), 0600);
  auto rejected = Ctl(grpc, {"bot", "add", "--token-file", wrong});
  EXPECT_NE(rejected.exit_code, 0) << rejected.out;
  EXPECT_EQ(rejected.out.find("Nzk.not.a-token"), std::string::npos);
  EXPECT_EQ(rejected.err.find("Nzk.not.a-token"), std::string::npos);

  auto added = Ctl(grpc, {"bot", "add", "--token-file", bot_token_file});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out.find(bot_token), std::string::npos) << "the token was echoed";
  ASSERT_EQ(Ctl(grpc, {"group", "create", "persisted"}).exit_code, 0);

  bool ok = false;
  auto health = HttpGet(http, "/healthz", &ok);
  EXPECT_TRUE(ok);
  EXPECT_NE(health.find(" 200 "), std::string::npos) << health;
  EXPECT_TRUE(net::testing::WaitUntil([&] {
    auto metrics = HttpGet(http, "/metrics", &ok);
    return metrics.find("pylon_") != std::string::npos;
  }));

  // REST through the Discord-compatible endpoint shows on /metrics, per bot and route.
  const std::string auth = "Authorization: Bot " + bot_token + "\r\n";
  auto me = HttpGet(http, "/api/v10/users/@me", &ok, auth);
  EXPECT_NE(me.find(" 200 "), std::string::npos) << me;
  auto missing = HttpGet(http, "/api/v10/channels/1", &ok, auth);
  EXPECT_NE(missing.find(" 404 "), std::string::npos) << missing;
  auto metrics = HttpGet(http, "/metrics", &ok);
  const std::string me_labels = "{bot=\"" + bot_id + "\",route=\"GET /users/@me\"";
  EXPECT_NE(metrics.find("pylon_rest_requests_total" + me_labels + ",outcome=\"2xx\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("pylon_rest_requests_total{bot=\"" + bot_id +
                         "\",route=\"GET /channels/:id\",outcome=\"4xx\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("pylon_rest_discord_latency_seconds_count" + me_labels + "} 1\n"),
            std::string::npos);
  EXPECT_NE(
      metrics.find("pylon_rest_discord_latency_seconds_bucket" + me_labels + ",le=\"+Inf\"} 1\n"),
      std::string::npos);
  EXPECT_NE(metrics.find("pylon_rest_queue_wait_seconds_count" + me_labels + "} 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("pylon_rest_invalid_request_limit{bot=\"" + bot_id + "\"} 8000\n"),
            std::string::npos);
  // The shard's log holds READY and the GUILD_CREATEs: their bytes show on /metrics.
  const std::string log_bytes = "pylon_shard_event_log_bytes{bot=\"" + bot_id + "\",shard=\"0\"} ";
  EXPECT_TRUE(net::testing::WaitUntil([&] {
    auto text = HttpGet(http, "/metrics", &ok);
    size_t at = text.find(log_bytes);
    return at != std::string::npos && std::atof(text.c_str() + at + log_bytes.size()) > 1000;
  })) << HttpGet(http, "/metrics", &ok);

  server->Signal(SIGTERM);
  auto code = server->Wait(std::chrono::seconds(30));
  ASSERT_TRUE(code) << "pylon serve did not stop on SIGTERM";
  EXPECT_EQ(*code, 0) << server->Stderr();
  EXPECT_EQ(server->Stderr().find(bot_token), std::string::npos) << "the token was logged";

  server = StartServer(&grpc, &http);
  ASSERT_TRUE(server);
  auto bot_list = Ctl(grpc, {"bot", "list", "--json"});
  ASSERT_EQ(bot_list.exit_code, 0) << bot_list.err;
  EXPECT_NE(bot_list.out.find(bot_id), std::string::npos) << bot_list.out;
  auto groups = Ctl(grpc, {"group", "list", "--json"});
  EXPECT_NE(groups.out.find("persisted"), std::string::npos) << groups.out;
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(std::chrono::seconds(30)), std::optional<int>(0));
}

TEST_F(ServerTest, CorruptedDataDirectoryIsAClearErrorAndNothingIsOverwritten) {
  std::string grpc, http;
  {
    auto server = StartServer(&grpc, &http);
    ASSERT_TRUE(server);
    ASSERT_EQ(Ctl(grpc, {"group", "create", "before-corruption"}).exit_code, 0);
    server->Signal(SIGTERM);
    ASSERT_EQ(server->Wait(std::chrono::seconds(30)), std::optional<int>(0));
  }
  // Flip a byte in the middle of every store file.
  int corrupted = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir() + "/store")) {
    if (!entry.is_regular_file() || entry.file_size() < 16) continue;
    std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(entry.file_size() / 2));
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x5a);
    file.seekp(static_cast<std::streamoff>(entry.file_size() / 2));
    file.write(&byte, 1);
    ++corrupted;
  }
  ASSERT_GT(corrupted, 0);
  auto before = Snapshot(data_dir());

  ChildProcess server("pylon-corrupt", ServeArgs(), dir_.path());
  auto code = server.Wait(std::chrono::seconds(30));
  ASSERT_TRUE(code) << "pylon serve kept running on a corrupted store";
  EXPECT_NE(*code, 0);
  EXPECT_EQ(server.Stdout().find("LISTENING"), std::string::npos);
  EXPECT_NE(server.Stderr().find("store"), std::string::npos) << server.Stderr();
  EXPECT_NE(server.Stderr().find("checksum"), std::string::npos) << server.Stderr();
  EXPECT_EQ(Snapshot(data_dir()), before) << "a file in the data directory changed";
}

}  // namespace
}  // namespace pylon
