// Copyright 2026 The Pylon Gateway Authors.
// pylonctl against a real Control API server on loopback (an in-process ControlService over an
// in-memory EmbeddedStore, a fake Discord token check, a fake one-node cluster). Most cases run
// the built binary as a child process; a few call Run() directly.

#include "ctl/ctl.h"

#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "api/control_service.h"
#include "ctl/format.h"
#include "ctl/table.h"
#include "net/test_util.h"
#include "store/embedded_store.h"

extern char** environ;

namespace pylon::ctl {
namespace {

namespace cpb = ::pylon::gateway::v1::control;

const std::string kAdmin = "ctl-admin-token-0123456789";
const std::string kToken = "MTAxNTAwMDAwMDAwMDAwMDAx.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";
const std::string kToken2 =
    "MTAxNTAwMDAwMDAwMDAwMDAx.GzYxWv.ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210ab";
constexpr uint64_t kBot = 1015000000000000001;

class OneNode final : public api::ClusterStatusProvider {
 public:
  Result<std::vector<cpb::NodeStatus>> Nodes() override {
    cpb::NodeStatus node;
    node.set_node_id("node-1");
    node.set_address("127.0.0.1:4021");
    node.set_state(cpb::NODE_STATE_UP);
    node.add_roles("gateway");
    node.add_roles("control");
    node.set_shards(2);
    return std::vector<cpb::NodeStatus>{node};
  }
  Result<std::vector<cpb::ShardStatus>> Shards(BotId bot) override {
    std::vector<cpb::ShardStatus> out;
    for (uint32_t i = 0; i < 2; ++i) {
      cpb::ShardStatus shard;
      shard.set_bot_id(kBot);
      shard.set_shard_id(1 - i);  // out of order: pylonctl sorts
      shard.set_shard_count(2);
      shard.set_state(i == 0 ? cpb::SHARD_STATE_READY : cpb::SHARD_STATE_RESUMING);
      shard.set_owner_node("node-1");
      shard.set_sequence(1234 + i);
      shard.set_latency_ms(42);
      shard.set_guilds(17);
      auto* members = shard.add_cache();
      members->set_kind(cpb::CACHE_KIND_MEMBERS);
      members->set_objects(1000);
      members->set_bytes(1536 * 1024);
      out.push_back(shard);
    }
    return out;
  }
  Result<std::vector<cpb::WorkerGroupStatus>> WorkerGroups(BotId bot) override {
    cpb::WorkerGroupStatus group;
    group.set_name("workers");
    group.set_events_delivered(99);
    cpb::ConsumerStatus* consumer = group.add_consumers();
    consumer->set_consumer_id("consumer-a");
    consumer->set_node_id("node-1");
    consumer->set_peer("ipv4:127.0.0.1:50000");
    consumer->set_in_flight(3);
    return std::vector<cpb::WorkerGroupStatus>{group};
  }
  Result<uint32_t> DrainNode(const std::string& node_id) override {
    return FailedPrecondition("a single node has nowhere to move shards");
  }
  Status MigrateShard(BotShard shard, const std::string& target_node) override {
    return FailedPrecondition("a single node has nowhere to move shards");
  }
};

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class CtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *store::EmbeddedStore::Open("");
    control::ControlOptions options;
    options.token_key = std::string(32, 'K');
    auto plane = control::ControlPlane::Open(
        *store_, options, [](const Secret& token) -> Result<control::TokenCheck> {
          if (token.reveal() == kToken || token.reveal() == kToken2) {
            return control::TokenCheck{UserId(kBot), "alpha", ApplicationId(kBot), 2};
          }
          return Unauthenticated("Discord answered 401 Unauthorized");
        });
    ASSERT_TRUE(plane.ok()) << plane.error().ToString();
    plane_ = std::move(*plane);
    service_ = std::make_unique<api::ControlService>(*plane_, &cluster_, kAdmin);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
    token_file_ = dir_.path() + "/bot-token";
    std::ofstream(token_file_) << kToken << "\n";
    ::chmod(token_file_.c_str(), 0600);
  }

  void TearDown() override {
    server_->Shutdown();
    server_.reset();
    service_.reset();
    plane_.reset();
    store_.reset();
  }

