// Copyright 2026 The Pylon Gateway Authors.
// pylonctl (ctl.h). The command tree is built with CLI11; every leaf command leaves one action
// behind, which runs after parsing: read local inputs (token files), make one Control API call,
// print the answer as a table (default) or as the response proto in JSON (--json).

#include "ctl/ctl.h"

#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "base/result.h"
#include "ctl/format.h"
#include "ctl/table.h"
#include "gateway/v1/control_service.grpc.pb.h"

namespace pylon::ctl {
namespace {

using cpb::GatewayControl;

constexpr const char* kDefaultServer = "127.0.0.1:4021";

std::string TrimSpace(std::string text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && space(text[start])) ++start;
  return text.substr(start);
}

std::string Yes(bool value) { return value ? "yes" : "no"; }

// ---- Options of the commands ----

struct GlobalOptions {
  std::string server = kDefaultServer;
  std::string admin_token;
  std::string admin_token_file;
  bool json = false;
  double timeout_seconds = 30;
};

// The BotSpec options shared by `bot add` and `bot update`.
struct BotOptions {
  std::string token_file;
  std::string token_env;
  std::string intents;
  std::string shards;
  std::string cache;
  std::string message_depth;
  std::string chunking;
  std::string rest_limit;
  std::string large_threshold;
  std::string reset;
  bool stopped = false;
  bool start = false;
  std::map<std::string, CLI::Option*> given;  // BotSpec path -> its option

  bool Given(const std::string& path) const {
    auto it = given.find(path);
    return it != given.end() && it->second != nullptr && it->second->count() > 0;
  }
};

struct GroupOptions {
  std::string bots;
  std::string guilds;
  std::string events;
  std::string push;
  std::string max_in_flight;
  std::map<std::string, CLI::Option*> given;  // WorkerGroupSpec path -> its option

  bool Given(const std::string& path) const {
    auto it = given.find(path);
    return it != given.end() && it->second->count() > 0;
  }
};

void AddBotSpecOptions(CLI::App* command, BotOptions& options, bool update) {
  options.given["intents"] =
      command->add_option("--intents", options.intents,
                          "Gateway intents: a number, or names separated by commas "
                          "(GUILDS,GUILD_MESSAGES,...)");
  options.given["shard_count"] = command->add_option(
      "--shards", options.shards, "Shard count, or 'auto' for Discord's recommendation");
  options.given["cache_kinds"] = command->add_option(
      "--cache", options.cache,
      "Cache kinds, separated by commas (guilds, channels, roles, members, users, presences, "
      "voice_states, emojis, messages), 'all' or 'none'");
  options.given["message_cache_depth"] = command->add_option(
      "--message-depth", options.message_depth, "Messages cached per channel (0..10000; 0: none)");
  options.given["member_chunking"] =
      command->add_option("--chunking", options.chunking,
                          "When to request guild members: none, on_demand, on_miss, "
                          "all_on_connect");
  options.given["rest_global_limit"] = command->add_option(
      "--rest-limit", options.rest_limit, "Global REST requests per second (1..100000)");
  options.given["large_threshold"] = command->add_option(
      "--large-threshold", options.large_threshold, "IDENTIFY large_threshold (50..250)");
  if (update) {
    CLI::Option* stop =
        command->add_flag("--stop", options.stopped, "Stop the bot's shards (keeps its config)");
    CLI::Option* start = command->add_flag("--start", options.start, "Start a stopped bot");
    stop->excludes(start);
    options.given["stopped"] = stop;
    options.given["stopped_start"] = start;
    command->add_option("--reset", options.reset,
                        "Fields to put back to the server's defaults, separated by commas "
                        "(intents, shard_count, cache_kinds, message_cache_depth, "
                        "member_chunking, rest_global_limit, large_threshold)");
  } else {
    options.given["stopped"] =
        command->add_flag("--stopped", options.stopped, "Add the bot without starting it");
  }
  CLI::Option* file = command->add_option(
      "--token-file", options.token_file,
      update ? "Rotate the token: read the new one from this file ('-': standard input)"
             : "Read the bot token from this file ('-': standard input)");
  CLI::Option* env = command->add_option(
      "--token-env", options.token_env,
      update ? "Rotate the token: read the new one from this environment variable"
             : "Read the bot token from this environment variable");
  file->excludes(env);
  options.given["token_file"] = file;
  options.given["token_env"] = env;
  // A token on the command line would land in the shell's history: refuse it with a reason.
  command->add_option("--token", "")->group("")->check([](const std::string&) -> std::string {
    return "pylonctl never takes a bot token on the command line (it would stay in your shell "
           "history); use --token-file FILE or --token-env VARIABLE";
  });
}

void AddGroupSpecOptions(CLI::App* command, GroupOptions& options) {
  options.given["bot_ids"] = command->add_option("--bots", options.bots,
                                                 "Bot ids, separated by commas (empty: every bot)");
  options.given["guild_ids"] = command->add_option(
      "--guilds", options.guilds, "Guild ids, separated by commas (empty: every guild)");
  options.given["event_types"] =
      command->add_option("--events", options.events,
                          "Event types, separated by commas (MESSAGE_CREATE,READY,...; empty: "
                          "every event)");
  options.given["push_targets"] = command->add_option(
      "--push", options.push,
      "host:port of gRPC servers to push events to, separated by commas (empty: none)");
  options.given["max_in_flight"] =
      command->add_option("--max-in-flight", options.max_in_flight,
                          "Unacknowledged events per consumer, at most (1..1000000)");
}

// ---- One run ----

class Ctl {
 public:
  Ctl(std::ostream& out, std::ostream& err, const Environment& environment)
      : out_(out), err_(err), env_(environment) {}

