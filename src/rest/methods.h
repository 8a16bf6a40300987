// Copyright 2026 The Pylon Gateway Authors.
// The 58 GatewayRest methods (pylon-api-contract.md §1, §5) as a table of traits. Each method
// `<Name>Method` knows:
//   Build  proto request -> Discord HTTP request (method, path, major parameter through the path,
//          JSON or multipart body, audit-log reason), and the local validation Discord would do
//          (required ids and fields, content and embed limits): an error here never reaches
//          Discord;
//   Check  the local permission / hierarchy check to run on the shard cache (empty: none);
//   Parse  Discord's 2xx JSON -> the response's `data`.
// kEmptyOnNotFound: the JSON code of a 404 answered as `data{}` (GetGuildBan 10026,
// GetChannelMessage 10008: "no such ban / message" reads as null in the Java client).
// kSingleEmbed: the request's one `embed` is sent as `embeds[0]` (error paths rewritten).
//
// The route table is src/rest/README.md. Implementations: methods_guild.cc, methods_member.cc,
// methods_channel.cc, methods_message.cc, methods_user.cc. Stateless.

#pragma once

#include <cstdint>
#include <string_view>

#include "base/ids.h"
#include "base/result.h"
#include "discord/v1/rest.pb.h"
#include "net/http.h"
#include "rest/local_checks.h"
#include "rest/rest_client.h"
#include "rest/rest_error.h"
#include "runtime/unique_function.h"