  // Runs the pylonctl binary with `args` (after --server), PYLON_ADMIN_TOKEN set unless
  // `admin_env` is false, plus `extra_env`.
  Outcome RunBinary(std::vector<std::string> args, bool admin_env = true,
                    std::vector<std::string> extra_env = {}) {
    std::vector<std::string> argv_strings = {PYLONCTL_PATH, "--server", address_};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (!std::string_view(*e).starts_with("PYLON_ADMIN_TOKEN=")) env_strings.emplace_back(*e);
    }
    if (admin_env) env_strings.push_back("PYLON_ADMIN_TOKEN=" + kAdmin);
    env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> envp;
    for (auto& var : env_strings) envp.push_back(var.data());
    envp.push_back(nullptr);

    std::string out_path = dir_.path() + "/stdout";
    std::string err_path = dir_.path() + "/stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, PYLONCTL_PATH, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    Outcome outcome;
    if (spawned != 0) {
      ADD_FAILURE() << "cannot start " << PYLONCTL_PATH << ": " << std::strerror(spawned);
      return outcome;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    outcome.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    outcome.out = ReadFile(out_path);
    outcome.err = ReadFile(err_path);
    for (const std::string& text : {outcome.out, outcome.err}) {
      EXPECT_EQ(text.find(kToken), std::string::npos);
      EXPECT_EQ(text.find("abcdefghijklmnopqrstuvwxyz0123456789AB"), std::string::npos);
      EXPECT_EQ(text.find(kToken2), std::string::npos);
    }
    return outcome;
  }

  // Runs pylonctl in this process.
  Outcome RunHere(std::vector<std::string> args, std::string stdin_text = "") {
    std::vector<std::string> all = {"pylonctl", "--server", address_};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (auto& arg : all) argv.push_back(arg.c_str());
    std::istringstream in(stdin_text);
    Environment environment;
    environment.get_env = [](const std::string& name) -> std::optional<std::string> {
      if (name == "PYLON_ADMIN_TOKEN") return kAdmin;
      if (name == "BOT_TOKEN") return kToken2;
      return std::nullopt;
    };
    environment.in = &in;
    std::ostringstream out, err;
    Outcome outcome;
    outcome.code =
        ::pylon::ctl::Run(static_cast<int>(argv.size()), argv.data(), out, err, environment);
    outcome.out = out.str();
    outcome.err = err.str();
    EXPECT_EQ(outcome.out.find(kToken), std::string::npos);
    EXPECT_EQ(outcome.err.find(kToken2), std::string::npos);
    return outcome;
  }

  net::testing::TempDir dir_;
  OneNode cluster_;
  std::unique_ptr<store::EmbeddedStore> store_;
  std::unique_ptr<control::ControlPlane> plane_;
  std::unique_ptr<api::ControlService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::string token_file_;
};

TEST_F(CtlTest, BinaryAddsAndListsBots) {
  Outcome added =
      RunBinary({"bot", "add", "--token-file", token_file_, "--intents", "GUILDS,guild_messages",
                 "--shards", "4", "--cache", "guilds,members", "--chunking", "on_demand"});
  ASSERT_EQ(added.code, 0) << added.err;
  EXPECT_NE(added.out.find("Added bot 1015000000000000001 (alpha)."), std::string::npos);
  EXPECT_NE(added.out.find("intents:              513: GUILDS, GUILD_MESSAGES"), std::string::npos)
      << added.out;
  EXPECT_NE(added.out.find("cache:                guilds, members"), std::string::npos);
  EXPECT_NE(added.out.find("member chunking:      on_demand"), std::string::npos);
  EXPECT_EQ(plane_->BotToken(BotId(kBot))->reveal(), kToken);

  Outcome table = RunBinary({"bot", "list"});
  ASSERT_EQ(table.code, 0) << table.err;
  std::istringstream lines(table.out);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_TRUE(header.starts_with("ID                   USERNAME  SHARDS  INTENTS")) << header;
  EXPECT_TRUE(row.starts_with("1015000000000000001  alpha          4      513")) << row;
  EXPECT_EQ(row.find("USERNAME"), std::string::npos);
  // Columns line up: each header starts where its values start (left) or end (right).
  EXPECT_EQ(header.find("USERNAME"), row.find("alpha"));
  EXPECT_EQ(header.find("SHARDS") + 6, row.find(" 4 ") + 2);

  // --json may come after the command; the answer is the response proto.
  Outcome json = RunBinary({"bot", "list", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  cpb::ListBotsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &response).ok()) << json.out;
  ASSERT_EQ(response.bots_size(), 1);
  EXPECT_EQ(response.bots(0).id(), kBot);
  EXPECT_EQ(response.bots(0).spec().shard_count(), 4u);
  EXPECT_NE(json.out.find("\"token_fingerprint\""), std::string::npos);
  EXPECT_NE(json.out.find("\"MEMBER_CHUNKING_ON_DEMAND\""), std::string::npos);

  Outcome duplicate =
      RunBinary({"bot", "add", "--token-env", "MY_TOKEN"}, true, {"MY_TOKEN=" + kToken2});
  EXPECT_EQ(duplicate.code, kExitFailed);
  EXPECT_NE(duplicate.err.find("ALREADY_EXISTS"), std::string::npos) << duplicate.err;
}