  int Main(int argc, const char* const* argv);

 private:
  // Local problems (bad option values, unreadable files): message and exit code 2.
  int Usage(const Error& error) {
    err_ << "pylonctl: " << error.message() << '\n';
    return kExitUsage;
  }

  Status Connect();
  Result<std::string> ReadBotToken(const BotOptions& options);
  Result<cpb::BotSpec> BuildBotSpec(const BotOptions& options);
  Result<cpb::WorkerGroupSpec> BuildGroupSpec(const GroupOptions& options);

  // Calls `method`; on failure prints why and returns the exit code, on success returns nullopt.
  template <typename Request, typename Response>
  std::optional<int> Call(grpc::Status (GatewayControl::Stub::*method)(grpc::ClientContext*,
                                                                       const Request&, Response*),
                          const Request& request, Response* response, std::string_view what);
  int ReportError(const grpc::Status& status, std::string_view what);
  // Prints `message` as JSON; returns the exit code.
  int PrintJson(const google::protobuf::Message& message);

  int BotAdd(const BotOptions& options);
  int BotGet(const std::string& id);
  int BotList();
  int BotUpdate(const std::string& id, const BotOptions& options);
  int BotDelete(const std::string& id);
  int GroupCreate(const std::string& name, const GroupOptions& options);
  int GroupGet(const std::string& name);
  int GroupList();
  int GroupUpdate(const std::string& name, const GroupOptions& options);
  int GroupDelete(const std::string& name);
  int TokenIssue(const std::string& group, const std::string& description,
                 const std::string& secret_file);
  int TokenList(const std::string& group);
  int TokenRevoke(const std::string& group, const std::string& token_id);
  int ClusterStatus(const std::string& bot);
  int NodeDrain(const std::string& node);
  int ShardMigrate(const std::string& bot, const std::string& shard, const std::string& node);

  void PrintBot(const cpb::Bot& bot);
  void PrintGroup(const cpb::WorkerGroup& group);
  void PrintTokens(const cpb::WorkerGroup& group);

  std::ostream& out_;
  std::ostream& err_;
  const Environment& env_;
  GlobalOptions globals_;
  std::string admin_token_;
  std::unique_ptr<GatewayControl::Stub> stub_;
};

Status Ctl::Connect() {
  if (!globals_.admin_token.empty()) {
    admin_token_ = globals_.admin_token;
  } else if (!globals_.admin_token_file.empty()) {
    std::ifstream file(globals_.admin_token_file);
    if (!file) {
      return InvalidArgument("cannot read --admin-token-file '" + globals_.admin_token_file +
                             "': " + std::strerror(errno));
    }
    std::stringstream text;
    text << file.rdbuf();
    admin_token_ = TrimSpace(text.str());
    if (admin_token_.empty()) {
      return InvalidArgument("--admin-token-file '" + globals_.admin_token_file + "' is empty");
    }
  } else if (auto value = env_.get_env("PYLON_ADMIN_TOKEN"); value && !value->empty()) {
    admin_token_ = TrimSpace(*value);
  }
  if (admin_token_.empty()) {
    return InvalidArgument(
        "no admin token: pass --admin-token-file FILE, set PYLON_ADMIN_TOKEN, or pass "
        "--admin-token TOKEN");
  }
  if (globals_.server.empty()) return InvalidArgument("--server must be host:port");
  stub_ = GatewayControl::NewStub(
      grpc::CreateChannel(globals_.server, grpc::InsecureChannelCredentials()));
  return Ok();
}

Result<std::string> Ctl::ReadBotToken(const BotOptions& options) {
  std::string token;
  if (!options.token_file.empty()) {
    const std::string& path = options.token_file;
    if (path == "-") {
      if (env_.in == nullptr) return InvalidArgument("no standard input to read the token from");
      std::stringstream text;
      text << env_.in->rdbuf();
      token = text.str();
    } else {
      std::ifstream file(path);
      if (!file) {
        return InvalidArgument("cannot read --token-file '" + path + "': " + std::strerror(errno));
      }
      std::stringstream text;
      text << file.rdbuf();
      token = text.str();
      struct stat info;
      if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
        err_ << "pylonctl: warning: '" << path
             << "' is readable by other users; consider chmod 600\n";
      }
    }
    token = TrimSpace(std::move(token));
    if (token.empty()) return InvalidArgument("--token-file '" + path + "' is empty");
  } else if (!options.token_env.empty()) {
    auto value = env_.get_env(options.token_env);
    if (!value || TrimSpace(*value).empty()) {
      return InvalidArgument("--token-env: the environment variable " + options.token_env +
                             " is not set or empty");
    }
    token = TrimSpace(*value);
  }
  return token;
}

