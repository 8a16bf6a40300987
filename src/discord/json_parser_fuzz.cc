// Copyright 2026 The Pylon Gateway Authors.
// Fuzz target of GatewayParser: any bytes, as one padded gateway message, through a parser whose
// handler touches everything it is given. Every input is parsed twice by the same parser (the
// second time reusing its scratch objects), with different padding bytes.
//
// Built two ways (src/discord/CMakeLists.txt):
// - discord_parser_fuzz: a libFuzzer binary (clang only).
// - discord_parser_corpus_test: a unit test running every file of testdata/fuzz_corpus, and
//   truncated copies of them, through LLVMFuzzerTestOneInput (under ASan+UBSan in the asan
//   build).

#include <cstdint>
#include <cstring>
#include <vector>

#include "discord/json_parser.h"

namespace pylon::discord {
namespace {

// Touches what the parser hands over, so that sanitizers see every byte of it.
class TouchingHandler final : public GatewayEventHandler {
 public:
  void OnHello(uint32_t interval) override { sink_ += interval; }
  void OnHeartbeatAck() override { ++sink_; }
  void OnHeartbeatRequest() override { ++sink_; }
  void OnReconnect() override { ++sink_; }
  void OnInvalidSession(bool resumable) override { sink_ += resumable; }
  void OnSequence(uint64_t seq) override { sink_ += seq; }
  void OnReady(ReadyEvent& e) override { sink_ += e.session_id.size() + e.guilds.size(); }
  void OnResumed() override { ++sink_; }
  void OnGuildCreate(GuildCreateEvent& e) override {
    sink_ += e.guild.name.size() + e.roles.size() + e.channels.size() + e.members.size();
    for (const Member& m : e.members) sink_ += m.user.username.size() + m.roles.size();
    for (const Presence& p : e.presences) sink_ += p.activities.size();
  }
  void OnGuildUpdate(GuildUpdateEvent& e) override { sink_ += e.guild.features.size(); }
  void OnGuildDelete(GuildDeleteEvent& e) override { sink_ += e.guild.value(); }
  void OnRoleCreate(RoleEvent& e) override { sink_ += e.role.name.size(); }
  void OnRoleUpdate(RoleEvent& e) override { sink_ += e.role.name.size(); }
  void OnRoleDelete(RoleDeleteEvent& e) override { sink_ += e.role.value(); }
  void OnChannelCreate(ChannelEvent& e) override { Touch(e.channel); }
  void OnChannelUpdate(ChannelEvent& e) override { Touch(e.channel); }
  void OnChannelDelete(ChannelEvent& e) override { Touch(e.channel); }
  void OnThreadCreate(ChannelEvent& e) override { Touch(e.channel); }
  void OnThreadUpdate(ChannelEvent& e) override { Touch(e.channel); }
  void OnThreadDelete(ThreadDeleteEvent& e) override { sink_ += e.id.value(); }
  void OnThreadListSync(ThreadListSyncEvent& e) override { sink_ += e.threads.size(); }
  void OnMemberAdd(MemberEvent& e) override { sink_ += e.member.nick.size(); }
  void OnMemberUpdate(MemberEvent& e) override { sink_ += e.member.roles.size(); }
  void OnMemberRemove(MemberRemoveEvent& e) override { sink_ += e.user.username.size(); }
  void OnMembersChunk(MembersChunkEvent& e) override { sink_ += e.members.size(); }
  void OnPresenceUpdate(PresenceEvent& e) override {
    for (const Activity& a : e.presence.activities) sink_ += a.name.size() + a.state.size();
  }
  void OnVoiceStateUpdate(VoiceStateEvent& e) override { sink_ += e.state.session_id.size(); }
  void OnEmojisUpdate(EmojisUpdateEvent& e) override { sink_ += e.emojis.size(); }
  void OnUserUpdate(UserUpdateEvent& e) override { sink_ += e.user.avatar.str().size(); }
  void OnMessageCreate(MessageCreateEvent& e) override { sink_ += e.message->ByteSizeLong(); }
  void OnMessageUpdate(MessageUpdateEvent& e) override {
    sink_ += e.message->ByteSizeLong() + e.present.count();
  }
  void OnMessageDelete(MessageDeleteEvent& e) override { sink_ += e.id.value(); }
  void OnMessageDeleteBulk(MessageDeleteBulkEvent& e) override { sink_ += e.ids.size(); }
  void OnReaction(ReactionEvent& e, pb::event::EventEnvelope& envelope) override {
    sink_ += e.emoji_name.size() + envelope.ByteSizeLong();
  }
  void OnPassthrough(std::string_view name, GuildId guild,
                     pb::event::EventEnvelope& envelope) override {
    sink_ += name.size() + guild.value() + envelope.ByteSizeLong();
  }
  void OnUnmodelled(std::string_view name) override { sink_ += name.size(); }
  void OnMalformed(std::string_view name, const Error& error) override {
    sink_ += name.size() + error.message().size();
  }

  uint64_t sink() const { return sink_; }

 private:
  void Touch(const Channel& c) { sink_ += c.name.size() + c.topic.size() + c.overwrites.size(); }

  uint64_t sink_ = 0;
};

void ParseWithPadding(GatewayParser& parser, const uint8_t* data, size_t size, char padding) {
  std::vector<char> buffer(size + Inflater::kPadding, padding);
  if (size > 0) std::memcpy(buffer.data(), data, size);
  InflatedMessage message{buffer.data(), size, buffer.size()};
  TouchingHandler handler;
  (void)parser.Parse(message, handler);
  volatile uint64_t sink = handler.sink();
  (void)sink;
}

}  // namespace
}  // namespace pylon::discord

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pylon::discord::GatewayParser parser;
  pylon::discord::ParseWithPadding(parser, data, size, '\0');
  // Stale bytes after the message may be anything, including a closing brace (simdjson has a
  // special case for it).
  pylon::discord::ParseWithPadding(parser, data, size, '}');
  return 0;
}

#ifdef PYLON_FUZZ_CORPUS_TEST

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace pylon::discord {
namespace {

// src/discord/testdata, from $PYLON_SOURCE_DIR (ctest) or up from the binary (run by hand).
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

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ParserCorpusTest, EveryCorpusFileAndItsPrefixes) {
  std::filesystem::path dir = TestdataDir() / "fuzz_corpus";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  EXPECT_GE(files.size(), 30u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::string bytes = ReadFile(file);
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    LLVMFuzzerTestOneInput(data, bytes.size());
    // Truncated copies: at most 64 cut points per file.
    size_t step = std::max<size_t>(1, bytes.size() / 64);
    for (size_t cut = 0; cut < bytes.size(); cut += step) LLVMFuzzerTestOneInput(data, cut);
  }
}

}  // namespace
}  // namespace pylon::discord

#endif  // PYLON_FUZZ_CORPUS_TEST