TEST_F(CtlTest, BinaryRefusesTokensOnTheCommandLine) {
  Outcome plain = RunBinary({"bot", "add", "--token", kToken});
  EXPECT_EQ(plain.code, kExitUsage);
  EXPECT_NE(plain.err.find("never takes a bot token on the command line"), std::string::npos)
      << plain.err;
  Outcome nothing = RunBinary({"bot", "add"});
  EXPECT_EQ(nothing.code, kExitUsage);
  EXPECT_NE(nothing.err.find("--token-file"), std::string::npos);
  Outcome missing_file = RunBinary({"bot", "add", "--token-file", dir_.path() + "/missing"});
  EXPECT_EQ(missing_file.code, kExitUsage);
  EXPECT_NE(missing_file.err.find("cannot read --token-file"), std::string::npos);
  Outcome missing_env = RunBinary({"bot", "add", "--token-env", "NOT_SET_ANYWHERE"});
  EXPECT_EQ(missing_env.code, kExitUsage);
  EXPECT_NE(missing_env.err.find("NOT_SET_ANYWHERE is not set"), std::string::npos);
  EXPECT_TRUE(plane_->ListBots().empty());
}

TEST_F(CtlTest, BinaryAdminTokenAndErrors) {
  Outcome none = RunBinary({"bot", "list"}, false);
  EXPECT_EQ(none.code, kExitUsage);
  EXPECT_NE(none.err.find("no admin token"), std::string::npos) << none.err;

  Outcome wrong = RunBinary({"--admin-token", "not-the-admin-token", "bot", "list"}, false);
  EXPECT_EQ(wrong.code, kExitFailed);
  EXPECT_NE(wrong.err.find("refused the admin token"), std::string::npos) << wrong.err;

  std::string admin_file = dir_.path() + "/admin";
  std::ofstream(admin_file) << kAdmin << "\n";
  Outcome from_file = RunBinary({"--admin-token-file", admin_file, "bot", "list"}, false);
  EXPECT_EQ(from_file.code, 0) << from_file.err;
  EXPECT_NE(from_file.out.find("(none)"), std::string::npos);

  Outcome not_found = RunBinary({"bot", "get", "42"});
  EXPECT_EQ(not_found.code, kExitFailed);
  EXPECT_NE(not_found.err.find("bot get failed: NOT_FOUND: no bot 42"), std::string::npos)
      << not_found.err;

  Outcome bad_id = RunBinary({"bot", "get", "forty-two"});
  EXPECT_EQ(bad_id.code, kExitUsage);

  Outcome usage = RunBinary({"bot", "frobnicate"});
  EXPECT_EQ(usage.code, kExitUsage);
  Outcome help = RunBinary({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("bot"), std::string::npos);

  // Nothing listening: a port that was just free.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t length = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  std::string saved = address_;
  address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  Outcome unreachable = RunBinary({"--timeout", "5", "bot", "list"});
  address_ = saved;
  EXPECT_EQ(unreachable.code, kExitUnreachable);
  EXPECT_NE(unreachable.err.find("cannot reach the Pylon server"), std::string::npos)
      << unreachable.err;
}

TEST_F(CtlTest, BinaryGroupsTokensAndStatus) {
  Outcome created =
      RunBinary({"group", "create", "workers", "--bots", std::to_string(kBot), "--events",
                 "message_create,READY", "--push", "127.0.0.1:7000", "--max-in-flight", "64"});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_NE(created.out.find("events:         MESSAGE_CREATE, READY"), std::string::npos)
      << created.out;

  Outcome issued = RunBinary({"token", "issue", "workers", "--description", "prod"});
  ASSERT_EQ(issued.code, 0) << issued.err;
  EXPECT_NE(issued.err.find("shown only this once"), std::string::npos);
  size_t at = issued.out.find("pylon_wg_workers_");
  ASSERT_NE(at, std::string::npos) << issued.out;
  std::string secret = issued.out.substr(at, std::string("pylon_wg_workers_").size() + 32);
  EXPECT_NE(plane_->Snapshot()->GroupForToken(secret), nullptr);

  Outcome got = RunBinary({"group", "get", "workers"});
  ASSERT_EQ(got.code, 0) << got.err;
  EXPECT_EQ(got.out.find(secret), std::string::npos);
  EXPECT_NE(got.out.find("TOKEN ID"), std::string::npos);
  EXPECT_NE(got.out.find("prod"), std::string::npos);

  Outcome json = RunBinary({"--json", "token", "issue", "workers"});
  ASSERT_EQ(json.code, 0) << json.err;
  cpb::IssueWorkerGroupTokenResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &response).ok());
  EXPECT_TRUE(response.secret().starts_with("pylon_wg_workers_"));

  Outcome revoked = RunBinary({"token", "revoke", "workers", response.token().token_id()});
  ASSERT_EQ(revoked.code, 0) << revoked.err;
  EXPECT_EQ(plane_->Snapshot()->GroupForToken(response.secret()), nullptr);

  ASSERT_EQ(RunBinary({"bot", "add", "--token-file", token_file_}).code, 0);
  Outcome status = RunBinary({"status", "--bot", std::to_string(kBot)});
  ASSERT_EQ(status.code, 0) << status.err;
  for (std::string_view expected :
       {"NODES\n", "node-1  127.0.0.1:4021  up     gateway,control", "SHARDS\n",
        "1015000000000000001    0/2  resuming  node-1", "1/2  ready     node-1", "42 ms",
        "WORKER GROUPS\n", "CONSUMERS\n", "consumer-a", "CACHE\n", "members     2000  3.0 MiB"}) {
    EXPECT_NE(status.out.find(expected), std::string::npos) << expected << "\n" << status.out;
  }
  // Shards are sorted: 0/2 before 1/2.
  EXPECT_LT(status.out.find("0/2"), status.out.find("1/2"));
  Outcome status_json = RunBinary({"status", "--json"});
  ASSERT_EQ(status_json.code, 0);
  cpb::GetClusterStatusResponse cluster;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(status_json.out, &cluster).ok());
  EXPECT_EQ(cluster.shards_size(), 2);

  Outcome drain = RunBinary({"node", "drain", "node-1"});
  EXPECT_EQ(drain.code, kExitFailed);
  EXPECT_NE(drain.err.find("FAILED_PRECONDITION: a single node has nowhere to move shards"),
            std::string::npos)
      << drain.err;
  Outcome migrate = RunBinary({"shard", "migrate", std::to_string(kBot), "5", "node-2"});
  EXPECT_EQ(migrate.code, kExitFailed);
  EXPECT_NE(migrate.err.find("no shard 5"), std::string::npos) << migrate.err;
}

