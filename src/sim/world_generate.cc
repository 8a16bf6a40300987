// Copyright 2026 The Pylon Gateway Authors.
// World::Generate: builds the world described by a WorldConfig. Deterministic: every random
// choice comes from one xoshiro256** stream seeded with config.seed, in a fixed order.

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/text.h"
#include "sim/world.h"
#include "sim/world_internal.h"

namespace pylon::sim {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kFirstUserMs = 1433116800000;   // 2015-06-01
constexpr int64_t kFirstGuildMs = 1451606400000;  // 2016-01-01

// Zipf sizes summing to about `total`, capped at `cap`, at least `floor_size` each.
std::vector<uint32_t> GuildSizes(uint32_t guilds, uint64_t total, double exponent, uint32_t cap,
                                 uint32_t floor_size) {
  std::vector<double> weight(guilds);
  for (uint32_t k = 0; k < guilds; ++k) weight[k] = 1.0 / std::pow(k + 1.0, exponent);
  std::vector<double> size(guilds, 0.0);
  std::vector<bool> capped(guilds, false);
  double remaining = static_cast<double>(total);
  // Water-filling: give every uncapped guild its share of what is left; cap and repeat.
  for (int round = 0; round < 64; ++round) {
    double free_weight = 0;
    for (uint32_t k = 0; k < guilds; ++k) {
      if (!capped[k]) free_weight += weight[k];
    }
    if (free_weight <= 0) break;
    bool changed = false;
    for (uint32_t k = 0; k < guilds; ++k) {
      if (capped[k]) continue;
      size[k] = remaining * weight[k] / free_weight;
      if (size[k] > cap) {
        size[k] = cap;
        capped[k] = true;
        remaining -= cap;
        changed = true;
      }
    }
    if (!changed) break;
  }
  std::vector<uint32_t> sizes(guilds);
  uint64_t assigned = 0;
  for (uint32_t k = 0; k < guilds; ++k) {
    sizes[k] = static_cast<uint32_t>(std::floor(size[k]));
    assigned += sizes[k];
  }
  // Hand out the rounding remainder one by one, largest guilds first, within the cap.
  for (uint32_t k = 0; assigned < total && k < guilds; ++k) {
    if (sizes[k] < cap) {
      ++sizes[k];
      ++assigned;
    }
  }
  for (uint32_t& s : sizes) s = std::max(s, floor_size);
  return sizes;
}

uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

PresenceStatus RandomStatus(Random& random, const WorldConfig& config) {
  double x = random.Unit();
  if (x < config.online_share) return PresenceStatus::kOnline;
  x -= config.online_share;
  if (x < config.idle_share) return PresenceStatus::kIdle;
  x -= config.idle_share;
  if (x < config.dnd_share) return PresenceStatus::kDnd;
  return PresenceStatus::kOffline;
}

}  // namespace

// A presence for a member of the generated world (also used by the event generator).
Presence MakePresence(Random& random, PresenceStatus status, double activity_share,
                      int64_t now_ms) {
  Presence presence;
  presence.status = status;
  if (status == PresenceStatus::kOffline) return presence;
  uint64_t platforms = random.Below(10);
  if (platforms < 6) {
    presence.desktop = status;
  } else if (platforms < 9) {
    presence.mobile = status;
  } else {
    presence.web = status;
  }
  if (platforms == 5) presence.mobile = status;  // some are on two platforms
  if (random.Chance(activity_share)) {
    static constexpr uint8_t kTypes[] = {0, 0, 0, 2, 3, 4, 4, 1};
    Activity activity;
    activity.type = kTypes[random.Below(8)];
    activity.name = std::string(MakeActivityName(random, activity.type));
    if (activity.type == 4) {
      activity.state.clear();
      AppendSentence(random, 1 + static_cast<uint32_t>(random.Below(4)), &activity.state);
    } else if (activity.type == 1) {
      activity.url = "https://twitch.tv/" + MakeUsername(random, random.Below(1000));
    }
    activity.created_ms = now_ms - static_cast<int64_t>(random.Below(4 * 3600 * 1000));
    presence.activities.push_back(std::move(activity));
  }
  return presence;
}

