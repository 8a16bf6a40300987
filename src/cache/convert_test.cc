// Copyright 2026 The Pylon Gateway Authors.
// Model -> proto conversion: enum offsets, nullable fields, timestamps.

#include "cache/convert.h"

#include <gtest/gtest.h>

#include "cache/cache_test_util.h"

namespace pylon::cache {
namespace {

using discord::ChannelType;

TEST(ConvertTest, ChannelTypeOffsets) {
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGuildText), pb::ChannelData::GUILD_TEXT);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kDm), pb::ChannelData::DM);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGuildVoice), pb::ChannelData::GUILD_VOICE);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGroupDm), pb::ChannelData::GROUP_DM);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGuildCategory), pb::ChannelData::GUILD_CATEGORY);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGuildAnnouncement), pb::ChannelData::GUILD_NEWS);
  EXPECT_EQ(ToProtoChannelType(static_cast<ChannelType>(6)), pb::ChannelData::GUILD_STORE);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kAnnouncementThread), pb::ChannelData::PUBLIC_THREAD);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kPublicThread), pb::ChannelData::PUBLIC_THREAD);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kPrivateThread), pb::ChannelData::PRIVATE_THREAD);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGuildStageVoice), pb::ChannelData::GUILD_STAGE_VOICE);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGuildDirectory), pb::ChannelData::UNKNOWN);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGuildForum), pb::ChannelData::UNKNOWN);
  EXPECT_EQ(ToProtoChannelType(ChannelType::kGuildMedia), pb::ChannelData::UNKNOWN);
  EXPECT_EQ(ToProtoChannelType(static_cast<ChannelType>(99)), pb::ChannelData::UNKNOWN);
}

TEST(ConvertTest, ActivityOverwriteAndStatusOffsets) {
  using Activity = pb::PresenceData::PresenceActivityData;
  EXPECT_EQ(ToProtoActivityType(0), Activity::DEFAULT);
  EXPECT_EQ(ToProtoActivityType(1), Activity::STREAMING);
  EXPECT_EQ(ToProtoActivityType(2), Activity::LISTENING);
  EXPECT_EQ(ToProtoActivityType(3), Activity::WATCHING);
  EXPECT_EQ(ToProtoActivityType(4), Activity::CUSTOM_STATUS);
  EXPECT_EQ(ToProtoActivityType(5), Activity::COMPETING);
  EXPECT_EQ(ToProtoActivityType(6), Activity::UNKNOWN);
  using Overwrite = pb::ChannelData::ChannelPermissionOverwriteData;
  EXPECT_EQ(ToProtoOverwriteType(0), Overwrite::ROLE);
  EXPECT_EQ(ToProtoOverwriteType(1), Overwrite::MEMBER);
  EXPECT_EQ(ToProtoOverwriteType(2), Overwrite::UNKNOWN);
  EXPECT_EQ(ToProtoStatus(discord::OnlineStatus::kOnline), pb::PresenceData::ONLINE);
  EXPECT_EQ(ToProtoStatus(discord::OnlineStatus::kIdle), pb::PresenceData::IDLE);
  EXPECT_EQ(ToProtoStatus(discord::OnlineStatus::kDnd), pb::PresenceData::DND);
  EXPECT_EQ(ToProtoStatus(discord::OnlineStatus::kInvisible), pb::PresenceData::INVISIBLE);
  EXPECT_EQ(ToProtoStatus(discord::OnlineStatus::kOffline), pb::PresenceData::OFFLINE);
  EXPECT_EQ(ToProtoStatus(discord::OnlineStatus::kUnknown), pb::PresenceData::UNKNOWN);
}

TEST(ConvertTest, Timestamps) {
  google::protobuf::Timestamp t;
  ToProtoTimestamp(*discord::ParseTimestamp("2022-04-23T19:03:25.927000+00:00"), &t);
  EXPECT_EQ(t.seconds(), 1650740605);
  EXPECT_EQ(t.nanos(), 927'000'000);
  ToProtoTimestamp(-1, &t);  // before the epoch: nanos stay non-negative
  EXPECT_EQ(t.seconds(), -1);
  EXPECT_EQ(t.nanos(), 999'999'000);
}

TEST(ConvertTest, GuildNullableFields) {
  discord::Guild guild;
  guild.id = GuildId(5);
  guild.name = "g";
  guild.system_channel = ChannelId(9);
  guild.has_description = true;  // an empty description, not null
  guild.features = {"COMMUNITY", "NEWS"};
  pb::GuildData out;
  ToProto(guild, &out);
  EXPECT_FALSE(out.has_icon());
  EXPECT_FALSE(out.has_afk_channel_id());
  EXPECT_EQ(out.system_channel_id().value(), 9u);
  EXPECT_TRUE(out.has_description());
  EXPECT_EQ(out.description().value(), "");
  EXPECT_FALSE(out.has_vanity_url_code());
  EXPECT_FALSE(out.has_joined_at());
  EXPECT_EQ(out.features_size(), 2);
}

TEST(ConvertTest, UserAndMember) {
  discord::User user = test_util::MakeUser(42, "name");
  user.discriminator = 1234;
  pb::UserData out;
  ToProto(user, &out);
  EXPECT_EQ(out.discriminator(), 1234u);
  EXPECT_FALSE(out.has_avatar());
  user.avatar.Assign("not-a-hash");
  ToProto(user, &out);
  EXPECT_EQ(out.avatar().value(), "not-a-hash");

  MemberView view;
  view.id = UserId(42);
  view.guild = GuildId(7);
  pb::MemberData member;
  ToProto(view, &user, &member);
  EXPECT_EQ(member.id(), 42u);
  EXPECT_EQ(member.user().id(), 42u);
  EXPECT_EQ(member.guild_id(), 7u);
  EXPECT_FALSE(member.has_nick());
  EXPECT_FALSE(member.has_joined_at());  // a guest's null joined_at
  EXPECT_FALSE(member.has_premium_since());
  EXPECT_TRUE(member.has_pending());
}

}  // namespace
}  // namespace pylon::cache
