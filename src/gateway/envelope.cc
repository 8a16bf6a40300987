// Copyright 2026 The Pylon Gateway Authors.

#include "gateway/envelope.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace pylon::gateway {

namespace ev = ::pylon::discord::v1::event;
namespace model = ::pylon::discord::v1::model;

namespace {

size_t VarintSize(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

char* PutVarint(char* to, uint64_t value) {
  while (value >= 0x80) {
    *to++ = static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  *to++ = static_cast<char>(value);
  return to;
}

char* PutFixed64(char* to, uint64_t value) {
  for (int i = 0; i < 8; ++i) *to++ = static_cast<char>((value >> (8 * i)) & 0xFF);
  return to;
}

// Wire tags: (field number << 3) | wire type (1: fixed64, 2: length-delimited).
constexpr uint64_t kEnvelopeMessageCreateTag = (16 << 3) | 2;  // EventEnvelope.message_create_event
constexpr uint64_t kScopeTag = (1 << 3) | 2;                   // MessageCreateEvent.scope
constexpr uint64_t kMessageDataTag = (2 << 3) | 2;             // MessageCreateEvent.message_data
constexpr uint64_t kBotIdTag = (1 << 3) | 1;                   // EventScope.bot_id (fixed64)
constexpr uint64_t kGuildIdTag = (2 << 3) | 1;                 // EventScope.guild_id (fixed64)

}  // namespace

std::string EncodeMessageCreateEnvelope(uint64_t bot_id, uint64_t guild_id,
                                        std::string_view message) {
  // proto3: a zero fixed64 is not written.
  const size_t scope_size = (bot_id != 0 ? 9 : 0) + (guild_id != 0 ? 9 : 0);
  const size_t event_size = VarintSize(kScopeTag) + VarintSize(scope_size) + scope_size +
                            VarintSize(kMessageDataTag) + VarintSize(message.size()) +
                            message.size();
  const size_t total = VarintSize(kEnvelopeMessageCreateTag) + VarintSize(event_size) + event_size;
  std::string out(total, '\0');
  char* to = out.data();
  to = PutVarint(to, kEnvelopeMessageCreateTag);
  to = PutVarint(to, event_size);
  to = PutVarint(to, kScopeTag);
  to = PutVarint(to, scope_size);
  if (bot_id != 0) to = PutFixed64(PutVarint(to, kBotIdTag), bot_id);
  if (guild_id != 0) to = PutFixed64(PutVarint(to, kGuildIdTag), guild_id);
  to = PutVarint(to, kMessageDataTag);
  to = PutVarint(to, message.size());
  if (!message.empty()) std::memcpy(to, message.data(), message.size());
  return out;
}

ev::EventScope* MutableScope(ev::EventEnvelope& e) {
  using E = ev::EventEnvelope;
  switch (e.event_data_case()) {
    case E::kGuildCreateEvent:
      return e.mutable_guild_create_event()->mutable_scope();
    case E::kGuildUpdateEvent:
      return e.mutable_guild_update_event()->mutable_scope();
    case E::kGuildDeleteEvent:
      return e.mutable_guild_delete_event()->mutable_scope();
    case E::kPresenceUpdateEvent:
      return e.mutable_presence_update_event()->mutable_scope();
    case E::kGuildMemberAddEvent:
      return e.mutable_guild_member_add_event()->mutable_scope();
    case E::kGuildMemberUpdateEvent:
      return e.mutable_guild_member_update_event()->mutable_scope();
    case E::kGuildMemberRemoveEvent:
      return e.mutable_guild_member_remove_event()->mutable_scope();
    case E::kChannelCreateEvent:
      return e.mutable_channel_create_event()->mutable_scope();
    case E::kChannelUpdateEvent:
      return e.mutable_channel_update_event()->mutable_scope();
    case E::kChannelDeleteEvent:
      return e.mutable_channel_delete_event()->mutable_scope();
    case E::kChannelPinsUpdateEvent:
      return e.mutable_channel_pins_update_event()->mutable_scope();
    case E::kGuildRoleCreateEvent:
      return e.mutable_guild_role_create_event()->mutable_scope();
    case E::kGuildRoleUpdateEvent:
      return e.mutable_guild_role_update_event()->mutable_scope();
    case E::kGuildRoleDeleteEvent:
      return e.mutable_guild_role_delete_event()->mutable_scope();
    case E::kMessageCreateEvent:
      return e.mutable_message_create_event()->mutable_scope();
    case E::kMessageUpdateEvent:
      return e.mutable_message_update_event()->mutable_scope();
    case E::kMessageDeleteEvent:
      return e.mutable_message_delete_event()->mutable_scope();
    case E::kMessageDeleteBulkEvent:
      return e.mutable_message_delete_bulk_event()->mutable_scope();
    case E::kMessageReactionAddEvent:
      return e.mutable_message_reaction_add_event()->mutable_scope();
    case E::kMessageReactionRemoveEvent:
      return e.mutable_message_reaction_remove_event()->mutable_scope();
    case E::kMessageReactionRemoveAllEvent:
      return e.mutable_message_reaction_remove_all_event()->mutable_scope();
    case E::kMessageReactionRemoveEmojiEvent:
      return e.mutable_message_reaction_remove_emoji_event()->mutable_scope();
    case E::kTypingStartEvent:
      return e.mutable_typing_start_event()->mutable_scope();
    case E::kVoiceStateUpdateEvent:
      return e.mutable_voice_state_update_event()->mutable_scope();
    case E::kVoiceServerUpdateEvent:
      return e.mutable_voice_server_update_event()->mutable_scope();
    case E::kInviteCreateEvent:
      return e.mutable_invite_create_event()->mutable_scope();
    case E::kInviteDeleteEvent:
      return e.mutable_invite_delete_event()->mutable_scope();
    case E::kGuildBanAddEvent:
      return e.mutable_guild_ban_add_event()->mutable_scope();
    case E::kGuildBanRemoveEvent:
      return e.mutable_guild_ban_remove_event()->mutable_scope();
    case E::kGuildEmojisUpdateEvent:
      return e.mutable_guild_emojis_update_event()->mutable_scope();
    case E::kGuildIntegrationsUpdateEvent:
      return e.mutable_guild_integrations_update_event()->mutable_scope();
    case E::kWebhooksUpdateEvent:
      return e.mutable_webhooks_update_event()->mutable_scope();
    case E::kIntegrationCreateEvent:
      return e.mutable_integration_create_event()->mutable_scope();
    case E::kIntegrationUpdateEvent:
      return e.mutable_integration_update_event()->mutable_scope();
    case E::kIntegrationDeleteEvent:
      return e.mutable_integration_delete_event()->mutable_scope();
    case E::kInteractionCreateEvent:
      return e.mutable_interaction_create_event()->mutable_scope();
    case E::kReadyEvent:
      return e.mutable_ready_event()->mutable_scope();
    case E::kResumeEvent:
      return e.mutable_resume_event()->mutable_scope();
    case E::EVENT_DATA_NOT_SET:
      return nullptr;
  }
  return nullptr;
}

bool IsCompleteMessage(const std::bitset<64>& present) {
  // id 1, channel_id 2, content 4, timestamp 5, author 21: what a full message object always has.
  for (int field : {1, 2, 4, 5, 21}) {
    if (!present.test(field)) return false;
  }
  return true;
}

void BuildRawMessageUpdate(const model::MessageData& m, const std::bitset<64>& present,
                           ev::MessageUpdateEvent_PayloadData* raw) {
  raw->set_id(m.id());
  raw->set_channel_id(m.channel_id());
  if (present.test(3)) *raw->mutable_guild_id() = m.guild_id();
  if (present.test(4)) raw->mutable_content()->set_value(m.content());
  if (present.test(6)) *raw->mutable_edited_timestamp() = m.edited_timestamp();
  if (present.test(7)) *raw->mutable_mention_roles() = m.mention_roles();
  if (present.test(8)) raw->mutable_tts()->set_value(m.tts());
  if (present.test(9)) raw->mutable_mention_everyone()->set_value(m.mention_everyone());
  if (present.test(10)) *raw->mutable_attachments()->mutable_values() = m.attachments();
  if (present.test(11)) *raw->mutable_embeds()->mutable_values() = m.embeds();
  if (present.test(12)) *raw->mutable_mentions()->mutable_values() = m.mentions();
  if (present.test(13)) *raw->mutable_reactions()->mutable_values() = m.reactions();
  if (present.test(14)) raw->mutable_pinned()->set_value(m.pinned());
  if (present.test(15)) raw->mutable_type()->set_value(m.type());
  if (present.test(16)) *raw->mutable_mention_channels()->mutable_values() = m.mention_channels();
  if (present.test(17)) raw->mutable_flags()->set_value(m.flags());
  if (present.test(18)) *raw->mutable_activity()->mutable_value() = m.activity();
  if (present.test(19)) *raw->mutable_application()->mutable_value() = m.application();
  if (present.test(20)) *raw->mutable_message_reference()->mutable_value() = m.message_reference();
  if (present.test(21)) *raw->mutable_author()->mutable_value() = m.author();
  if (present.test(22)) *raw->mutable_member()->mutable_value() = m.member();
  if (present.test(23)) *raw->mutable_webhook_id() = m.webhook_id();
}

std::string_view StaticEventName(std::string_view name) {
  static constexpr std::array<std::string_view, 40> kNames = {
      "READY",
      "RESUMED",
      "GUILD_CREATE",
      "GUILD_UPDATE",
      "GUILD_DELETE",
      "PRESENCE_UPDATE",
      "GUILD_MEMBER_ADD",
      "GUILD_MEMBER_UPDATE",
      "GUILD_MEMBER_REMOVE",
      "CHANNEL_CREATE",
      "CHANNEL_UPDATE",
      "CHANNEL_DELETE",
      "CHANNEL_PINS_UPDATE",
      "GUILD_ROLE_CREATE",
      "GUILD_ROLE_UPDATE",
      "GUILD_ROLE_DELETE",
      "MESSAGE_CREATE",
      "MESSAGE_UPDATE",
      "MESSAGE_DELETE",
      "MESSAGE_DELETE_BULK",
      "MESSAGE_REACTION_ADD",
      "MESSAGE_REACTION_REMOVE",
      "MESSAGE_REACTION_REMOVE_ALL",
      "MESSAGE_REACTION_REMOVE_EMOJI",
      "TYPING_START",
      "VOICE_STATE_UPDATE",
      "VOICE_SERVER_UPDATE",
      "INVITE_CREATE",
      "INVITE_DELETE",
      "GUILD_BAN_ADD",
      "GUILD_BAN_REMOVE",
      "GUILD_EMOJIS_UPDATE",
      "GUILD_INTEGRATIONS_UPDATE",
      "WEBHOOKS_UPDATE",
      "INTEGRATION_CREATE",
      "INTEGRATION_UPDATE",
      "INTEGRATION_DELETE",
      "INTERACTION_CREATE",
      "UNKNOWN_EVENT",
      "UNKNOWN_EVENT",
  };
  auto it = std::find(kNames.begin(), kNames.end(), name);
  return it == kNames.end() ? std::string_view("UNKNOWN_EVENT") : *it;
}

}  // namespace pylon::gateway