Result<cpb::BotSpec> Ctl::BuildBotSpec(const BotOptions& options) {
  cpb::BotSpec spec;
  if (options.Given("intents")) {
    PYLON_ASSIGN_OR_RETURN(uint64_t intents, ParseIntents(options.intents));
    spec.set_intents(intents);
  }
  if (options.Given("shard_count")) {
    PYLON_ASSIGN_OR_RETURN(uint32_t shards, ParseShardCount(options.shards));
    spec.set_shard_count(shards);
  }
  if (options.Given("cache_kinds")) {
    PYLON_ASSIGN_OR_RETURN(std::vector<cpb::CacheKind> kinds, ParseCacheKinds(options.cache));
    cpb::CacheKindList* list = spec.mutable_cache_kinds();
    for (cpb::CacheKind kind : kinds) list->add_kinds(kind);
  }
  if (options.Given("message_cache_depth")) {
    PYLON_ASSIGN_OR_RETURN(uint64_t depth,
                           ParseNumber("--message-depth", options.message_depth, 0, 10000));
    spec.set_message_cache_depth(static_cast<uint32_t>(depth));
  }
  if (options.Given("member_chunking")) {
    PYLON_ASSIGN_OR_RETURN(cpb::MemberChunkingPolicy policy, ParseChunking(options.chunking));
    spec.set_member_chunking(policy);
  }
  if (options.Given("rest_global_limit")) {
    PYLON_ASSIGN_OR_RETURN(uint64_t limit,
                           ParseNumber("--rest-limit", options.rest_limit, 1, 100000));
    spec.set_rest_global_limit(static_cast<uint32_t>(limit));
  }
  if (options.Given("large_threshold")) {
    PYLON_ASSIGN_OR_RETURN(uint64_t threshold,
                           ParseNumber("--large-threshold", options.large_threshold, 50, 250));
    spec.set_large_threshold(static_cast<uint32_t>(threshold));
  }
  if (options.Given("stopped") && options.stopped) spec.set_stopped(true);
  if (options.Given("stopped_start") && options.start) spec.set_stopped(false);
  return spec;
}

Result<cpb::WorkerGroupSpec> Ctl::BuildGroupSpec(const GroupOptions& options) {
  cpb::WorkerGroupSpec spec;
  if (options.Given("bot_ids")) {
    PYLON_ASSIGN_OR_RETURN(std::vector<uint64_t> ids, ParseIdList("--bots", options.bots));
    for (uint64_t id : ids) spec.add_bot_ids(id);
  }
  if (options.Given("guild_ids")) {
    PYLON_ASSIGN_OR_RETURN(std::vector<uint64_t> ids, ParseIdList("--guilds", options.guilds));
    for (uint64_t id : ids) spec.add_guild_ids(id);
  }
  if (options.Given("event_types")) {
    for (std::string type : SplitList(options.events)) {
      for (char& c : type) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      spec.add_event_types(type);
    }
  }
  if (options.Given("push_targets")) {
    for (const std::string& address : SplitList(options.push)) {
      spec.add_push_targets()->set_address(address);
    }
  }
  if (options.Given("max_in_flight")) {
    PYLON_ASSIGN_OR_RETURN(uint64_t max,
                           ParseNumber("--max-in-flight", options.max_in_flight, 1, 1000000));
    spec.set_max_in_flight(static_cast<uint32_t>(max));
  }
  return spec;
}

template <typename Request, typename Response>
std::optional<int> Ctl::Call(grpc::Status (GatewayControl::Stub::*method)(grpc::ClientContext*,
                                                                          const Request&,
                                                                          Response*),
                             const Request& request, Response* response, std::string_view what) {
  if (Status connected = Connect(); !connected.ok()) return Usage(connected.error());
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + admin_token_);
  context.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(globals_.timeout_seconds * 1000)));
  grpc::Status status = (stub_.get()->*method)(&context, request, response);
  if (!status.ok()) return ReportError(status, what);
  return std::nullopt;
}

int Ctl::ReportError(const grpc::Status& status, std::string_view what) {
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      err_ << "pylonctl: cannot reach the Pylon server at " << globals_.server << ": " << message
           << '\n';
      return kExitUnreachable;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      err_ << "pylonctl: the server at " << globals_.server << " did not answer within "
           << globals_.timeout_seconds << " s (--timeout)\n";
      return kExitUnreachable;
    case grpc::StatusCode::UNAUTHENTICATED:
      err_ << "pylonctl: " << what << ": the server refused the admin token: " << message << '\n';
      return kExitFailed;
    default:
      err_ << "pylonctl: " << what
           << " failed: " << ErrorCodeName(static_cast<ErrorCode>(status.error_code())) << ": "
           << message << '\n';
      return kExitFailed;
  }
}

int Ctl::PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    err_ << "pylonctl: cannot print the answer as JSON: " << status.ToString() << '\n';
    return kExitFailed;
  }
  out_ << json;
  if (json.empty() || json.back() != '\n') out_ << '\n';
  return kExitOk;
}

// ---- Bots ----