void World::Generate() {
  const WorldConfig& c = config_;
  Random random(c.seed);
  const int64_t now = c.now_unix_ms;

  // ---- Guild sizes and the user pool ----
  const uint32_t guild_count = c.guilds;
  uint32_t cap = std::max<uint32_t>(1, c.max_guild_members);
  std::vector<uint32_t> sizes = GuildSizes(guild_count, c.members, c.size_exponent, cap,
                                           std::max<uint32_t>(1, c.min_guild_members));
  uint32_t largest = sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());
  uint32_t pool =
      c.users != 0 ? c.users : static_cast<uint32_t>(std::max<uint64_t>(c.members * 3 / 5, 16));
  pool = std::max(pool, largest);
  for (uint32_t i = guild_count; i > 1; --i) {  // shuffle sizes over the guilds
    std::swap(sizes[i - 1], sizes[random.Below(i)]);
  }

  // ---- Users: creation times spread evenly (with jitter) from 2015-06 to yesterday ----
  users_.reserve(pool + c.bots);
  user_index_.Reserve(pool + c.bots);
  const int64_t user_span = std::max<int64_t>(now - kDayMs - kFirstUserMs, 1);
  for (uint32_t i = 0; i < pool; ++i) {
    int64_t step = user_span / pool;
    int64_t t = kFirstUserMs + user_span * i / pool +
                (step > 1 ? static_cast<int64_t>(random.Below(static_cast<uint64_t>(step))) : 0);
    User user;
    user.id = UserId(user_ids_.Next(t));
    user.username = MakeUsername(random, i);
    if (random.Chance(0.7)) user.global_name = MakeDisplayName(random);
    if (random.Chance(0.8)) user.avatar = random.Next() | 1;
    if (random.Chance(0.05)) user.public_flags = uint32_t{64} << random.Below(3);  // HypeSquad
    user_index_.Set(user.id.value(), static_cast<uint32_t>(users_.size()));
    users_.push_back(std::move(user));
  }

  // ---- Bots (their application id is their user id, as for every app made since 2016) ----
  bots_.reserve(c.bots);
  for (uint32_t b = 0; b < c.bots; ++b) {
    User user;
    user.id = UserId(user_ids_.Next(now - kDayMs));
    user.username = "PylonBot" + std::to_string(b + 1);
    user.avatar = random.Next() | 1;
    user.bot = true;
    Bot bot;
    bot.id = user.id;
    bot.user = static_cast<UserRef>(users_.size());
    bot.application = ApplicationId(user.id.value());
    bot.token = Secret(MakeBotToken(random, user.id.value()));
    bot.allowed_intents =
        b < c.bot_allowed_intents.size() ? c.bot_allowed_intents[b] : intent::kAllDefined;
    bot.rest_global_limit = c.rest_global_limit;
    user_index_.Set(user.id.value(), bot.user);
    users_.push_back(std::move(user));
    bot_index_.Set(bot.id.value(), b);
    bots_.push_back(std::move(bot));
  }

  // ---- Guilds ----
  guilds_.reserve(guild_count);
  const int64_t guild_span = std::max<int64_t>(now - 30 * kDayMs - kFirstGuildMs, 1);
  for (uint32_t gi = 0; gi < guild_count; ++gi) {
    int64_t created = kFirstGuildMs + guild_span * gi / std::max<uint32_t>(guild_count, 1) +
                      static_cast<int64_t>(random.Below(
                          static_cast<uint64_t>(std::max<int64_t>(guild_span / guild_count, 1))));
    auto guild_ptr = std::make_unique<Guild>();
    Guild& g = *guild_ptr;
    g.id = GuildId(guild_ids_.Next(created));
    created = g.id.timestamp_ms();
    g.name = MakeGuildName(random);
    if (random.Chance(0.3)) {
      g.description.clear();
      AppendSentence(random, 6, &g.description);
    }
    if (random.Chance(0.7)) g.icon = random.Next() | 1;
    g.verification_level = static_cast<uint8_t>(random.Below(4));
    g.default_message_notifications = static_cast<uint8_t>(random.Below(2));
    g.explicit_content_filter = static_cast<uint8_t>(random.Below(3));
    g.mfa_level = static_cast<uint8_t>(random.Below(2));
    g.premium_tier = static_cast<uint8_t>(random.Below(4));
    g.premium_subscription_count = g.premium_tier * 7 + static_cast<uint32_t>(random.Below(7));
    for (uint32_t f = 0; f < kGuildFeatureCount; ++f) {
      if (random.Chance(0.15)) g.features |= 1u << f;
    }
    // Which bots are in this guild.
    for (const Bot& bot : bots_) {
      if (c.every_bot_in_every_guild || random.Chance(c.bot_guild_share)) g.bots.push_back(bot.id);
    }
    // Objects made during the guild's first week.
    auto setup_time = [&] { return created + static_cast<int64_t>(random.Below(7 * kDayMs)); };

    // Roles: @everyone, then the guild's own, then one managed role per bot on top.
    Role everyone;
    everyone.id = RoleId(g.id.value());
    everyone.name = "@everyone";
    everyone.permissions = permission::kEveryoneDefault;
    g.roles.push_back(std::move(everyone));
    uint32_t role_count = static_cast<uint32_t>(random.Between(c.roles.min, c.roles.max));
    role_count = std::min<uint32_t>(role_count, 250 - 1 - static_cast<uint32_t>(g.bots.size()));
    for (uint32_t r = 0; r < role_count; ++r) {
      Role role;
      role.id = RoleId(role_ids_.Next(setup_time()));
      role.name = MakeRoleName(random);
      role.color = random.Chance(0.7) ? static_cast<uint32_t>(random.Below(0x1000000)) : 0;
      role.position = static_cast<int32_t>(r + 1);
      role.hoist = random.Chance(0.2);
      role.mentionable = random.Chance(0.3);
      role.permissions = random.Chance(0.15)
                             ? permission::kKickMembers | permission::kBanMembers |
                                   permission::kManageMessages | permission::kModerateMembers |
                                   permission::kViewAuditLog | permission::kManageNicknames
                             : 0;
      g.roles.push_back(std::move(role));
    }
    for (UserId bot_id : g.bots) {
      Role role;
      role.id = RoleId(role_ids_.Next(setup_time()));
      role.name = users_[FindBot(bot_id)->user].username;
      role.position = static_cast<int32_t>(g.roles.size());
      role.permissions = c.bot_permissions;
      role.managed = true;
      role.bot = bot_id;
      g.roles.push_back(std::move(role));
    }

    // Emojis.
    uint32_t emoji_count = static_cast<uint32_t>(random.Between(c.emojis.min, c.emojis.max));
    for (uint32_t e = 0; e < emoji_count; ++e) {
      Emoji emoji;
      emoji.id = EmojiId(emoji_ids_.Next(setup_time()));
      emoji.name = MakeEmojiName(random, e);
      emoji.animated = random.Chance(0.1);
      g.emojis.push_back(std::move(emoji));
    }

    // Channels: categories first, then the others; at least one text and one voice channel.
    uint32_t channel_count = std::max<uint32_t>(
        2, static_cast<uint32_t>(random.Between(c.channels.min, c.channels.max)));
    channel_count = std::min<uint32_t>(channel_count, 500);
    uint32_t categories = channel_count >= 4 ? std::max<uint32_t>(1, channel_count / 6) : 0;
    std::vector<ChannelId> category_ids;
    int32_t position = 0;
    uint32_t serial = 0;
    for (uint32_t i = 0; i < channel_count; ++i) {
      Channel ch;
      ch.id = ChannelId(channel_ids_.Next(setup_time()));
      if (i < categories) {
        ch.type = ChannelType::kCategory;
      } else if (i == categories) {
        ch.type = ChannelType::kText;
      } else if (i == categories + 1) {
        ch.type = ChannelType::kVoice;
      } else {
        uint64_t x = random.Below(100);
        ch.type = x < 60   ? ChannelType::kText
                  : x < 85 ? ChannelType::kVoice
                  : x < 90 ? ChannelType::kAnnouncement
                  : x < 94 ? ChannelType::kStage
                           : ChannelType::kForum;
      }
      ch.position = position++;
      ch.name = MakeChannelName(random, static_cast<uint8_t>(ch.type), serial++ % 7);
      if (ch.type != ChannelType::kCategory && !category_ids.empty() && random.Chance(0.8)) {
        ch.parent = category_ids[random.Below(category_ids.size())];
      }
      if ((ch.type == ChannelType::kText || ch.type == ChannelType::kAnnouncement ||
           ch.type == ChannelType::kForum) &&
          random.Chance(0.4)) {
        AppendSentence(random, 5, &ch.topic);
      }
      if (IsVoiceBased(ch.type)) {
        ch.bitrate = ch.type == ChannelType::kStage ? 64000 : 64000 * (1 + random.Below(2));
        ch.user_limit = random.Chance(0.3) ? static_cast<uint32_t>(random.Between(2, 25)) : 0;
      }
      ch.nsfw = random.Chance(0.03);
      if (ch.type == ChannelType::kText && random.Chance(0.1)) ch.rate_limit_per_user = 5;
      if (random.Chance(0.15) && g.roles.size() > 1) {
        // A private channel: hidden from @everyone, visible to one role.
        ch.overwrites.push_back({g.id.value(), 0, 0, permission::kViewChannel});
        ch.overwrites.push_back({g.roles[1 + random.Below(g.roles.size() - 1)].id.value(), 0,
                                 permission::kViewChannel, 0});
      }
      if (ch.type == ChannelType::kCategory) category_ids.push_back(ch.id);
      g.channels.push_back(std::move(ch));
    }
    for (const Channel& ch : g.channels) {
      if (ch.type == ChannelType::kText && g.system_channel.is_zero()) g.system_channel = ch.id;
      if (ch.type == ChannelType::kVoice && g.afk_channel.is_zero() && random.Chance(0.3)) {
        g.afk_channel = ch.id;
      }
    }

    // Members: `sizes[gi]` distinct users drawn by a random stride through the pool.
    uint32_t human_count = sizes[gi];
    g.members.reserve(human_count + g.bots.size());
    g.member_index.Reserve(human_count + g.bots.size());
    uint64_t stride = pool > 1 ? 1 + random.Below(pool - 1) : 1;
    while (Gcd(stride, pool) != 1) stride = stride % (pool - 1) + 1;
    uint64_t cursor = random.Below(pool);
    std::vector<RoleId> assignable;
    for (const Role& role : g.roles) {
      if (role.id.value() != g.id.value() && !role.managed) assignable.push_back(role.id);
    }
    for (uint32_t m = 0; m < human_count; ++m) {
      Member member;
      member.user = static_cast<UserRef>(cursor);
      cursor = (cursor + stride) % pool;
      int64_t user_created = users_[member.user].id.timestamp_ms();
      int64_t earliest = std::max(created, user_created);
      member.joined_ms = earliest + static_cast<int64_t>(random.Below(static_cast<uint64_t>(
                                        std::max<int64_t>(now - earliest - 60000, 1))));
      if (random.Chance(c.nick_share)) member.nick = MakeDisplayName(random);
      if (!assignable.empty() && c.member_roles_mean > 0) {
        uint32_t want =
            static_cast<uint32_t>(random.Below(static_cast<uint64_t>(2 * c.member_roles_mean) + 1));
        want = std::min<uint32_t>({want, 4, static_cast<uint32_t>(assignable.size())});
        for (uint32_t r = 0; r < want; ++r) {
          RoleId role = assignable[random.Below(assignable.size())];
          if (std::find(member.roles.begin(), member.roles.end(), role) == member.roles.end()) {
            member.roles.push_back(role);
          }
        }
      }
      if (random.Chance(c.premium_share)) {
        member.premium_since_ms =
            member.joined_ms + static_cast<int64_t>(random.Below(static_cast<uint64_t>(
                                   std::max<int64_t>(now - member.joined_ms, 1))));
      }
      member.presence = MakePresence(random, RandomStatus(random, c), c.activity_share, now);
      AddMemberRaw(g, std::move(member));
    }
    g.owner = users_[g.members[random.Below(g.members.size())].user].id;
    for (UserId bot_id : g.bots) {
      const Bot* bot = FindBot(bot_id);
      Member member;
      member.user = bot->user;
      member.joined_ms = created + static_cast<int64_t>(random.Below(
                                       static_cast<uint64_t>(std::max<int64_t>(now - created, 1))));
      for (const Role& role : g.roles) {
        if (role.managed && role.bot == bot_id) member.roles.push_back(role.id);
      }
      member.presence.status = PresenceStatus::kOnline;
      member.presence.desktop = PresenceStatus::kOnline;
      AddMemberRaw(g, std::move(member));
    }

    // Voice states.
    std::vector<ChannelId> voice_channels;
    for (const Channel& ch : g.channels) {
      if (IsVoiceBased(ch.type)) voice_channels.push_back(ch.id);
    }
    if (!voice_channels.empty() && c.voice_share > 0) {
      for (uint32_t m = 0; m < human_count; ++m) {
        if (!random.Chance(c.voice_share)) continue;
        VoiceState state;
        state.user = g.members[m].user;
        state.channel = voice_channels[random.Below(voice_channels.size())];
        state.session = random.Next();
        state.self_mute = random.Chance(0.2);
        state.self_deaf = random.Chance(0.05);
        state.self_video = random.Chance(0.03);
        const Channel* ch = nullptr;
        for (const Channel& candidate : g.channels) {
          if (candidate.id == state.channel) ch = &candidate;
        }
        state.suppress = ch && ch->type == ChannelType::kStage && random.Chance(0.9);
        SetVoiceRaw(g, state);
      }
    }

    // Threads under text, announcement and forum channels.
    const size_t base_channels = g.channels.size();
    for (size_t i = 0; i < base_channels; ++i) {
      if (!CanHaveThreads(g.channels[i].type)) continue;
      double mean = c.threads_per_text_channel;
      uint32_t count =
          static_cast<uint32_t>(mean) + (random.Chance(mean - std::floor(mean)) ? 1 : 0);
      for (uint32_t t = 0; t < count; ++t) {
        Channel th;
        ChannelType parent_type = g.channels[i].type;
        th.type = parent_type == ChannelType::kAnnouncement ? ChannelType::kAnnouncementThread
                  : parent_type == ChannelType::kText && random.Chance(c.private_thread_share)
                      ? ChannelType::kPrivateThread
                      : ChannelType::kPublicThread;
        int64_t t_created = now - 8 * kDayMs - static_cast<int64_t>(random.Below(22 * kDayMs));
        th.id = ChannelId(thread_ids_.Next(t_created));
        th.parent = g.channels[i].id;
        th.name = MakeThreadName(random);
        th.thread.owner = users_[g.members[random.Below(g.members.size())].user].id;
        th.thread.create_ms = th.id.timestamp_ms();
        th.thread.archived = random.Chance(c.archived_thread_share);
        th.thread.archive_ms = th.thread.create_ms;
        th.thread.auto_archive_minutes = random.Chance(0.5) ? 1440 : 10080;
        th.thread.member_count = 1 + static_cast<uint32_t>(random.Below(10));
        th.thread.invitable = th.type == ChannelType::kPrivateThread ? random.Chance(0.5) : true;
        g.channels.push_back(std::move(th));
      }
    }

    // Bans: users of the pool that are not members.
    uint32_t ban_count = static_cast<uint32_t>(random.Between(c.bans.min, c.bans.max));
    for (uint32_t b = 0, tries = 0; b < ban_count && tries < ban_count * 8; ++tries) {
      const User& candidate = users_[random.Below(pool)];
      if (g.FindMember(candidate.id) || g.bans.count(candidate.id.value())) continue;
      Ban ban;
      if (random.Chance(0.5)) ban.reason = "spam";
      g.bans.emplace(candidate.id.value(), std::move(ban));
      ++b;
    }

    // Invites to text channels.
    uint32_t invite_count = static_cast<uint32_t>(random.Between(c.invites.min, c.invites.max));
    for (uint32_t i = 0; i < invite_count; ++i) {
      Invite invite;
      invite.code = MakeInviteCode(random);
      invite.channel = g.system_channel;
      invite.inviter = g.members[random.Below(g.members.size())].user;
      invite.created_ms = now - static_cast<int64_t>(random.Below(kDayMs));
      static constexpr uint32_t kAges[] = {0, 3600, 86400, 604800};
      invite.max_age = kAges[random.Below(4)];
      invite.max_uses = random.Chance(0.3) ? static_cast<uint32_t>(random.Between(1, 100)) : 0;
      invite.uses = invite.max_uses ? static_cast<uint32_t>(random.Below(invite.max_uses)) : 0;
      invite.temporary = random.Chance(0.05);
      g.invites.push_back(std::move(invite));
    }

    uint32_t guild_index = static_cast<uint32_t>(guilds_.size());
    guild_index_.Set(g.id.value(), guild_index);
    for (uint32_t i = 0; i < g.channels.size(); ++i) IndexChannel(g, guild_index, i);
    guilds_.push_back(std::move(guild_ptr));
  }
  for (Bot& bot : bots_) {
    for (const auto& g : guilds_) {
      if (std::find(g->bots.begin(), g->bots.end(), bot.id) != g->bots.end()) {
        bot.guilds.push_back(g->id);
      }
    }
  }

  // ---- Pre-filled messages: over the last week, channel by channel in rounds ----
  const uint32_t per_channel = std::min(c.messages_per_channel, c.message_depth);
  if (per_channel > 0) {
    const int64_t first = now - 7 * kDayMs;
    const int64_t round_ms = 7 * kDayMs / per_channel;
    for (uint32_t k = 0; k < per_channel; ++k) {
      for (auto& guild_ptr : guilds_) {
        Guild& g = *guild_ptr;
        for (Channel& ch : g.channels) {
          if (!HoldsMessages(ch.type)) continue;
          Message message;
          message.id =
              MessageId(message_ids_.Next(first + round_ms * k +
                                          static_cast<int64_t>(random.Below(static_cast<uint64_t>(
                                              std::max<int64_t>(round_ms, 1))))));
          message.author = g.members[random.Below(g.members.size())].user;
          AppendSentence(random, 2 + static_cast<uint32_t>(random.Below(15)), &message.content);
          if (random.Chance(0.1)) {
            Reaction reaction;
            reaction.emoji.name = std::string(RandomUnicodeEmoji(random));
            uint32_t reactors = 1 + static_cast<uint32_t>(random.Below(3));
            for (uint32_t r = 0; r < reactors; ++r) {
              UserRef user = g.members[random.Below(g.members.size())].user;
              if (std::find(reaction.users.begin(), reaction.users.end(), user) ==
                  reaction.users.end()) {
                reaction.users.push_back(user);
              }
            }
            message.reactions.push_back(std::move(reaction));
          }
          if (IsThread(ch.type)) {
            ++ch.thread.message_count;
            ++ch.thread.total_message_sent;
          }
          PushMessage(ch, std::move(message));
        }
      }
    }
  }
}

}  // namespace pylon::sim
