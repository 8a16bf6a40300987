// Copyright 2026 The Pylon Gateway Authors.

#include "app/server.h"

#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include <grpcpp/grpcpp.h>

#include "api/cache_service.h"
#include "api/callback_queue_keep_awake.h"
#include "api/control_service.h"
#include "api/gateway_service.h"
#include "api/grpc_runtime.h"
#include "api/push_dispatcher.h"
#include "api/rest_service.h"
#include "api/workergroup_service.h"
#include "app/bot_runner.h"
#include "app/local_cluster.h"
#include "app/metrics.h"
#include "base/log.h"
#include "control/control_plane.h"
#include "discord/gateway_bot.h"
#include "dispatch/dispatcher.h"
#include "gateway/checkpoint_store.h"
#include "gateway/shard_host.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "rest/compat_endpoint.h"
#include "rest/rest_proxy.h"
#include "rest/shard_cache_access.h"
#include "runtime/reactor.h"
#include "store/embedded_store.h"

namespace pylon::app {
namespace {

constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Internal("the system random generator failed");
  }
  return out;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `content` to a new file readable by its owner only.
Status WritePrivateFile(const std::string& path, std::string_view content) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write '" + temporary + "'");
    out << content;
  }
  ::chmod(temporary.c_str(), 0600);
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) return Unavailable("cannot create '" + path + "': " + error.message());
  return Ok();
}

// The admin token: PYLON_ADMIN_TOKEN, or the configured file, or a generated file in the data dir.
Result<std::pair<std::string, std::string>> LoadAdminToken(const ServerConfig& config) {
  if (const char* env = std::getenv("PYLON_ADMIN_TOKEN"); env != nullptr && *env != '\0') {
    return std::make_pair(std::string(env), std::string("environment PYLON_ADMIN_TOKEN"));
  }
  std::string path =
      config.admin_token_file.empty() ? config.data_dir + "/admin-token" : config.admin_token_file;
  if (std::filesystem::exists(path)) {
    PYLON_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
      text.pop_back();
    }
    if (text.size() < 16) {
      return InvalidArgument("key 'admin.token_file': the token in '" + path +
                             "' is shorter than 16 characters");
    }
    return std::make_pair(text, path);
  }
  if (!config.admin_token_file.empty()) {
    return NotFound("key 'admin.token_file': no such file '" + path + "'");
  }
  PYLON_ASSIGN_OR_RETURN(std::string random, RandomBytes(32));
  std::string token = "pylon_admin_";
  for (unsigned char c : random) token.push_back(kBase62[c % 62]);
  PYLON_RETURN_IF_ERROR(WritePrivateFile(path, token + "\n"));
  log::Info("generated an admin token in {}", path);
  return std::make_pair(token, path);
}

// The 32-byte key that encrypts bot tokens at rest: the configured file, or a generated one.
Result<std::string> LoadTokenKey(const ServerConfig& config) {
  std::string path =
      config.store_key_file.empty() ? config.data_dir + "/token-key" : config.store_key_file;
  if (std::filesystem::exists(path)) {
    PYLON_ASSIGN_OR_RETURN(std::string key, ReadFile(path));
    if (key.size() != 32) {
      return InvalidArgument("key 'store.key_file': '" + path +
                             "' must hold exactly 32 bytes, not " + std::to_string(key.size()));
    }
    return key;
  }
  if (!config.store_key_file.empty()) {
    return NotFound("key 'store.key_file': no such file '" + path + "'");
  }
  PYLON_ASSIGN_OR_RETURN(std::string key, RandomBytes(32));
  PYLON_RETURN_IF_ERROR(WritePrivateFile(path, key));
  return key;
}

discord::TransportCompression ToCompression(const std::string& name) {
  if (name == "zstd-stream") return discord::TransportCompression::kZstdStream;
  if (name == "none") return discord::TransportCompression::kNone;
  return discord::TransportCompression::kZlibStream;
}

}  // namespace

struct Server::Parts {
  ServerConfig config;
  const Clock* clock = nullptr;
  std::string admin_token;
  std::string admin_token_source;
  std::string grpc_address;
  std::string http_address;