void Ctl::PrintBot(const cpb::Bot& bot) {
  Details details;
  details.Add("id", std::to_string(bot.id()));
  details.Add("username", bot.username());
  details.Add("application", std::to_string(bot.application_id()));
  details.Add("token fingerprint", bot.token_fingerprint());
  details.Add("shards", std::to_string(bot.effective_shard_count()) +
                            (bot.spec().shard_count() == 0 ? " (auto)" : ""));
  details.Add("intents", FormatIntents(bot.spec().intents()));
  details.Add("cache", FormatCacheKinds(bot.spec().cache_kinds()));
  details.Add("message cache depth", std::to_string(bot.spec().message_cache_depth()));
  details.Add("member chunking", ChunkingName(bot.spec().member_chunking()));
  details.Add("rest limit", std::to_string(bot.spec().rest_global_limit()) + "/s");
  details.Add("large threshold", std::to_string(bot.spec().large_threshold()));
  details.Add("stopped", Yes(bot.spec().stopped()));
  details.Add("created", FormatTimestamp(bot.created_at()));
  details.Add("updated", FormatTimestamp(bot.updated_at()));
  details.Print(out_);
}

int Ctl::BotAdd(const BotOptions& options) {
  if (options.token_file.empty() && options.token_env.empty()) {
    return Usage(InvalidArgument("bot add needs the token: --token-file FILE or --token-env VAR"));
  }
  auto spec = BuildBotSpec(options);
  if (!spec.ok()) return Usage(spec.error());
  auto token = ReadBotToken(options);
  if (!token.ok()) return Usage(token.error());
  cpb::CreateBotRequest request;
  request.set_token(*token);
  *request.mutable_spec() = *spec;
  cpb::CreateBotResponse response;
  if (auto failed = Call(&GatewayControl::Stub::CreateBot, request, &response, "bot add")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Added bot " << response.bot().id() << " (" << response.bot().username() << ").\n";
  PrintBot(response.bot());
  return kExitOk;
}

Result<uint64_t> ParseBotId(const std::string& text) {
  return ParseNumber("bot id", text, 1, UINT64_MAX);
}

int Ctl::BotGet(const std::string& id_text) {
  auto id = ParseBotId(id_text);
  if (!id.ok()) return Usage(id.error());
  cpb::GetBotRequest request;
  request.set_bot_id(*id);
  cpb::GetBotResponse response;
  if (auto failed = Call(&GatewayControl::Stub::GetBot, request, &response, "bot get")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  PrintBot(response.bot());
  return kExitOk;
}

int Ctl::BotList() {
  cpb::ListBotsResponse response;
  if (auto failed = Call(&GatewayControl::Stub::ListBots, {}, &response, "bot list")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  Table table({{"ID"},
               {"USERNAME"},
               {"SHARDS", true},
               {"INTENTS", true},
               {"CACHE"},
               {"CHUNKING"},
               {"STOPPED"},
               {"TOKEN"},
               {"UPDATED"}});
  for (const cpb::Bot& bot : response.bots()) {
    table.AddRow({std::to_string(bot.id()), bot.username(),
                  std::to_string(bot.effective_shard_count()) +
                      (bot.spec().shard_count() == 0 ? " (auto)" : ""),
                  std::to_string(bot.spec().intents()), FormatCacheKinds(bot.spec().cache_kinds()),
                  ChunkingName(bot.spec().member_chunking()), Yes(bot.spec().stopped()),
                  bot.token_fingerprint(), FormatTimestamp(bot.updated_at())});
  }
  table.Print(out_);
  return kExitOk;
}

int Ctl::BotUpdate(const std::string& id_text, const BotOptions& options) {
  auto id = ParseBotId(id_text);
  if (!id.ok()) return Usage(id.error());
  auto spec = BuildBotSpec(options);
  if (!spec.ok()) return Usage(spec.error());
  cpb::UpdateBotRequest request;
  request.set_bot_id(*id);
  *request.mutable_spec() = *spec;
  static const std::vector<std::string> kPaths = {
      "intents",         "shard_count",       "cache_kinds",     "message_cache_depth",
      "member_chunking", "rest_global_limit", "large_threshold", "stopped"};
  for (const std::string& path : kPaths) {
    if (options.Given(path) || (path == "stopped" && options.Given("stopped_start"))) {
      request.mutable_update_mask()->add_paths(path);
    }
  }
  for (const std::string& path : SplitList(options.reset)) {
    if (std::find(kPaths.begin(), kPaths.end(), path) == kPaths.end() || path == "stopped") {
      return Usage(InvalidArgument("--reset: '" + path +
                                   "' is not a field with a default (intents, shard_count, "
                                   "cache_kinds, message_cache_depth, member_chunking, "
                                   "rest_global_limit, large_threshold)"));
    }
    if (options.Given(path)) {
      return Usage(InvalidArgument("--reset " + path + " contradicts the option that sets it"));
    }
    request.mutable_update_mask()->add_paths(path);
  }
  auto token = ReadBotToken(options);
  if (!token.ok()) return Usage(token.error());
  request.set_token(*token);
  if (request.update_mask().paths_size() == 0 && request.token().empty()) {
    return Usage(InvalidArgument("bot update: nothing to change (see pylonctl bot update --help)"));
  }
  cpb::UpdateBotResponse response;
  if (auto failed = Call(&GatewayControl::Stub::UpdateBot, request, &response, "bot update")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Updated bot " << response.bot().id() << (token->empty() ? "" : " (token rotated)")
       << ".\n";
  PrintBot(response.bot());
  return kExitOk;
}

int Ctl::BotDelete(const std::string& id_text) {
  auto id = ParseBotId(id_text);
  if (!id.ok()) return Usage(id.error());
  cpb::DeleteBotRequest request;
  request.set_bot_id(*id);
  cpb::DeleteBotResponse response;
  if (auto failed = Call(&GatewayControl::Stub::DeleteBot, request, &response, "bot delete")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Deleted bot " << *id << ".\n";
  return kExitOk;
}

// ---- Worker groups and tokens ----

void Ctl::PrintGroup(const cpb::WorkerGroup& group) {
  auto ids = [](const auto& list, const char* none) {
    std::vector<std::string> parts;
    for (uint64_t id : list) parts.push_back(std::to_string(id));
    return parts.empty() ? std::string(none) : Join(parts);
  };
  const cpb::WorkerGroupSpec& spec = group.spec();
  Details details;
  details.Add("name", group.name());
  details.Add("bots", ids(spec.bot_ids(), "all"));
  details.Add("guilds", ids(spec.guild_ids(), "all"));
  details.Add("events", spec.event_types().empty()
                            ? std::string("all")
                            : Join({spec.event_types().begin(), spec.event_types().end()}));
  std::vector<std::string> push;
  for (const cpb::PushTarget& target : spec.push_targets()) push.push_back(target.address());
  details.Add("push targets", push.empty() ? std::string("none") : Join(push));
  details.Add("max in flight", std::to_string(spec.max_in_flight()));
  details.Add("tokens", std::to_string(group.tokens_size()));
  details.Add("created", FormatTimestamp(group.created_at()));
  details.Add("updated", FormatTimestamp(group.updated_at()));
  details.Print(out_);
}

void Ctl::PrintTokens(const cpb::WorkerGroup& group) {
  Table table({{"TOKEN ID"}, {"DESCRIPTION"}, {"CREATED"}});
  for (const cpb::WorkerGroupToken& token : group.tokens()) {
    table.AddRow({token.token_id(), token.description(), FormatTimestamp(token.created_at())});
  }
  table.Print(out_);
}

int Ctl::GroupCreate(const std::string& name, const GroupOptions& options) {
  auto spec = BuildGroupSpec(options);
  if (!spec.ok()) return Usage(spec.error());
  cpb::CreateWorkerGroupRequest request;
  request.set_name(name);
  *request.mutable_spec() = *spec;
  cpb::CreateWorkerGroupResponse response;
  if (auto failed =
          Call(&GatewayControl::Stub::CreateWorkerGroup, request, &response, "group create")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Created worker group '" << name << "'. Issue a token for its workers with: pylonctl "
       << "token issue " << name << "\n";
  PrintGroup(response.worker_group());
  return kExitOk;
}

int Ctl::GroupGet(const std::string& name) {
  cpb::GetWorkerGroupRequest request;
  request.set_name(name);
  cpb::GetWorkerGroupResponse response;
  if (auto failed = Call(&GatewayControl::Stub::GetWorkerGroup, request, &response, "group get")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  PrintGroup(response.worker_group());
  out_ << '\n';
  PrintTokens(response.worker_group());
  return kExitOk;
}

int Ctl::GroupList() {
  cpb::ListWorkerGroupsResponse response;
  if (auto failed = Call(&GatewayControl::Stub::ListWorkerGroups, {}, &response, "group list")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  Table table({{"NAME"},
               {"BOTS", true},
               {"GUILDS", true},
               {"EVENTS", true},
               {"PUSH TARGETS"},
               {"MAX IN FLIGHT", true},
               {"TOKENS", true}});
  auto count = [](int n) { return n == 0 ? std::string("all") : std::to_string(n); };
  for (const cpb::WorkerGroup& group : response.worker_groups()) {
    const cpb::WorkerGroupSpec& spec = group.spec();
    std::vector<std::string> push;
    for (const cpb::PushTarget& target : spec.push_targets()) push.push_back(target.address());
    table.AddRow({group.name(), count(spec.bot_ids_size()), count(spec.guild_ids_size()),
                  count(spec.event_types_size()), push.empty() ? "-" : Join(push, ","),
                  std::to_string(spec.max_in_flight()), std::to_string(group.tokens_size())});
  }
  table.Print(out_);
  return kExitOk;
}

int Ctl::GroupUpdate(const std::string& name, const GroupOptions& options) {
  auto spec = BuildGroupSpec(options);
  if (!spec.ok()) return Usage(spec.error());
  cpb::UpdateWorkerGroupRequest request;
  request.set_name(name);
  *request.mutable_spec() = *spec;
  for (const char* path :
       {"bot_ids", "guild_ids", "event_types", "push_targets", "max_in_flight"}) {
    if (options.Given(path)) request.mutable_update_mask()->add_paths(path);
  }
  if (request.update_mask().paths_size() == 0) {
    return Usage(
        InvalidArgument("group update: nothing to change (see pylonctl group update --help)"));
  }
  cpb::UpdateWorkerGroupResponse response;
  if (auto failed =
          Call(&GatewayControl::Stub::UpdateWorkerGroup, request, &response, "group update")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Updated worker group '" << name << "'.\n";
  PrintGroup(response.worker_group());
  return kExitOk;
}

int Ctl::GroupDelete(const std::string& name) {
  cpb::DeleteWorkerGroupRequest request;
  request.set_name(name);
  cpb::DeleteWorkerGroupResponse response;
  if (auto failed =
          Call(&GatewayControl::Stub::DeleteWorkerGroup, request, &response, "group delete")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Deleted worker group '" << name << "'.\n";
  return kExitOk;
}

int Ctl::TokenIssue(const std::string& group, const std::string& description,
                    const std::string& secret_file) {
  cpb::IssueWorkerGroupTokenRequest request;
  request.set_worker_group(group);
  request.set_description(description);
  cpb::IssueWorkerGroupTokenResponse response;
  if (auto failed =
          Call(&GatewayControl::Stub::IssueWorkerGroupToken, request, &response, "token issue")) {
    return *failed;
  }
  if (!secret_file.empty()) {
    // Written owner-only, and never printed: scripts hand the file to their workers.
    int fd = ::open(secret_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bool written = fd >= 0 && ::write(fd, response.secret().data(), response.secret().size()) ==
                                  static_cast<ssize_t>(response.secret().size());
    if (fd >= 0) ::close(fd);
    if (!written) {
      err_ << "pylonctl: token issue: cannot write --secret-file '" << secret_file
           << "': " << std::strerror(errno) << " (the token was issued; revoke it with "
           << "pylonctl token revoke " << group << " " << response.token().token_id() << ")\n";
      return kExitUsage;
    }
    response.clear_secret();
  } else {
    err_ << "pylonctl: warning: the secret is shown only this once; the server keeps only its "
            "hash. Store it now (e.g. in your workers' secret store).\n";
  }
  if (globals_.json) return PrintJson(response);
  Details details;
  details.Add("worker group", group);
  details.Add("token id", response.token().token_id());
  details.Add("description", response.token().description());
  details.Add("secret", secret_file.empty() ? response.secret() : "written to " + secret_file);
  details.Print(out_);
  return kExitOk;
}

int Ctl::TokenList(const std::string& group) {
  cpb::GetWorkerGroupRequest request;
  request.set_name(group);
  cpb::GetWorkerGroupResponse response;
  if (auto failed = Call(&GatewayControl::Stub::GetWorkerGroup, request, &response, "token list")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  PrintTokens(response.worker_group());
  return kExitOk;
}

int Ctl::TokenRevoke(const std::string& group, const std::string& token_id) {
  cpb::RevokeWorkerGroupTokenRequest request;
  request.set_worker_group(group);
  request.set_token_id(token_id);
  cpb::RevokeWorkerGroupTokenResponse response;
  if (auto failed =
          Call(&GatewayControl::Stub::RevokeWorkerGroupToken, request, &response, "token revoke")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Revoked token " << token_id << " of worker group '" << group << "'.\n";
  return kExitOk;
}

// ---- The cluster ----

int Ctl::ClusterStatus(const std::string& bot_text) {
  cpb::GetClusterStatusRequest request;
  if (!bot_text.empty()) {
    auto id = ParseBotId(bot_text);
    if (!id.ok()) return Usage(id.error());
    request.set_bot_id(*id);
  }
  cpb::GetClusterStatusResponse response;
  if (auto failed = Call(&GatewayControl::Stub::GetClusterStatus, request, &response, "status")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);

  out_ << "NODES\n";
  Table nodes({{"NODE"}, {"ADDRESS"}, {"STATE"}, {"ROLES"}, {"SHARDS", true}, {"LAST SEEN"}});
  for (const cpb::NodeStatus& node : response.nodes()) {
    nodes.AddRow({node.node_id(), node.address(), NodeStateName(node.state()),
                  Join({node.roles().begin(), node.roles().end()}, ","),
                  std::to_string(node.shards()), FormatTimestamp(node.last_seen())});
  }
  nodes.Print(out_);

  out_ << "\nSHARDS\n";
  std::vector<const cpb::ShardStatus*> shards;
  for (const cpb::ShardStatus& shard : response.shards()) shards.push_back(&shard);
  std::sort(shards.begin(), shards.end(), [](const auto* a, const auto* b) {
    return std::make_pair(a->bot_id(), a->shard_id()) < std::make_pair(b->bot_id(), b->shard_id());
  });
  Table shard_table({{"BOT"},
                     {"SHARD", true},
                     {"STATE"},
                     {"OWNER"},
                     {"SEQUENCE", true},
                     {"COMMITTED", true},
                     {"LATENCY", true},
                     {"GUILDS", true},
                     {"EVENTS", true},
                     {"OVERWRITTEN", true},
                     {"SINCE"},
                     {"LAST ERROR"}});
  std::map<int, std::pair<uint64_t, uint64_t>> cache;  // kind -> objects, bytes
  for (const cpb::ShardStatus* shard : shards) {
    shard_table.AddRow(
        {std::to_string(shard->bot_id()),
         std::to_string(shard->shard_id()) + "/" + std::to_string(shard->shard_count()),
         ShardStateName(shard->state()), shard->owner_node(), std::to_string(shard->sequence()),
         std::to_string(shard->committed_sequence()), std::to_string(shard->latency_ms()) + " ms",
         std::to_string(shard->guilds()), std::to_string(shard->events_received()),
         std::to_string(shard->events_dropped()), FormatTimestamp(shard->state_since()),
         shard->last_error().empty() ? "-" : shard->last_error()});
    for (const cpb::CacheUsage& usage : shard->cache()) {
      cache[usage.kind()].first += usage.objects();
      cache[usage.kind()].second += usage.bytes();
    }
  }
  shard_table.Print(out_);

  out_ << "\nWORKER GROUPS\n";
  Table groups(
      {{"GROUP"}, {"CONSUMERS", true}, {"DELIVERED", true}, {"PENDING", true}, {"DROPPED", true}});
  Table consumers({{"GROUP"},
                   {"CONSUMER"},
                   {"NODE"},
                   {"PEER"},
                   {"SENT", true},
                   {"ACKED", true},
                   {"IN FLIGHT", true},
                   {"DRAINING"},
                   {"CONNECTED"}});
  Table push({{"GROUP"}, {"PUSH TARGET"}, {"CONNECTED"}, {"ACKED", true}, {"LAST ERROR"}});
  for (const cpb::WorkerGroupStatus& group : response.worker_groups()) {
    groups.AddRow({group.name(), std::to_string(group.consumers_size()),
                   std::to_string(group.events_delivered()), std::to_string(group.events_pending()),
                   std::to_string(group.events_dropped())});
    for (const cpb::ConsumerStatus& consumer : group.consumers()) {
      consumers.AddRow({group.name(), consumer.consumer_id(), consumer.node_id(), consumer.peer(),
                        std::to_string(consumer.last_sent_sequence()),
                        std::to_string(consumer.acked_sequence()),
                        std::to_string(consumer.in_flight()), Yes(consumer.draining()),
                        FormatTimestamp(consumer.connected_at())});
    }
    for (const cpb::PushTargetStatus& target : group.push_targets()) {
      push.AddRow({group.name(), target.address(), Yes(target.connected()),
                   std::to_string(target.last_acked_sequence()),
                   target.last_error().empty() ? "-" : target.last_error()});
    }
  }
  groups.Print(out_);
  out_ << "\nCONSUMERS\n";
  consumers.Print(out_);
  if (push.rows() > 0) {
    out_ << "\nPUSH TARGETS\n";
    push.Print(out_);
  }

  out_ << "\nCACHE\n";
  Table cache_table({{"KIND"}, {"OBJECTS", true}, {"MEMORY", true}});
  uint64_t total_objects = 0;
  uint64_t total_bytes = 0;
  for (const auto& [kind, usage] : cache) {
    cache_table.AddRow(
        {CacheKindName(kind), std::to_string(usage.first), FormatBytes(usage.second)});
    total_objects += usage.first;
    total_bytes += usage.second;
  }
  if (!cache.empty()) {
    cache_table.AddRow({"total", std::to_string(total_objects), FormatBytes(total_bytes)});
  }
  cache_table.Print(out_);
  return kExitOk;
}

int Ctl::NodeDrain(const std::string& node) {
  cpb::DrainNodeRequest request;
  request.set_node_id(node);
  cpb::DrainNodeResponse response;
  if (auto failed = Call(&GatewayControl::Stub::DrainNode, request, &response, "node drain")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Draining node '" << node << "': " << response.shards_moving()
       << " shard(s) moving. Follow with: pylonctl status\n";
  return kExitOk;
}

int Ctl::ShardMigrate(const std::string& bot_text, const std::string& shard_text,
                      const std::string& node) {
  auto bot = ParseBotId(bot_text);
  if (!bot.ok()) return Usage(bot.error());
  auto shard = ParseNumber("shard", shard_text, 0, 65535);
  if (!shard.ok()) return Usage(shard.error());
  cpb::MigrateShardRequest request;
  request.set_bot_id(*bot);
  request.set_shard_id(static_cast<uint32_t>(*shard));
  request.set_target_node(node);
  cpb::MigrateShardResponse response;
  if (auto failed =
          Call(&GatewayControl::Stub::MigrateShard, request, &response, "shard migrate")) {
    return *failed;
  }
  if (globals_.json) return PrintJson(response);
  out_ << "Shard " << *bot << "/" << *shard << " is moving to node '" << node
       << "'. Follow with: pylonctl status --bot " << *bot << "\n";
  return kExitOk;
}

// ---- The command tree ----

int Ctl::Main(int argc, const char* const* argv) {
  CLI::App app{
      "pylonctl: manage a Pylon Gateway cluster through its Control API.\n"
      "The admin token comes from --admin-token-file, PYLON_ADMIN_TOKEN or --admin-token.\n"
      "Bot tokens are read only from files or environment variables, never from the command "
      "line.",
      "pylonctl"};
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--server", globals_.server, "Control API address, host:port")
      ->capture_default_str();
  CLI::Option* token_option = app.add_option(
      "--admin-token", globals_.admin_token,
      "Admin token (prefer --admin-token-file or PYLON_ADMIN_TOKEN: shell history keeps this)");
  CLI::Option* token_file_option = app.add_option("--admin-token-file", globals_.admin_token_file,
                                                  "Read the admin token from this file");
  token_option->excludes(token_file_option);
  app.add_flag("--json", globals_.json, "Print the server's answers as JSON");
  app.add_option("--timeout", globals_.timeout_seconds, "Seconds to wait for the server")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));

  std::function<int()> action;
  // Arguments of the leaf commands (one run executes one of them).
  std::string id, name, group, token_id, description, bot_filter, node, shard, secret_file;
  BotOptions add_options, update_options;
  GroupOptions create_options, group_update_options;

  CLI::App* bot = app.add_subcommand("bot", "Bots: add, get, list, update, delete");
  bot->require_subcommand(1);
  CLI::App* bot_add = bot->add_subcommand("add", "Add a bot (its token is checked with Discord)");
  AddBotSpecOptions(bot_add, add_options, false);
  bot_add->callback([&] { action = [&] { return BotAdd(add_options); }; });
  CLI::App* bot_get = bot->add_subcommand("get", "Show a bot");
  bot_get->add_option("ID", id, "Bot id")->required();
  bot_get->callback([&] { action = [&] { return BotGet(id); }; });
  bot->add_subcommand("list", "List the bots")->callback([&] {
    action = [&] { return BotList(); };
  });
  CLI::App* bot_update = bot->add_subcommand(
      "update", "Change a bot's settings (only the options given) or rotate its token");
  bot_update->add_option("ID", id, "Bot id")->required();
  AddBotSpecOptions(bot_update, update_options, true);
  bot_update->callback([&] { action = [&] { return BotUpdate(id, update_options); }; });
  CLI::App* bot_delete = bot->add_subcommand("delete", "Delete a bot (its shards stop)");
  bot_delete->add_option("ID", id, "Bot id")->required();
  bot_delete->callback([&] { action = [&] { return BotDelete(id); }; });

  CLI::App* group_command =
      app.add_subcommand("group", "Worker groups: create, get, list, update, delete");
  group_command->require_subcommand(1);
  CLI::App* group_create = group_command->add_subcommand("create", "Create a worker group");
  group_create->add_option("NAME", name, "Group name, [a-z0-9_-]{1,64}")->required();
  AddGroupSpecOptions(group_create, create_options);
  group_create->callback([&] { action = [&] { return GroupCreate(name, create_options); }; });
  CLI::App* group_get = group_command->add_subcommand("get", "Show a worker group and its tokens");
  group_get->add_option("NAME", name, "Group name")->required();
  group_get->callback([&] { action = [&] { return GroupGet(name); }; });
  group_command->add_subcommand("list", "List the worker groups")->callback([&] {
    action = [&] { return GroupList(); };
  });
  CLI::App* group_update = group_command->add_subcommand(
      "update", "Change a worker group (only the options given; an empty list clears one)");
  group_update->add_option("NAME", name, "Group name")->required();
  AddGroupSpecOptions(group_update, group_update_options);
  group_update->callback([&] { action = [&] { return GroupUpdate(name, group_update_options); }; });
  CLI::App* group_delete = group_command->add_subcommand("delete", "Delete a worker group");
  group_delete->add_option("NAME", name, "Group name")->required();
  group_delete->callback([&] { action = [&] { return GroupDelete(name); }; });

  CLI::App* token = app.add_subcommand("token", "Worker-group auth tokens: issue, list, revoke");
  token->require_subcommand(1);
  CLI::App* token_issue =
      token->add_subcommand("issue", "Issue a token for a worker group (the secret is shown once)");
  token_issue->add_option("GROUP", group, "Worker group")->required();
  token_issue->add_option("--description", description, "What the token is for");
  token_issue->add_option("--secret-file", secret_file,
                          "Write the secret to this file (mode 0600) instead of printing it");
  token_issue->callback(
      [&] { action = [&] { return TokenIssue(group, description, secret_file); }; });
  CLI::App* token_list = token->add_subcommand("list", "List a worker group's tokens");
  token_list->add_option("GROUP", group, "Worker group")->required();
  token_list->callback([&] { action = [&] { return TokenList(group); }; });
  CLI::App* token_revoke = token->add_subcommand("revoke", "Revoke a worker-group token");
  token_revoke->add_option("GROUP", group, "Worker group")->required();
  token_revoke->add_option("TOKEN_ID", token_id, "Token id (from token list)")->required();
  token_revoke->callback([&] { action = [&] { return TokenRevoke(group, token_id); }; });

  CLI::App* status = app.add_subcommand(
      "status", "Nodes, shards, worker groups and their consumers, cache memory");
  status->add_option("--bot", bot_filter, "Only this bot's shards and worker groups");
  status->callback([&] { action = [&] { return ClusterStatus(bot_filter); }; });

  CLI::App* node_command = app.add_subcommand("node", "Nodes: drain");
  node_command->require_subcommand(1);
  CLI::App* node_drain =
      node_command->add_subcommand("drain", "Move every shard off a node and keep new ones away");
  node_drain->add_option("NODE", node, "Node id")->required();
  node_drain->callback([&] { action = [&] { return NodeDrain(node); }; });

  CLI::App* shard_command = app.add_subcommand("shard", "Shards: migrate");
  shard_command->require_subcommand(1);
  CLI::App* shard_migrate =
      shard_command->add_subcommand("migrate", "Move a shard to another node (with a RESUME)");
  shard_migrate->add_option("BOT", id, "Bot id")->required();
  shard_migrate->add_option("SHARD", shard, "Shard id")->required();
  shard_migrate->add_option("NODE", node, "Target node id")->required();
  shard_migrate->callback([&] { action = [&] { return ShardMigrate(id, shard, node); }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error, out_, err_);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!action) {
    err_ << "pylonctl: no command given (see pylonctl --help)\n";
    return kExitUsage;
  }
  return action();
}

}  // namespace

Environment ProcessEnvironment() {
  Environment environment;
  environment.get_env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  environment.in = &std::cin;
  return environment;
}

int Run(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
        const Environment& environment) {
  Ctl ctl(out, err, environment);
  return ctl.Main(argc, argv);
}

}  // namespace pylon::ctl