TEST_F(CtlTest, UpdatesAndDeletes) {
  ASSERT_EQ(RunHere({"bot", "add", "--token-file", "-"}, kToken + "\n").code, 0);
  Outcome updated = RunHere({"bot", "update", std::to_string(kBot), "--large-threshold", "100",
                             "--stop", "--token-env", "BOT_TOKEN"});
  ASSERT_EQ(updated.code, 0) << updated.err;
  EXPECT_NE(updated.out.find("(token rotated)"), std::string::npos);
  auto bot = *plane_->GetBot(BotId(kBot));
  EXPECT_EQ(bot.spec().large_threshold(), 100u);
  EXPECT_TRUE(bot.spec().stopped());
  EXPECT_EQ(plane_->BotToken(BotId(kBot))->reveal(), kToken2);

  // --reset puts a field back to its default; other fields keep their values.
  ASSERT_EQ(
      RunHere({"bot", "update", std::to_string(kBot), "--reset", "large_threshold", "--start"})
          .code,
      0);
  bot = *plane_->GetBot(BotId(kBot));
  EXPECT_EQ(bot.spec().large_threshold(), 250u);
  EXPECT_FALSE(bot.spec().stopped());
  EXPECT_EQ(RunHere({"bot", "update", std::to_string(kBot)}).code, kExitUsage);
  EXPECT_EQ(RunHere({"bot", "update", std::to_string(kBot), "--reset", "token"}).code, kExitUsage);
  EXPECT_EQ(RunHere({"bot", "update", std::to_string(kBot), "--shards", "0"}).code, kExitUsage);
  Outcome invalid = RunHere({"bot", "update", std::to_string(kBot), "--intents", "0x40000"});
  EXPECT_EQ(invalid.code, kExitFailed);
  EXPECT_NE(invalid.err.find("INVALID_ARGUMENT: intents"), std::string::npos) << invalid.err;

  ASSERT_EQ(RunHere({"group", "create", "g"}).code, 0);
  ASSERT_EQ(RunHere({"group", "update", "g", "--guilds", "5,6", "--max-in-flight", "9"}).code, 0);
  auto group = *plane_->GetWorkerGroup("g");
  EXPECT_EQ(group.spec().guild_ids_size(), 2);
  EXPECT_EQ(group.spec().max_in_flight(), 9u);
  ASSERT_EQ(RunHere({"group", "update", "g", "--guilds", ""}).code, 0);  // clears the list
  EXPECT_EQ(plane_->GetWorkerGroup("g")->spec().guild_ids_size(), 0);
  EXPECT_EQ(plane_->GetWorkerGroup("g")->spec().max_in_flight(), 9u);
  Outcome bad_push = RunHere({"group", "update", "g", "--push", "nowhere"});
  EXPECT_EQ(bad_push.code, kExitFailed);
  EXPECT_NE(bad_push.err.find("push target address 'nowhere'"), std::string::npos);
  Outcome list = RunHere({"group", "list"});
  ASSERT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("NAME  BOTS  GUILDS  EVENTS  PUSH TARGETS  MAX IN FLIGHT  TOKENS"),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("g      all     all     all  -                         9       0"),
            std::string::npos)
      << list.out;

  EXPECT_EQ(RunHere({"group", "delete", "g"}).code, 0);
  EXPECT_EQ(RunHere({"group", "delete", "g"}).code, kExitFailed);
  EXPECT_EQ(RunHere({"bot", "delete", std::to_string(kBot)}).code, 0);
  EXPECT_TRUE(plane_->ListBots().empty());
}

