// Copyright 2026 The Pylon Gateway Authors.
// GatewayParser: the cost of parsing one gateway frame into the events of events.h, per event
// kind and for a mix shaped like the simulator's default (sim/event_generator.h).
//   scripts/build release parser_bench && build/release/bench/parser_bench
// The frames are the samples of src/discord/testdata.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "discord/json_parser.h"

namespace pylon::discord {
namespace {

std::filesystem::path TestdataDir() {
  if (const char* source = std::getenv("PYLON_SOURCE_DIR")) {
    return std::filesystem::path(source) / "src/discord/testdata";
  }
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    exe[n] = '\0';
    for (std::filesystem::path dir = std::filesystem::path(exe).parent_path();
         dir != dir.parent_path(); dir = dir.parent_path()) {
      if (std::filesystem::is_directory(dir / "src/discord/testdata")) {
        return dir / "src/discord/testdata";
      }
    }
  }
  return "src/discord/testdata";
}

std::string Testdata(const std::string& name) {
  std::ifstream in(TestdataDir() / name, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "parser_bench: cannot read %s (set PYLON_SOURCE_DIR)\n", name.c_str());
    std::abort();
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string json = text.str();
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

// A padded copy, as the inflater hands it over.
struct PaddedFrame {
  explicit PaddedFrame(const std::string& json) : bytes(json), size(json.size()) {
    bytes.resize(json.size() + Inflater::kPadding, ' ');
  }
  InflatedMessage message() const { return {bytes.data(), size, bytes.size()}; }
  std::string bytes;
  size_t size;
};

// Looks at what it is given, as a real handler would, without doing more.
class CountingHandler final : public GatewayEventHandler {
 public:
  void OnHello(uint32_t) override { ++events; }
  void OnHeartbeatAck() override { ++events; }
  void OnHeartbeatRequest() override { ++events; }
  void OnReconnect() override { ++events; }
  void OnInvalidSession(bool) override { ++events; }
  void OnSequence(uint64_t seq) override { last_seq = seq; }
  void OnReady(ReadyEvent&) override { ++events; }
  void OnResumed() override { ++events; }
  void OnGuildCreate(GuildCreateEvent& e) override { events += 1 + e.members.size(); }
  void OnGuildUpdate(GuildUpdateEvent&) override { ++events; }
  void OnGuildDelete(GuildDeleteEvent&) override { ++events; }
  void OnRoleCreate(RoleEvent&) override { ++events; }
  void OnRoleUpdate(RoleEvent&) override { ++events; }
  void OnRoleDelete(RoleDeleteEvent&) override { ++events; }
  void OnChannelCreate(ChannelEvent&) override { ++events; }
  void OnChannelUpdate(ChannelEvent&) override { ++events; }
  void OnChannelDelete(ChannelEvent&) override { ++events; }
  void OnThreadCreate(ChannelEvent&) override { ++events; }
  void OnThreadUpdate(ChannelEvent&) override { ++events; }
  void OnThreadDelete(ThreadDeleteEvent&) override { ++events; }
  void OnThreadListSync(ThreadListSyncEvent&) override { ++events; }
  void OnMemberAdd(MemberEvent&) override { ++events; }
  void OnMemberUpdate(MemberEvent&) override { ++events; }
  void OnMemberRemove(MemberRemoveEvent&) override { ++events; }
  void OnMembersChunk(MembersChunkEvent&) override { ++events; }
  void OnPresenceUpdate(PresenceEvent&) override { ++events; }
  void OnVoiceStateUpdate(VoiceStateEvent&) override { ++events; }
  void OnEmojisUpdate(EmojisUpdateEvent&) override { ++events; }
  void OnUserUpdate(UserUpdateEvent&) override { ++events; }
  void OnMessageCreate(MessageCreateEvent& e) override { events += e.message->content().size(); }
  void OnMessageUpdate(MessageUpdateEvent& e) override { events += e.present.count(); }
  void OnMessageDelete(MessageDeleteEvent&) override { ++events; }
  void OnMessageDeleteBulk(MessageDeleteBulkEvent&) override { ++events; }
  void OnReaction(ReactionEvent&, pb::event::EventEnvelope&) override { ++events; }
  void OnPassthrough(std::string_view, GuildId, pb::event::EventEnvelope&) override { ++events; }
  void OnUnmodelled(std::string_view) override { ++events; }
  void OnMalformed(std::string_view, const Error&) override { ++malformed; }

  uint64_t events = 0;
  uint64_t last_seq = 0;
  uint64_t malformed = 0;
};

void Run(benchmark::State& state, const std::vector<PaddedFrame>& frames) {
  GatewayParser parser;
  CountingHandler handler;
  size_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    const PaddedFrame& frame = frames[i];
    if (++i == frames.size()) i = 0;
    Status status = parser.Parse(frame.message(), handler);
    benchmark::DoNotOptimize(status);
    bytes += frame.size;
  }
  if (handler.malformed != 0) state.SkipWithError("malformed frames");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// The frame with `d` moved first (the second-pass path).
std::string DataFirst(const std::string& json) {
  size_t d = json.find(",\"d\":");
  return "{\"d\":" + json.substr(d + 5, json.size() - d - 6) + "," + json.substr(1, d - 1) + "}";
}

void BM_Parse(benchmark::State& state, const char* file) {
  Run(state, {PaddedFrame(Testdata(file))});
}
BENCHMARK_CAPTURE(BM_Parse, message_create_1k, "message_create_typical.json");
BENCHMARK_CAPTURE(BM_Parse, message_create_6k_all_fields, "message_create.json");
BENCHMARK_CAPTURE(BM_Parse, message_update_partial, "message_update_partial.json");
BENCHMARK_CAPTURE(BM_Parse, message_delete, "message_delete.json");
BENCHMARK_CAPTURE(BM_Parse, typing_start, "typing_start.json");
BENCHMARK_CAPTURE(BM_Parse, reaction_add, "message_reaction_add.json");
BENCHMARK_CAPTURE(BM_Parse, presence_update, "presence_update.json");
BENCHMARK_CAPTURE(BM_Parse, member_update, "guild_member_update.json");
BENCHMARK_CAPTURE(BM_Parse, voice_state_update, "voice_state_update.json");
BENCHMARK_CAPTURE(BM_Parse, interaction_command, "interaction_create_command.json");
BENCHMARK_CAPTURE(BM_Parse, guild_create_small, "guild_create.json");
BENCHMARK_CAPTURE(BM_Parse, heartbeat_ack, "heartbeat_ack.json");
BENCHMARK_CAPTURE(BM_Parse, unmodelled, "auto_moderation_action_execution.json");

void BM_ParseDataFirst(benchmark::State& state) {
  Run(state, {PaddedFrame(DataFirst(Testdata("message_create_typical.json")))});
}
BENCHMARK(BM_ParseDataFirst);

// A GUILD_CREATE with `members` members (and as many presences).
void BM_ParseGuildCreate(benchmark::State& state) {
  std::string members, presences;
  for (int64_t i = 0; i < state.range(0); ++i) {
    if (i) {
      members += ",";
      presences += ",";
    }
    std::string id = std::to_string(80351110224678912 + i);
    members +=
        R"({"user":{"id":")" + id + R"(","username":"member)" + std::to_string(i) +
        R"(","global_name":null,"discriminator":"0","avatar":"8342729096ea3675442027381ff50dfe","public_flags":0},)"
        R"("roles":["41771983423143936"],"nick":null,"avatar":null,"premium_since":null,)"
        R"("joined_at":"2022-04-23T19:03:25.927000+00:00","deaf":false,"mute":false,"flags":0,)"
        R"("pending":false,"communication_disabled_until":null})";
    presences += R"({"user":{"id":")" + id +
                 R"("},"status":"online","client_status":{"desktop":"online"},"activities":[]})";
  }
  std::string json = R"({"t":"GUILD_CREATE","s":2,"op":0,"d":{"id":"81384788765712384",)"
                     R"("name":"big","member_count":)" +
                     std::to_string(state.range(0)) + R"(,"members":[)" + members +
                     R"(],"presences":[)" + presences + "]}}";
  Run(state, {PaddedFrame(json)});
  state.counters["members/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseGuildCreate)->Arg(1000);

// The simulator's default mix (per 10,000: MESSAGE_CREATE 6000, TYPING_START 900,
// MESSAGE_REACTION_ADD 800, PRESENCE_UPDATE 800, MESSAGE_UPDATE 500, MESSAGE_DELETE 300,
// MESSAGE_REACTION_REMOVE 200, VOICE_STATE_UPDATE 100, member events 170, the rest ~230),
// interleaved.
void BM_ParseMixed(benchmark::State& state) {
  struct Share {
    const char* file;
    int per_10000;
  };
  const Share shares[] = {
      {"message_create_typical.json", 6000},
      {"typing_start.json", 900},
      {"message_reaction_add.json", 800},
      {"presence_update.json", 800},
      {"message_update.json", 500},
      {"message_delete.json", 300},
      {"message_reaction_remove.json", 200},
      {"voice_state_update.json", 100},
      {"guild_member_update.json", 120},
      {"guild_member_add.json", 60},
      {"message_create.json", 100},
      {"channel_update.json", 50},
      {"invite_create.json", 30},
      {"guild_role_update.json", 40},
  };
  std::vector<PaddedFrame> frames;
  std::vector<std::pair<std::string, int>> left;
  for (const Share& share : shares) left.emplace_back(Testdata(share.file), share.per_10000 / 10);
  for (bool any = true; any;) {  // round robin, so that kinds interleave
    any = false;
    for (auto& [json, count] : left) {
      if (count-- > 0) {
        frames.emplace_back(json);
        any = true;
      }
    }
  }
  Run(state, frames);
}
BENCHMARK(BM_ParseMixed);

}  // namespace
}  // namespace pylon::discord

BENCHMARK_MAIN();