  std::unique_ptr<store::EmbeddedStore> store;
  std::unique_ptr<ReactorPool> reactors;
  std::unique_ptr<Reactor> control_reactor;
  // The dispatcher's own thread: routing and stream writes start there, so it shares no thread
  // with a shard (a shard's reactor would serialize both).
  std::unique_ptr<Reactor> dispatch_reactor;
  std::unique_ptr<net::HttpClient> discord_http;  // token checks; on reactors->at(0)
  std::optional<discord::ApiBase> api_base;
  std::unique_ptr<control::ControlPlane> control;
  std::unique_ptr<gateway::FileCheckpointStore> checkpoints;
  std::unique_ptr<gateway::ShardHost> shards;
  std::unique_ptr<dispatch::Dispatcher> dispatcher;
  std::unique_ptr<api::PushDispatcher> push;  // legacy push targets: consumers of `dispatcher`
  std::unique_ptr<BotRunner> runner;
  std::unique_ptr<LocalCluster> cluster;
  std::unique_ptr<api::CacheService> cache_service;
  std::unique_ptr<api::GatewayService> gateway_service;
  std::unique_ptr<api::ControlService> control_service;
  std::unique_ptr<api::WorkerGroupService> workergroup_service;
  // The REST proxy: GatewayRest (gRPC) and Discord's own API on the HTTP port share its limiters.
  std::unique_ptr<rest::RestProxy> rest_proxy;
  std::unique_ptr<api::RestService> rest_service;
  std::unique_ptr<rest::CompatEndpoint> rest_compat;
  std::unique_ptr<grpc::Server> grpc;
  std::unique_ptr<api::CallbackQueueKeepAwake> keep_awake;  // gRPC's callback threads, see there
  std::unique_ptr<net::HttpServer> http;
  bool shut_down = false;

  Result<control::TokenCheck> CheckToken(const Secret& token);
  Status Build();
  void HandleHttp(const net::HttpRequest& request, UniqueFunction<void(net::HttpResponse)> respond);
};

Result<control::TokenCheck> Server::Parts::CheckToken(const Secret& token) {
  std::promise<Result<discord::CurrentUser>> user;
  std::promise<Result<discord::GatewayBotInfo>> gateway;
  bool posted = reactors->at(0).Post([&] {
    discord::FetchCurrentUser(*discord_http, *api_base, token, [&](Result<discord::CurrentUser> r) {
      user.set_value(std::move(r));
    });
    discord::FetchGatewayBot(
        *discord_http, *api_base, token,
        [&](Result<discord::GatewayBotInfo> r) { gateway.set_value(std::move(r)); });
  });
  if (!posted) return Unavailable("the server is shutting down");
  auto me = user.get_future().get();
  auto info = gateway.get_future().get();
  if (!me.ok()) return me.error();
  if (!info.ok()) return info.error();
  if (!me->bot) return InvalidArgument("the token belongs to a user account, not a bot");
  control::TokenCheck check;
  check.id = me->id;
  check.username = me->username;
  check.recommended_shards = info->shards;
  return check;
}