TEST(TableTest, AlignsColumns) {
  Table table({{"NAME"}, {"COUNT", true}, {"NOTE"}});
  table.AddRow({"a", "1", "x"});
  table.AddRow({"longer", "12345", ""});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "NAME    COUNT  NOTE\n"
            "a           1  x\n"
            "longer  12345\n");
  Table empty({{"A"}});
  std::ostringstream none;
  empty.Print(none);
  EXPECT_EQ(none.str(), "A\n(none)\n");
}

TEST(FormatTest, ParsesOptionValues) {
  EXPECT_EQ(*ParseIntents("513"), 513u);
  EXPECT_EQ(*ParseIntents("0x201"), 513u);
  EXPECT_EQ(*ParseIntents("guilds|GUILD_MESSAGES"), 513u);
  EXPECT_FALSE(ParseIntents("GUILDZ").ok());
  EXPECT_EQ(*ParseShardCount("auto"), 0u);
  EXPECT_EQ(*ParseShardCount("16"), 16u);
  EXPECT_FALSE(ParseShardCount("0").ok());
  EXPECT_FALSE(ParseShardCount("65537").ok());
  EXPECT_EQ(ParseCacheKinds("all")->size(), 9u);
  EXPECT_TRUE(ParseCacheKinds("none")->empty());
  EXPECT_EQ(ParseCacheKinds("members, voice_states")->at(1), cpb::CACHE_KIND_VOICE_STATES);
  EXPECT_FALSE(ParseCacheKinds("unspecified").ok());
  EXPECT_EQ(*ParseChunking("all_on_connect"), cpb::MEMBER_CHUNKING_ALL_ON_CONNECT);
  EXPECT_FALSE(ParseChunking("policy_unspecified").ok());
  EXPECT_EQ(ParseIdList("--bots", "1, 2,3")->size(), 3u);
  EXPECT_TRUE(ParseIdList("--bots", "")->empty());
  EXPECT_FALSE(ParseIdList("--bots", "1,x").ok());
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1536 * 1024), "1.5 MiB");
  google::protobuf::Timestamp timestamp;
  EXPECT_EQ(FormatTimestamp(timestamp), "-");
  timestamp.set_seconds(1767225600);
  EXPECT_EQ(FormatTimestamp(timestamp), "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace pylon::ctl
