// Copyright 2026 The Pylon Gateway Authors.
// A GatewayEventHandler that passes every callback on to another handler. Subclasses override
// the few callbacks they need to watch (the gateway session watches hello, acks, READY...) and
// call the base to pass them on.

#pragma once

#include "discord/events.h"

namespace pylon::discord {

class ForwardingHandler : public GatewayEventHandler {
 public:
  explicit ForwardingHandler(GatewayEventHandler* target) : target_(target) {}
  void set_target(GatewayEventHandler* target) { target_ = target; }

  void OnHello(uint32_t interval_ms) override { target_->OnHello(interval_ms); }
  void OnHeartbeatAck() override { target_->OnHeartbeatAck(); }
  void OnHeartbeatRequest() override { target_->OnHeartbeatRequest(); }
  void OnReconnect() override { target_->OnReconnect(); }
  void OnInvalidSession(bool resumable) override { target_->OnInvalidSession(resumable); }
  void OnSequence(uint64_t seq) override { target_->OnSequence(seq); }
  void OnReady(ReadyEvent& e) override { target_->OnReady(e); }
  void OnResumed() override { target_->OnResumed(); }
  void OnGuildCreate(GuildCreateEvent& e) override { target_->OnGuildCreate(e); }
  void OnGuildUpdate(GuildUpdateEvent& e) override { target_->OnGuildUpdate(e); }
  void OnGuildDelete(GuildDeleteEvent& e) override { target_->OnGuildDelete(e); }
  void OnRoleCreate(RoleEvent& e) override { target_->OnRoleCreate(e); }
  void OnRoleUpdate(RoleEvent& e) override { target_->OnRoleUpdate(e); }
  void OnRoleDelete(RoleDeleteEvent& e) override { target_->OnRoleDelete(e); }
  void OnChannelCreate(ChannelEvent& e) override { target_->OnChannelCreate(e); }
  void OnChannelUpdate(ChannelEvent& e) override { target_->OnChannelUpdate(e); }
  void OnChannelDelete(ChannelEvent& e) override { target_->OnChannelDelete(e); }
  void OnThreadCreate(ChannelEvent& e) override { target_->OnThreadCreate(e); }
  void OnThreadUpdate(ChannelEvent& e) override { target_->OnThreadUpdate(e); }
  void OnThreadDelete(ThreadDeleteEvent& e) override { target_->OnThreadDelete(e); }
  void OnThreadListSync(ThreadListSyncEvent& e) override { target_->OnThreadListSync(e); }
  void OnMemberAdd(MemberEvent& e) override { target_->OnMemberAdd(e); }
  void OnMemberUpdate(MemberEvent& e) override { target_->OnMemberUpdate(e); }
  void OnMemberRemove(MemberRemoveEvent& e) override { target_->OnMemberRemove(e); }
  void OnMembersChunk(MembersChunkEvent& e) override { target_->OnMembersChunk(e); }
  void OnPresenceUpdate(PresenceEvent& e) override { target_->OnPresenceUpdate(e); }
  void OnVoiceStateUpdate(VoiceStateEvent& e) override { target_->OnVoiceStateUpdate(e); }
  void OnEmojisUpdate(EmojisUpdateEvent& e) override { target_->OnEmojisUpdate(e); }
  void OnUserUpdate(UserUpdateEvent& e) override { target_->OnUserUpdate(e); }
  void OnMessageCreate(MessageCreateEvent& e) override { target_->OnMessageCreate(e); }
  void OnMessageUpdate(MessageUpdateEvent& e) override { target_->OnMessageUpdate(e); }
  void OnMessageDelete(MessageDeleteEvent& e) override { target_->OnMessageDelete(e); }
  void OnMessageDeleteBulk(MessageDeleteBulkEvent& e) override { target_->OnMessageDeleteBulk(e); }
  void OnReaction(ReactionEvent& e, pb::event::EventEnvelope& envelope) override {
    target_->OnReaction(e, envelope);
  }
  void OnPassthrough(std::string_view name, GuildId guild,
                     pb::event::EventEnvelope& envelope) override {
    target_->OnPassthrough(name, guild, envelope);
  }
  void OnUnmodelled(std::string_view name) override { target_->OnUnmodelled(name); }
  void OnMalformed(std::string_view name, const Error& error) override {
    target_->OnMalformed(name, error);
  }

 protected:
  GatewayEventHandler* target_;
};

}  // namespace pylon::discord
