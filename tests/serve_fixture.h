// Copyright 2026 The Pylon Gateway Authors.
// ServeFixture: the real binaries (pylon-discord-sim, pylon serve, pylonctl) as a user runs them,
// on loopback ports they pick, in a temporary directory removed afterwards. Shared by the tests
// that drive whole processes (server_test, restart_delivery_test).

#pragma once

#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child_process.h"
#include "net/test_util.h"

namespace pylon::testing {

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

// "LISTENING grpc=127.0.0.1:N http=127.0.0.1:M" -> the value of `key`.
inline std::string Field(const std::string& line, const std::string& key) {
  auto at = line.find(key + "=");
  if (at == std::string::npos) return "";
  auto end = line.find(' ', at);
  return line.substr(at + key.size() + 1,
                     end == std::string::npos ? end : end - at - key.size() - 1);
}

class ServeFixture : public ::testing::Test {
 protected:
  std::string data_dir() const { return dir_.path() + "/data"; }

  std::vector<std::string> ServeArgs(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {PYLON_PATH,   "serve",
                                     "--data-dir", data_dir(),
                                     "--set",      "grpc.listen=127.0.0.1:0",
                                     "--set",      "http.listen=127.0.0.1:0",
                                     "--set",      "shutdown.grace=2s"};
    if (!sim_url_.empty()) {
      args.push_back("--set");
      args.push_back("discord.api_base=" + sim_url_ + "/api/v10");
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // A small world (4 guilds, 300 members) dispatching `events_per_second`.
  void StartSimulator(int events_per_second) {
    sim_ = std::make_unique<ChildProcess>(
        "sim",
        std::vector<std::string>{SIM_PATH, "--tokens-file", dir_.path() + "/bots", "--set",
                                 "world.guilds=4", "--set", "world.members=300", "--set",
                                 "events.rate=" + std::to_string(events_per_second)},
        dir_.path());
    auto line = sim_->WaitForLine("LISTENING", std::chrono::seconds(30));
    ASSERT_TRUE(line) << sim_->Stderr();
    sim_url_ = line->substr(line->find(' ') + 1);
  }

  // The simulator's first bot: its id and token, and a file with the token (mode 0600) for
  // `pylonctl bot add --token-file`.
  struct SimBot {
    std::string id, token, token_file;
  };
  SimBot FirstSimBot() {
    SimBot bot;
    std::istringstream bots(ReadFile(dir_.path() + "/bots"));
    bots >> bot.id >> bot.token;
    bot.token_file = dir_.path() + "/bot-token";
    WriteFile(bot.token_file, bot.token);
    ::chmod(bot.token_file.c_str(), 0600);
    return bot;
  }

  // `pylon serve`, once it listens; `http` may be null.
  std::unique_ptr<ChildProcess> StartServer(std::string* grpc, std::string* http = nullptr) {
    auto server = std::make_unique<ChildProcess>("pylon" + std::to_string(starts_++), ServeArgs(),
                                                 dir_.path());
    auto line = server->WaitForLine("LISTENING", std::chrono::seconds(30));
    if (!line) {
      ADD_FAILURE() << "pylon serve did not start: " << server->Stderr();
      return nullptr;
    }
    *grpc = Field(*line, "grpc");
    if (http != nullptr) *http = Field(*line, "http");
    return server;
  }

  RunResult Ctl(const std::string& grpc, std::vector<std::string> args) {
    std::vector<std::string> argv = {PYLONCTL_PATH, "--server", grpc, "--admin-token-file",
                                     data_dir() + "/admin-token"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv, dir_.path());
  }

  net::testing::TempDir dir_;
  std::string sim_url_;
  std::unique_ptr<ChildProcess> sim_;
  int starts_ = 0;
};

}  // namespace pylon::testing
