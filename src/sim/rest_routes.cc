// Copyright 2026 The Pylon Gateway Authors.
// The route table: every Discord route the simulator serves, with its bucket, major parameter,
// auth and handler. The 58 GatewayRest methods are named in the last column (README "REST").
// Literal segments ("@me", "@original") come before parameters that would also match them.

#include "sim/rest_internal.h"

namespace pylon::sim::rest_internal {
namespace {

using C = RestCore;
constexpr Major kNo = Major::kNone;
constexpr Major kCh = Major::kChannel;
constexpr Major kGu = Major::kGuild;
constexpr Major kWh = Major::kWebhook;
constexpr Major kIn = Major::kInteraction;
constexpr Auth kBot = Auth::kBot;
constexpr BodyKind kNoBody = BodyKind::kNone;
constexpr BodyKind kObj = BodyKind::kObject;
constexpr BodyKind kArr = BodyKind::kArray;

constexpr std::string_view kMsg = "/channels/{channel_id}/messages/{message_id}";

const RouteDef kRoutes[] = {
    // Gateway and users.
    {"GET", "/gateway", "gateway", kNo, Auth::kOptional, kNoBody, &C::GetGateway, ""},
    {"GET", "/gateway/bot", "gateway_bot", kNo, kBot, kNoBody, &C::GetGatewayBot, ""},
    {"GET", "/users/@me", "get_user", kNo, kBot, kNoBody, &C::GetCurrentUser, "GetCurrentUser"},
    {"PATCH", "/users/@me", "patch_me", kNo, kBot, kObj, &C::ModifyCurrentUser,
     "ModifyCurrentUser"},
    {"GET", "/users/@me/guilds", "user_guilds", kNo, kBot, kNoBody, &C::GetCurrentUserGuilds, ""},
    {"DELETE", "/users/@me/guilds/{guild_id}", "user_guilds", kNo, kBot, kNoBody, &C::LeaveGuild,
     "LeaveGuild"},
    {"POST", "/users/@me/channels", "create_dm", kNo, kBot, kObj, &C::CreateDm, "CreateDm"},
    {"GET", "/users/{user_id}", "get_user", kNo, kBot, kNoBody, &C::GetUser, "GetUser"},

    // Channels.
    {"GET", "/channels/{channel_id}", "get_channel", kCh, kBot, kNoBody, &C::GetChannel, ""},
    {"PATCH", "/channels/{channel_id}", "patch_channel", kCh, kBot, kObj, &C::ModifyChannel,
     "ModifyChannel"},
    {"DELETE", "/channels/{channel_id}", "delete_channel", kCh, kBot, kNoBody, &C::DeleteChannel,
     "DeleteChannel"},
    {"PUT", "/channels/{channel_id}/permissions/{overwrite_id}", "channel_permissions", kCh, kBot,
     kObj, &C::EditChannelPermissions, "EditChannelPermissions"},
    {"DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", "channel_permissions", kCh,
     kBot, kNoBody, &C::DeleteChannelPermission, "DeleteChannelPermission"},
    {"GET", "/channels/{channel_id}/invites", "channel_invites", kCh, kBot, kNoBody,
     &C::GetChannelInvites, "GetChannelInvites"},
    {"POST", "/channels/{channel_id}/invites", "channel_invites", kCh, kBot, kObj,
     &C::CreateChannelInvite, "CreateChannelInvite"},
    {"POST", "/channels/{channel_id}/followers", "followers", kCh, kBot, kObj, &C::FollowChannel,
     "FollowNewsChannel"},
    {"POST", "/channels/{channel_id}/typing", "typing", kCh, kBot, kNoBody, &C::TriggerTyping,
     "TriggerTypingIndicator"},
    {"GET", "/channels/{channel_id}/pins", "get_pins", kCh, kBot, kNoBody, &C::GetPins,
     "GetPinnedMessages"},
    {"PUT", "/channels/{channel_id}/pins/{message_id}", "pins", kCh, kBot, kNoBody, &C::PinMessage,
     "AddPinnedChannelMessage"},
    {"DELETE", "/channels/{channel_id}/pins/{message_id}", "pins", kCh, kBot, kNoBody,
     &C::UnpinMessage, "DeletePinnedChannelMessage"},
    {"DELETE", "/invites/{invite_code}", "invites", kNo, kBot, kNoBody, &C::DeleteInvite, ""},

    // Messages and reactions.
    {"GET", "/channels/{channel_id}/messages", "get_messages", kCh, kBot, kNoBody, &C::GetMessages,
     "GetChannelMessages"},
    {"POST", "/channels/{channel_id}/messages", "create_message", kCh, kBot, kObj,
     &C::CreateMessage, "CreateMessage"},
    {"POST", "/channels/{channel_id}/messages/bulk-delete", "bulk_delete", kCh, kBot, kObj,
     &C::BulkDeleteMessages, "BulkDeleteMessages"},
    {"GET", kMsg, "get_messages", kCh, kBot, kNoBody, &C::GetMessage, "GetChannelMessage"},
    {"PATCH", kMsg, "edit_message", kCh, kBot, kObj, &C::EditMessage, "EditMessage"},
    {"DELETE", kMsg, "delete_message", kCh, kBot, kNoBody, &C::DeleteMessage, "DeleteMessage"},
    {"POST", "/channels/{channel_id}/messages/{message_id}/crosspost", "crosspost", kCh, kBot,
     kNoBody, &C::CrosspostMessage, "CrosspostMessage"},
    {"PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "reactions", kCh,
     kBot, kNoBody, &C::AddReaction, "CreateReaction"},
    {"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "reactions",
     kCh, kBot, kNoBody, &C::RemoveOwnReaction, "DeleteOwnReaction"},
    {"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
     "reactions", kCh, kBot, kNoBody, &C::RemoveUserReaction, "DeleteUserReaction"},
    {"GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}", "get_reactions", kCh,
     kBot, kNoBody, &C::GetReactions, ""},
    {"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}", "reactions", kCh,
     kBot, kNoBody, &C::RemoveReactionEmoji, "DeleteAllReactionsForEmoji"},
    {"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions", "reactions", kCh, kBot,
     kNoBody, &C::RemoveAllReactions, "DeleteAllReactions"},

    // Guilds.
    {"GET", "/guilds/{guild_id}", "get_guild", kGu, kBot, kNoBody, &C::GetGuild, ""},
    {"PATCH", "/guilds/{guild_id}", "patch_guild", kGu, kBot, kObj, &C::ModifyGuild, "ModifyGuild"},
    {"GET", "/guilds/{guild_id}/channels", "get_guild", kGu, kBot, kNoBody, &C::GetGuildChannels,
     ""},
    {"POST", "/guilds/{guild_id}/channels", "guild_channels", kGu, kBot, kObj,
     &C::CreateGuildChannel, "CreateGuildChannel"},
    {"PATCH", "/guilds/{guild_id}/channels", "guild_channels", kGu, kBot, kArr,
     &C::ModifyChannelPositions, "ModifyGuildChannelPositions"},
    {"GET", "/guilds/{guild_id}/members", "get_members", kGu, kBot, kNoBody, &C::ListMembers, ""},
    {"PATCH", "/guilds/{guild_id}/members/@me", "patch_member", kGu, kBot, kObj,
     &C::ModifyCurrentMember, "ModifyCurrentUserNick"},
    {"PATCH", "/guilds/{guild_id}/members/@me/nick", "patch_member", kGu, kBot, kObj,
     &C::ModifyCurrentNick, ""},
    {"GET", "/guilds/{guild_id}/members/{user_id}", "get_members", kGu, kBot, kNoBody,
     &C::GetMember, ""},
    {"PUT", "/guilds/{guild_id}/members/{user_id}", "add_member", kGu, kBot, kObj, &C::AddMember,
     "AddGuildMember"},
    {"PATCH", "/guilds/{guild_id}/members/{user_id}", "patch_member", kGu, kBot, kObj,
     &C::ModifyMember, "ModifyGuildMember"},
    {"DELETE", "/guilds/{guild_id}/members/{user_id}", "kick", kGu, kBot, kNoBody, &C::RemoveMember,
     "RemoveGuildMember"},
    {"PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", "member_roles", kGu, kBot,
     kNoBody, &C::AddMemberRole, "AddGuildMemberRole"},
    {"DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", "member_roles", kGu, kBot,
     kNoBody, &C::RemoveMemberRole, "RemoveGuildMemberRole"},
    {"GET", "/guilds/{guild_id}/bans", "get_bans", kGu, kBot, kNoBody, &C::GetBans, "GetGuildBans"},
    {"GET", "/guilds/{guild_id}/bans/{user_id}", "get_bans", kGu, kBot, kNoBody, &C::GetBan,
     "GetGuildBan"},
    {"PUT", "/guilds/{guild_id}/bans/{user_id}", "bans", kGu, kBot, kObj, &C::CreateBan,
     "CreateGuildBan"},
    {"DELETE", "/guilds/{guild_id}/bans/{user_id}", "bans", kGu, kBot, kNoBody, &C::RemoveBan,
     "RemoveGuildBan"},
    {"GET", "/guilds/{guild_id}/roles", "get_guild", kGu, kBot, kNoBody, &C::GetRoles, ""},
    {"POST", "/guilds/{guild_id}/roles", "roles", kGu, kBot, kObj, &C::CreateRole,
     "CreateGuildRole"},
    {"PATCH", "/guilds/{guild_id}/roles", "roles", kGu, kBot, kArr, &C::ModifyRolePositions,
     "ModifyGuildRolePositions"},
    {"PATCH", "/guilds/{guild_id}/roles/{role_id}", "roles", kGu, kBot, kObj, &C::ModifyRole,
     "ModifyGuildRole"},
    {"DELETE", "/guilds/{guild_id}/roles/{role_id}", "roles", kGu, kBot, kNoBody, &C::DeleteRole,
     "DeleteGuildRole"},
    {"GET", "/guilds/{guild_id}/prune", "prune", kGu, kBot, kNoBody, &C::GetPruneCount,
     "GetGuildPruneCount"},
    {"POST", "/guilds/{guild_id}/prune", "prune", kGu, kBot, kObj, &C::BeginPrune,
     "BeginGuildPrune"},
    {"GET", "/guilds/{guild_id}/regions", "regions", kGu, kBot, kNoBody, &C::GetRegions,
     "GetGuildVoiceRegions"},
    {"GET", "/guilds/{guild_id}/invites", "guild_invites", kGu, kBot, kNoBody, &C::GetGuildInvites,
     "GetGuildInvites"},
    {"GET", "/guilds/{guild_id}/emojis", "get_emojis", kGu, kBot, kNoBody, &C::ListEmojis,
     "ListGuildEmojis"},
    {"GET", "/guilds/{guild_id}/emojis/{emoji_id}", "get_emojis", kGu, kBot, kNoBody, &C::GetEmoji,
     "GetGuildEmoji"},
    {"POST", "/guilds/{guild_id}/emojis", "emojis", kGu, kBot, kObj, &C::CreateEmoji,
     "CreateGuildEmoji"},
    {"PATCH", "/guilds/{guild_id}/emojis/{emoji_id}", "emojis", kGu, kBot, kObj, &C::ModifyEmoji,
     "ModifyGuildEmoji"},
    {"DELETE", "/guilds/{guild_id}/emojis/{emoji_id}", "emojis", kGu, kBot, kNoBody,
     &C::DeleteEmoji, "DeleteGuildEmoji"},

    // Interactions and their webhooks: the token is in the path; no global limit.
    {"POST", "/interactions/{interaction_id}/{interaction_token}/callback", "interaction_callback",
     kIn, Auth::kToken, kObj, &C::InteractionCallback, "CreateInteractionResponse"},
    {"POST", "/webhooks/{application_id}/{interaction_token}", "webhook_execute", kWh, Auth::kToken,
     kObj, &C::WebhookExecute, "CreateInteractionFollowupMessage"},
    {"GET", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}",
     "webhook_message", kWh, Auth::kToken, kNoBody, &C::WebhookGetMessage, ""},
    {"PATCH", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}",
     "webhook_message", kWh, Auth::kToken, kObj, &C::WebhookEditMessage,
     "EditInteractionFollowupMessage"},
    {"DELETE", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}",
     "webhook_message", kWh, Auth::kToken, kNoBody, &C::WebhookDeleteMessage,
     "DeleteInteractionFollowupMessage"},
};

}  // namespace

std::span<const RouteDef> Routes() { return kRoutes; }

}  // namespace pylon::sim::rest_internal
