// Copyright 2026 The Pylon Gateway Authors.
// pylon: the Pylon Gateway server.
//
//   pylon serve [--config pylon.yaml] [--set key=value]... [--data-dir DIR]
//   pylon serve --help-config
//
// `serve` runs every role in one process (see docs/architecture.md) and prints one line
// "LISTENING grpc=<host:port> http=<host:port>" on stdout once it serves; SIGINT or SIGTERM shut
// it down cleanly.

#include <pthread.h>
#include <signal.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "app/server.h"
#include "app/server_config.h"
#include "base/log.h"

int main(int argc, char** argv) {
  CLI::App app{"pylon: runs Discord bots' gateway connections for them"};
  app.require_subcommand(1);
  CLI::App* serve = app.add_subcommand("serve", "run every role in this process");
  std::string config_file;
  std::vector<std::string> overrides;
  std::string data_dir;
  bool help_config = false;
  serve->add_option("--config", config_file, "YAML config file");
  serve->add_option("--set", overrides, "override a config key: --set grpc.listen=0.0.0.0:4021");
  serve->add_option("--data-dir", data_dir, "same as --set data_dir=DIR");
  serve->add_flag("--help-config", help_config, "list every config key");
  CLI11_PARSE(app, argc, argv);

  const auto& schema = pylon::app::ServerConfigSchema();
  if (help_config) {
    for (const auto& [key, description] : schema.Describe()) {
      std::cout << key << "  " << description << "\n";
    }
    return 0;
  }
  pylon::app::ServerConfig config;
  pylon::Status status;
  if (!config_file.empty()) status = schema.ApplyFile(config_file, &config);
  if (status.ok()) status = schema.ApplyEnvironment("PYLON_", &config);
  for (const auto& item : overrides) {
    if (status.ok()) status = schema.ApplyOverride(item, &config);
  }
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!status.ok()) {
    std::cerr << "pylon: " << status.error().message() << "\n";
    return 2;
  }
  pylon::LogOptions log_options;
  log_options.level = *pylon::ParseLogLevel(config.log_level);
  log_options.file = config.log_file;
  if (auto s = pylon::InitLogging(log_options); !s.ok()) {
    std::cerr << "pylon: " << s.error().message() << "\n";
    return 2;
  }

  // SIGINT/SIGTERM are blocked in every thread and taken by sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = pylon::app::Server::Start(config);
  if (!server.ok()) {
    std::cerr << "pylon: " << server.error().message() << "\n";
    return 1;
  }
  std::cout << "LISTENING grpc=" << (*server)->grpc_address()
            << " http=" << (*server)->http_address() << std::endl;
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  pylon::log::Info("shutting down ({})", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown();
  return 0;
}
