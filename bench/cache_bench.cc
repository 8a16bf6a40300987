// Copyright 2026 The Pylon Gateway Authors.
// ShardCache costs: applying the hot events (member updates, presence updates, message creates),
// with and without building `previous` / `current`; member paging over a large guild; and the
// memory per member at 1,000,000 members over 1,000 guilds (counter `bytes_per_member`: members
// plus their share of users, as accounted by Usage; `heap_bytes_per_member`: the allocator's view
// of the whole cache).

#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "base/heap_usage.h"
#include "cache/cache_test_util.h"
#include "cache/shard_cache.h"

namespace pylon::cache {
namespace {

using namespace test_util;  // NOLINT

constexpr uint64_t kBenchGuild = 1'000'000'000'000;  // BuildMemberWorld's first guild
constexpr uint64_t kFirstUser = 2'000'000'000'000;
constexpr uint64_t kUserStep = 13;

// One guild of `members` members (and users), as BuildMemberWorld makes them.
std::unique_ptr<ShardCache> OneGuild(uint32_t members) {
  auto cache = std::make_unique<ShardCache>(BotId(kBot), CacheOptions());
  BuildMemberWorld(*cache, 1, members, members);
  return cache;
}

UserId NthUser(uint64_t n) { return UserId(kFirstUser + n * kUserStep); }

void BM_ApplyMemberUpdate(benchmark::State& state) {
  constexpr uint32_t kMembers = 10'000;
  auto cache = OneGuild(kMembers);
  const bool protos = state.range(0) != 0;
  pb::MemberData previous, current;
  uint64_t i = 0;
  for (auto _ : state) {
    const uint64_t n = i % kMembers;
    discord::MemberEvent event;
    event.guild = GuildId(kBenchGuild);
    event.member.has_user = true;
    event.member.user.id = NthUser(n);
    event.member.user.username = "user" + std::to_string(n);
    event.member.roles.push_back(kBenchGuild + (1 + (i & 7)) * 7919);
    if (i & 1) event.member.nick = "nick";
    event.member.joined_at = 1'600'000'000'000'000;
    if (protos) {
      previous.Clear();
      current.Clear();
      cache->ApplyMemberUpdate(event, &previous, &current);
    } else {
      cache->ApplyMemberUpdate(event, nullptr, nullptr);
    }
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyMemberUpdate)->Arg(0)->Arg(1)->ArgName("protos");

void BM_ApplyPresenceUpdate(benchmark::State& state) {
  constexpr uint32_t kMembers = 10'000;
  auto cache = OneGuild(kMembers);
  const bool protos = state.range(0) != 0;
  static constexpr discord::OnlineStatus kStatuses[] = {
      discord::OnlineStatus::kOnline, discord::OnlineStatus::kIdle, discord::OnlineStatus::kDnd,
      discord::OnlineStatus::kOffline};
  discord::Activity activity;
  activity.name = "a game with a name";
  activity.type = 0;
  activity.created_at = 1'700'000'000'000'000;
  pb::PresenceData previous, current;
  uint64_t i = 0;
  for (auto _ : state) {
    discord::PresenceEvent event;
    event.guild = GuildId(kBenchGuild);
    event.presence.user = NthUser(i % kMembers);
    event.presence.status = kStatuses[(i / kMembers) % 4];
    event.presence.desktop = event.presence.status;
    if (event.presence.status != discord::OnlineStatus::kOffline) {
      event.presence.activities.push_back(activity);
    }
    if (protos) {
      previous.Clear();
      current.Clear();
      cache->ApplyPresenceUpdate(event, &previous, &current);
    } else {
      cache->ApplyPresenceUpdate(event, nullptr, nullptr);
    }
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyPresenceUpdate)->Arg(0)->Arg(1)->ArgName("protos");

// 100 channels, depth 100 (the default): after the first 10,000 messages every create evicts.
void BM_ApplyMessageCreate(benchmark::State& state) {
  auto cache = OneGuild(1000);
  pb::MessageData message;
  message.mutable_guild_id()->set_value(kBenchGuild);
  message.set_content(std::string(120, 'x'));
  message.mutable_timestamp()->set_seconds(1'700'000'000);
  message.set_type(pb::MessageData::DEFAULT);
  message.mutable_member()->add_roles(kBenchGuild + 7919);
  message.mutable_member()->mutable_joined_at()->set_seconds(1'600'000'000);
  auto* embed = message.add_embeds();
  embed->set_title("title");
  embed->set_description(std::string(200, 'd'));
  uint64_t i = 0;
  for (auto _ : state) {
    const uint64_t channel = 5000 + i % 100;
    const uint64_t author = i % 1000;
    message.set_id(1'000'000 + i);
    message.set_channel_id(channel);
    auto* user = message.mutable_author();
    user->set_id(NthUser(author).value());
    user->set_username("user" + std::to_string(author));
    discord::MessageCreateEvent event{GuildId(kBenchGuild), ChannelId(channel),
                                      MessageId(1'000'000 + i), &message};
    cache->ApplyMessageCreate(event);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(message.ByteSizeLong()));
}
BENCHMARK(BM_ApplyMessageCreate);

// A 1,000-member page of a 100,000-member guild, after a random id.
void BM_ListMembersPage(benchmark::State& state) {
  constexpr uint32_t kMembers = 100'000;
  auto cache = OneGuild(kMembers);
  uint64_t i = 0;
  for (auto _ : state) {
    google::protobuf::RepeatedPtrField<pb::MemberData> page;
    cache->ListMembers(GuildId(kBenchGuild), NthUser((i * 7919) % kMembers), 1000, &page);
    benchmark::DoNotOptimize(page);
    ++i;
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_ListMembersPage)->Unit(benchmark::kMicrosecond);

// FindMembers by prefix over 100,000 members (limit 100).
void BM_FindMembersPrefix(benchmark::State& state) {
  constexpr uint32_t kMembers = 100'000;
  auto cache = OneGuild(kMembers);
  MemberQuery query;
  query.prefix = "USER12";
  for (auto _ : state) {
    google::protobuf::RepeatedPtrField<pb::MemberData> found;
    cache->FindMembers(GuildId(kBenchGuild), query, &found);
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_FindMembersPrefix)->Unit(benchmark::kMicrosecond);

// 1,000,000 members over 1,000 guilds, 666,667 users (~1.5 guilds per user).
void BM_MillionMembers(benchmark::State& state) {
  for (auto _ : state) {
    const size_t heap_before = HeapAllocatedBytes();
    ShardCache cache{BotId(kBot), CacheOptions()};
    BuildMemberWorld(cache, 1000, 1000, 666'667);
    const size_t heap_after = HeapAllocatedBytes();
    const double members = static_cast<double>(cache.counts().members);
    state.counters["bytes_per_member"] =
        static_cast<double>(cache.Usage(Kind::kMembers).bytes + cache.Usage(Kind::kUsers).bytes) /
        members;
    state.counters["member_bytes_per_member"] =
        static_cast<double>(cache.Usage(Kind::kMembers).bytes) / members;
    state.counters["heap_bytes_per_member"] =
        static_cast<double>(heap_after - heap_before) / members;
    state.counters["users"] = static_cast<double>(cache.counts().users);
    // Presences, separately: 40 % of the members online (one in ten idle, one in ten dnd), half
    // of those with one activity, as the simulator's default shares.
    discord::Activity activity;
    activity.name = "a game with a name";
    activity.type = 0;
    activity.created_at = 1'700'000'000'000'000;
    uint64_t presences = 0;
    for (uint32_t g = 0; g < 1000; ++g) {
      for (uint32_t j = 0; j < 1000; ++j) {
        const uint64_t n = (uint64_t{g} * 1000 + j) % 666'667;
        if (n % 10 >= 4) continue;
        discord::PresenceEvent event;
        event.guild = GuildId(kBenchGuild + g);
        event.presence.user = NthUser(n);
        event.presence.status = n % 10 == 0   ? discord::OnlineStatus::kIdle
                                : n % 10 == 1 ? discord::OnlineStatus::kDnd
                                              : discord::OnlineStatus::kOnline;
        event.presence.desktop = event.presence.status;
        if (n % 2 == 0) event.presence.activities.push_back(activity);
        cache.ApplyPresenceUpdate(event, nullptr, nullptr);
        ++presences;
      }
    }
    const size_t heap_presences = HeapAllocatedBytes();
    state.counters["presences"] = static_cast<double>(presences);
    state.counters["presence_bytes_per_presence"] =
        static_cast<double>(cache.Usage(Kind::kPresences).bytes) / static_cast<double>(presences);
    state.counters["presence_heap_bytes_per_presence"] =
        static_cast<double>(heap_presences - heap_after) / static_cast<double>(presences);
  }
}
BENCHMARK(BM_MillionMembers)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pylon::cache

BENCHMARK_MAIN();