Status Server::Parts::Build() {
  std::error_code error;
  std::filesystem::create_directories(config.data_dir, error);
  if (error) {
    return Unavailable("key 'data_dir': cannot create '" + config.data_dir +
                       "': " + error.message());
  }
  PYLON_ASSIGN_OR_RETURN(auto admin, LoadAdminToken(config));
  admin_token = admin.first;
  admin_token_source = admin.second;
  RegisterSecret(admin_token);
  PYLON_ASSIGN_OR_RETURN(std::string token_key, LoadTokenKey(config));
  PYLON_ASSIGN_OR_RETURN(store, store::EmbeddedStore::Open(config.data_dir + "/store", *clock));

  reactors = std::make_unique<ReactorPool>(config.reactors, "reactor");
  reactors->Start();
  control_reactor = std::make_unique<Reactor>(0, "control");
  control_reactor->Start();
  dispatch_reactor = std::make_unique<Reactor>(0, "dispatch");
  dispatch_reactor->Start();

  PYLON_ASSIGN_OR_RETURN(api_base, discord::ApiBase::Parse(config.discord_api_base));
  net::HttpClientOptions http_options;
  http_options.base_url = api_base->origin;
  http_options.tls.ca_file = config.discord_ca_file;
  http_options.max_connections = 2;
  discord_http = std::make_unique<net::HttpClient>(reactors->at(0), std::move(http_options));

  control::ControlOptions control_options;
  control_options.token_key = token_key;
  control_options.default_max_in_flight = config.max_in_flight;
  PYLON_ASSIGN_OR_RETURN(control,
                         control::ControlPlane::Open(
                             *store, control_options,
                             [this](const Secret& token) { return CheckToken(token); }, *clock));

  PYLON_ASSIGN_OR_RETURN(checkpoints,
                         gateway::FileCheckpointStore::Open(config.data_dir + "/checkpoints"));
  gateway::HostOptions host;
  host.api_base = config.discord_api_base;
  host.compression = ToCompression(config.discord_compression);
  host.tls.ca_file = config.discord_ca_file;
  host.event_log_capacity = config.event_log_capacity;
  host.event_log_max_bytes = uint64_t{config.event_log_max_mib} << 20;
  host.checkpoint_hold = config.checkpoint_hold;
  shards = std::make_unique<gateway::ShardHost>(*reactors, *clock, host, checkpoints.get());

  dispatch::DispatchOptions dispatch_options;
  dispatch_options.heartbeat_interval = config.heartbeat_interval;
  dispatch_options.heartbeat_timeout = config.heartbeat_timeout;
  dispatch_options.reconnect_grace = config.reconnect_grace;
  dispatch_options.default_max_in_flight = config.max_in_flight;
  dispatcher =
      std::make_unique<dispatch::Dispatcher>(*dispatch_reactor, *clock, dispatch_options, *shards);
  shards->set_event_listener(
      [d = dispatcher.get()](gateway::Shard& shard, const gateway::LoggedEvent& event) {
        d->OnShardEvent(shard, event);
      });

  push = std::make_unique<api::PushDispatcher>(*dispatcher, *clock);

  runner = std::make_unique<BotRunner>(*control_reactor, *shards, *control);
  control->set_listener([this](std::shared_ptr<const control::ConfigSnapshot> snapshot) {
    dispatcher->UpdateConfig(snapshot);
    push->UpdateConfig(snapshot);  // after the dispatcher: its groups exist when targets attach
    runner->OnConfig(snapshot);
  });
  auto snapshot = control->Snapshot();
  dispatcher->UpdateConfig(snapshot);
  // The saved groups exist in the dispatcher before any shard starts: they subscribe to each shard
  // from its first event (what a RESUME replays included), not "from now" as a group created
  // later does.
  CallBlocking(*dispatch_reactor, [] {});
  push->UpdateConfig(snapshot);
  runner->OnConfig(snapshot);

  bool anonymous =
      config.anonymous == "true" || (config.anonymous == "auto" && IsLoopback(config.grpc_listen));
  auto config_source = [c = control.get()] { return c->Snapshot(); };
  api::CacheServiceOptions cache_options;
  cache_options.allow_anonymous = anonymous;
  cache_options.member_fetch_timeout = config.on_miss_wait;
  cache_service = std::make_unique<api::CacheService>(*shards, config_source, cache_options);
  api::GatewayServiceOptions gateway_options;
  gateway_options.allow_anonymous = anonymous;
  gateway_service = std::make_unique<api::GatewayService>(*shards, config_source, gateway_options);
  cluster = std::make_unique<LocalCluster>("local", config.grpc_listen, *shards, *dispatcher,
                                           *runner, *clock);
  cluster->set_push(push.get());
  control_service = std::make_unique<api::ControlService>(*control, cluster.get(), admin_token);
  workergroup_service = std::make_unique<api::WorkerGroupService>(*dispatcher, config_source);
  rest::RestProxyOptions rest_options;
  rest_options.client.api_base = config.discord_api_base;
  rest_options.client.tls.ca_file = config.discord_ca_file;
  rest_proxy = std::make_unique<rest::RestProxy>(*reactors, *clock, std::move(rest_options),
                                                 rest::ShardCacheRunner(*shards));
  api::RestServiceOptions rest_service_options;
  rest_service_options.allow_anonymous = anonymous;
  rest_service = std::make_unique<api::RestService>(
      *rest_proxy, config_source, [c = control.get()](BotId bot) { return c->BotToken(bot); },
      rest_service_options);
  rest_compat =
      std::make_unique<rest::CompatEndpoint>(*rest_proxy, *clock, api::ControlPlaneBots(*control));

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.grpc_listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(cache_service.get());
  builder.RegisterService(gateway_service.get());
  builder.RegisterService(control_service.get());
  builder.RegisterService(rest_service.get());
  builder.RegisterCallbackGenericService(workergroup_service.get());
  builder.SetMaxReceiveMessageSize(32 << 20);  // CreateMessage attachments above 4 MiB
  builder.SetMaxSendMessageSize(4 << 20);      // the published clients' inbound limit
  grpc = builder.BuildAndStart();
  if (grpc == nullptr || port == 0) {
    return Unavailable("key 'grpc.listen': cannot listen on '" + config.grpc_listen + "'");
  }
  keep_awake = std::make_unique<api::CallbackQueueKeepAwake>(*grpc);
  grpc_address =
      config.grpc_listen.substr(0, config.grpc_listen.rfind(':')) + ":" + std::to_string(port);

  net::HttpServerOptions http_options_server;
  size_t colon = config.http_listen.rfind(':');
  http_options_server.host = config.http_listen.substr(0, colon);
  http_options_server.port = static_cast<uint16_t>(
      std::strtoul(config.http_listen.substr(colon + 1).c_str(), nullptr, 10));
  http_options_server.reactors = {&reactors->at(0)};
  http_options_server.server_name = "pylon";
  std::string http_host = http_options_server.host;
  auto started = net::HttpServer::Start(
      std::move(http_options_server),
      [this](net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> respond) {
        HandleHttp(request, std::move(respond));
      });
  if (!started.ok()) return started.error().WithContext("key 'http.listen'");
  http = std::move(*started);
  http_address = http_host + ":" + std::to_string(http->port());
  return Ok();
}

