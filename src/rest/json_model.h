// Copyright 2026 The Pylon Gateway Authors.
// Discord's REST answers (JSON, v10 shapes) -> the public protobuf model (discord/v1/model.proto),
// with the conventions of the rest of the project (pylon-api-contract.md §4, §8): ids fixed64,
// nullable fields as wrappers only when Discord sent a value, enum offsets (channel type +1 for
// 0-6 and the thread/stage mapping, message type +1, overwrite type role=1/member=2, activity
// type +1), guild_id filled on members, roles and emojis, MemberData.id = user id. The enum
// translations are the gateway parser's (discord/json_parser.h), so REST and events agree.
//
// simdjson DOM; lenient like the gateway parser: null or absent means unset, unknown keys are
// ignored, a wrong type leaves the field unset; only a missing id fails (DATA_LOSS). Stateless.

#pragma once

#include <simdjson.h>

#include "base/ids.h"
#include "base/result.h"
#include "discord/v1/model.pb.h"

namespace pylon::rest {

namespace pb = ::pylon::discord::v1::model;

Status ToUser(simdjson::dom::element json, pb::UserData* out);
// `guild` fills guild_id (REST members carry none); a member without `user` keeps id 0.
Status ToMember(simdjson::dom::element json, GuildId guild, pb::MemberData* out);
Status ToRole(simdjson::dom::element json, GuildId guild, pb::RoleData* out);
Status ToChannel(simdjson::dom::element json, pb::ChannelData* out);
Status ToEmoji(simdjson::dom::element json, GuildId guild, pb::EmojiData* out);
Status ToMessage(simdjson::dom::element json, pb::MessageData* out);
Status ToInvite(simdjson::dom::element json, pb::InviteData* out);
Status ToBan(simdjson::dom::element json, pb::GuildBanData* out);
Status ToGuild(simdjson::dom::element json, pb::GuildData* out);

}  // namespace pylon::rest