namespace pylon::rest {

// Who a call is for.
struct Target {
  BotId bot;
  GuildId guild;              // x-pylon-guild-id; 0 for none
  ApplicationId application;  // the bot's application (interaction follow-ups without one)
  int64_t now_unix_ms = 0;    // bulk-delete age checks
};

// A local check, run on the shard cache's reactor.
using CheckFn = UniqueFunction<LocalError(const GuildView&)>;

// X(Name, Request, Response, kEmptyOnNotFound, kSingleEmbed)
#define PYLON_REST_METHODS(X)                                                                     \
  X(ModifyGuild, ModifyGuildRequest, ModifyGuildResponse, 0, false)                               \
  X(CreateGuildChannel, CreateGuildChannelRequest, CreateGuildChannelResponse, 0, false)          \
  X(ModifyGuildChannelPositions, ModifyGuildChannelPositionsRequest,                              \
    ModifyGuildChannelPositionsResponse, 0, false)                                                \
  X(AddGuildMember, AddGuildMemberRequest, AddGuildMemberResponse, 0, false)                      \
  X(ModifyGuildMember, ModifyGuildMemberRequest, ModifyGuildMemberResponse, 0, false)             \
  X(ModifyCurrentUserNick, ModifyCurrentUserNickRequest, ModifyCurrentUserNickResponse, 0, false) \
  X(AddGuildMemberRole, AddGuildMemberRoleRequest, AddGuildMemberRoleResponse, 0, false)          \
  X(RemoveGuildMemberRole, RemoveGuildMemberRoleRequest, RemoveGuildMemberRoleResponse, 0, false) \
  X(RemoveGuildMember, RemoveGuildMemberRequest, RemoveGuildMemberResponse, 0, false)             \
  X(GetGuildBans, GetGuildBansRequest, GetGuildBansResponse, 0, false)                            \
  X(GetGuildBan, GetGuildBanRequest, GetGuildBanResponse, 10026, false)                           \
  X(CreateGuildBan, CreateGuildBanRequest, CreateGuildBanResponse, 0, false)                      \
  X(RemoveGuildBan, RemoveGuildBanRequest, RemoveGuildBanResponse, 0, false)                      \
  X(CreateGuildRole, CreateGuildRoleRequest, CreateGuildRoleResponse, 0, false)                   \
  X(ModifyGuildRolePositions, ModifyGuildRolePositionsRequest, ModifyGuildRolePositionsResponse,  \
    0, false)                                                                                     \
  X(ModifyGuildRole, ModifyGuildRoleRequest, ModifyGuildRoleResponse, 0, false)                   \
  X(DeleteGuildRole, DeleteGuildRoleRequest, DeleteGuildRoleResponse, 0, false)                   \
  X(GetGuildPruneCount, GetGuildPruneCountRequest, GetGuildPruneCountResponse, 0, false)          \
  X(BeginGuildPrune, BeginGuildPruneRequest, BeginGuildPruneResponse, 0, false)                   \
  X(GetGuildVoiceRegions, GetGuildVoiceRegionsRequest, GetGuildVoiceRegionsResponse, 0, false)    \
  X(GetGuildInvites, GetGuildInvitesRequest, GetGuildInvitesResponse, 0, false)                   \
  X(ModifyChannel, ModifyChannelRequest, ModifyChannelResponse, 0, false)                         \
  X(DeleteChannel, DeleteChannelRequest, DeleteChannelResponse, 0, false)                         \
  X(GetChannelMessages, GetChannelMessagesRequest, GetChannelMessagesResponse, 0, false)          \
  X(GetChannelMessage, GetChannelMessageRequest, GetChannelMessageResponse, 10008, false)         \
  X(CreateMessage, CreateMessageRequest, CreateMessageResponse, 0, true)                          \
  X(CrosspostMessage, CrosspostMessageRequest, CrosspostMessageResponse, 0, false)                \
  X(CreateReaction, CreateReactionRequest, CreateReactionResponse, 0, false)                      \
  X(DeleteOwnReaction, DeleteOwnReactionRequest, DeleteOwnReactionResponse, 0, false)             \
  X(DeleteUserReaction, DeleteUserReactionRequest, DeleteUserReactionResponse, 0, false)          \
  X(DeleteAllReactions, DeleteAllReactionsRequest, DeleteAllReactionsResponse, 0, false)          \
  X(DeleteAllReactionsForEmoji, DeleteAllReactionsForEmojiRequest,                                \
    DeleteAllReactionsForEmojiResponse, 0, false)                                                 \
  X(EditMessage, EditMessageRequest, EditMessageResponse, 0, true)                                \
  X(DeleteMessage, DeleteMessageRequest, DeleteMessageResponse, 0, false)                         \
  X(BulkDeleteMessages, BulkDeleteMessagesRequest, BulkDeleteMessagesResponse, 0, false)          \
  X(EditChannelPermissions, EditChannelPermissionsRequest, EditChannelPermissionsResponse, 0,     \
    false)                                                                                        \
  X(GetChannelInvites, GetChannelInvitesRequest, GetChannelInvitesResponse, 0, false)             \
  X(CreateChannelInvite, CreateChannelInviteRequest, CreateChannelInviteResponse, 0, false)       \
  X(DeleteChannelPermission, DeleteChannelPermissionRequest, DeleteChannelPermissionResponse, 0,  \
    false)                                                                                        \
  X(FollowNewsChannel, FollowNewsChannelRequest, FollowNewsChannelResponse, 0, false)             \
  X(TriggerTypingIndicator, TriggerTypingIndicatorRequest, TriggerTypingIndicatorResponse, 0,     \
    false)                                                                                        \
  X(GetPinnedMessages, GetPinnedMessagesRequest, GetPinnedMessagesResponse, 0, false)             \
  X(AddPinnedChannelMessage, AddPinnedChannelMessageRequest, AddPinnedChannelMessageResponse, 0,  \
    false)                                                                                        \
  X(DeletePinnedChannelMessage, DeletePinnedChannelMessageRequest,                                \
    DeletePinnedChannelMessageResponse, 0, false)                                                 \
  X(ListGuildEmojis, ListGuildEmojisRequest, ListGuildEmojisResponse, 0, false)                   \
  X(GetGuildEmoji, GetGuildEmojiRequest, GetGuildEmojiResponse, 0, false)                         \
  X(CreateGuildEmoji, CreateGuildEmojiRequest, CreateGuildEmojiResponse, 0, false)                \
  X(ModifyGuildEmoji, ModifyGuildEmojiRequest, ModifyGuildEmojiResponse, 0, false)                \
  X(DeleteGuildEmoji, DeleteGuildEmojiRequest, DeleteGuildEmojiResponse, 0, false)                \
  X(GetCurrentUser, GetCurrentUserRequest, GetCurrentUserResponse, 0, false)                      \
  X(GetUser, GetUserRequest, GetUserResponse, 0, false)                                           \
  X(ModifyCurrentUser, ModifyCurrentUserRequest, ModifyCurrentUserResponse, 0, false)             \
  X(LeaveGuild, LeaveGuildRequest, LeaveGuildResponse, 0, false)                                  \
  X(CreateDm, CreateDmRequest, CreateDmResponse, 0, false)                                        \
  X(CreateInteractionResponse, InteractionResponseCreateRequest,                                  \
    InteractionResponseCreateResponse, 0, false)                                                  \
  X(CreateInteractionFollowupMessage, InteractionFollowupMessageCreateRequest,                    \
    InteractionFollowupMessageCreateResponse, 0, false)                                           \
  X(EditInteractionFollowupMessage, InteractionFollowupMessageEditRequest,                        \
    InteractionFollowupMessageEditResponse, 0, false)                                             \
  X(DeleteInteractionFollowupMessage, InteractionFollowupMessageDeleteRequest,                    \
    InteractionFollowupMessageDeleteResponse, 0, false)

#define PYLON_REST_DECLARE_METHOD(Name, Req, Resp, EmptyOnNotFound, SingleEmbed)                \
  struct Name##Method {                                                                         \
    using Request = rpb::Req;                                                                   \
    using Response = rpb::Resp;                                                                 \
    static constexpr std::string_view kName = #Name;                                            \
    static constexpr uint32_t kEmptyOnNotFound = EmptyOnNotFound;                               \
    static constexpr bool kSingleEmbed = SingleEmbed;                                           \
    static LocalError Build(const Request& request, const Target& target, DiscordRequest* out); \
    static CheckFn Check(const Request& request, const Target& target);                         \
    static Status Parse(const net::HttpResponse& answer, const Target& target, Response* out);  \
  };
PYLON_REST_METHODS(PYLON_REST_DECLARE_METHOD)
#undef PYLON_REST_DECLARE_METHOD

}  // namespace pylon::rest