void Server::Parts::HandleHttp(const net::HttpRequest& request,
                               UniqueFunction<void(net::HttpResponse)> respond) {
  std::string_view path = request.path();
  if (path == "/healthz") {
    respond({200, {{"Content-Type", "text/plain"}}, "ok\n"});
    return;
  }
  if (path == "/metrics") {
    // Gathering waits on other reactors: do it on the control reactor, then answer here.
    Reactor* here = Reactor::Current();
    auto shared = std::make_shared<UniqueFunction<void(net::HttpResponse)>>(std::move(respond));
    control_reactor->Post([this, here, shared] {
      RestFigures rest{rest_proxy->stats(), rest_proxy->MetricsSnapshot()};
      std::string text = RenderMetrics(shards->Summaries(), dispatcher->Status(), rest);
      here->Post([shared, text = std::move(text)]() mutable {
        (*shared)({200, {{"Content-Type", "text/plain; version=0.0.4"}}, std::move(text)});
      });
    });
    return;
  }
  if (rest::CompatEndpoint::Handles(path)) {  // Discord's REST API, for Discord libraries
    rest_compat->Handle(request, std::move(respond));
    return;
  }
  respond({404, {{"Content-Type", "text/plain"}}, "not found\n"});
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config, const Clock& clock) {
  PYLON_RETURN_IF_ERROR(ValidateServerConfig(config));
  api::ConfigureGrpcRuntime();
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  parts->clock = &clock;
  std::unique_ptr<Server> server(new Server(std::move(parts)));
  Status built = server->parts_->Build();
  if (!built.ok()) return built.error();
  log::Info("pylon serving gRPC on {}, metrics on http://{}/metrics (admin token: {})",
            server->parts_->grpc_address, server->parts_->http_address,
            server->parts_->admin_token_source);
  return server;
}

Server::~Server() { Shutdown(); }

void Server::Shutdown() {
  Parts& p = *parts_;
  if (p.shut_down) return;
  p.shut_down = true;
  // Push targets first (they would redial a closed stream), then workers: their calls end OK,
  // so both published clients reconnect (to our next start).
  if (p.push) p.push->Stop();
  if (p.dispatcher) p.dispatcher->Shutdown();
  p.keep_awake.reset();
  if (p.grpc) {
    p.grpc->Shutdown(std::chrono::system_clock::now() + p.config.shutdown_grace);
    p.grpc->Wait();
  }
  if (p.http) p.http->Stop();
  if (p.rest_proxy) p.rest_proxy->Stop();  // answers what still waits in a bucket
  if (p.control) p.control->set_listener(nullptr);
  // Shards stop keeping their sessions resumable: the checkpoints let the next start RESUME.
  if (p.runner) p.runner->StopAll();
  if (p.shards) p.shards->StopAll(/*keep_resumable=*/true);
  p.workergroup_service.reset();
  p.control_service.reset();
  p.gateway_service.reset();
  p.cache_service.reset();
  p.rest_compat.reset();
  p.rest_service.reset();
  p.grpc.reset();
  p.http.reset();
  p.cluster.reset();
  p.runner.reset();
  p.push.reset();
  p.dispatcher.reset();
  p.rest_proxy.reset();
  p.shards.reset();
  if (p.discord_http && p.reactors) {
    auto* client = p.discord_http.release();
    if (!p.reactors->at(0).Post([client] { delete client; })) delete client;
  }
  if (p.reactors) p.reactors->Stop();
  if (p.control_reactor) p.control_reactor->Stop();
  if (p.dispatch_reactor) p.dispatch_reactor->Stop();
  p.control.reset();
  p.checkpoints.reset();
  p.store.reset();
}

const std::string& Server::grpc_address() const { return parts_->grpc_address; }
const std::string& Server::http_address() const { return parts_->http_address; }
const std::string& Server::admin_token_file() const { return parts_->admin_token_source; }

}  // namespace pylon::app
