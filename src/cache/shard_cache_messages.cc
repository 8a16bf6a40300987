// Copyright 2026 The Pylon Gateway Authors.
// ShardCache: message events. Messages are kept serialized; an update or a reaction parses the
// cached message into a reused MessageData, changes it and serializes it back into its buffer.

#include "cache/shard_cache.h"
#include "cache/shard_cache_internal.h"

namespace pylon::cache {
namespace {

// The author a message pins in the user table: a real user (not a webhook's stand-in).
bool AuthorToUser(const pb::MessageData& message, discord::User* user) {
  if (!message.has_author() || message.has_webhook_id() || message.author().id() == 0) {
    return false;
  }
  const pb::UserData& author = message.author();
  user->id = UserId(author.id());
  user->username = author.username();
  if (author.has_avatar()) user->avatar.Assign(author.avatar().value());
  user->discriminator = static_cast<uint16_t>(author.discriminator());
  user->bot = author.bot();
  return true;
}

void FillIds(const discord::MessageUpdateEvent& event, pb::MessageData* out) {
  out->set_id(event.id.value());
  out->set_channel_id(event.channel.value());
  if (!event.guild.is_zero() && !out->has_guild_id()) {
    out->mutable_guild_id()->set_value(event.guild.value());
  }
}

}  // namespace

const std::string* ShardCache::ApplyMessageCreate(const discord::MessageCreateEvent& event) {
  Impl& d = *impl_;
  const uint32_t depth = d.options.message_depth;
  if (!d.Has(Kind::kMessages) || depth == 0 || event.message == nullptr) return nullptr;
  MessageRing& ring = d.messages.try_emplace(event.channel.value(), event.guild).first->second;
  StoredMessage* message = ring.Find(event.id);  // a repeated delivery replaces the message
  if (message == nullptr) {
    uint32_t evicted = kNoSlot;
    message = &ring.Append(depth, event.id, &evicted);
    if (evicted != kNoSlot) d.users.Unref(evicted);
  }
  const uint32_t old_author = message->author_slot;
  message->author_slot = kNoSlot;
  discord::User author;
  if (d.Has(Kind::kUsers) && AuthorToUser(*event.message, &author)) {
    message->author_slot = d.users.Acquire(author);
  }
  if (old_author != kNoSlot) d.users.Unref(old_author);
  event.message->SerializeToString(&message->data);  // reuses the slot's buffer
  return &message->data;
}

bool ShardCache::ApplyMessageUpdate(const discord::MessageUpdateEvent& event,
                                    pb::MessageData* previous, pb::MessageData* current) {
  Impl& d = *impl_;
  auto ring = d.messages.find(event.channel.value());
  StoredMessage* message = ring == d.messages.end() ? nullptr : ring->second.Find(event.id);
  if (message == nullptr || event.message == nullptr) {
    if (current != nullptr) {
      if (event.message != nullptr) current->CopyFrom(*event.message);
      FillIds(event, current);
    }
    return false;
  }
  pb::MessageData* work = current != nullptr ? current : &d.scratch;
  work->ParseFromString(message->data);
  if (previous != nullptr) previous->CopyFrom(*work);
  MergePresentFields(*event.message, event.present, work);
  work->SerializeToString(&message->data);
  return true;
}

bool ShardCache::ApplyMessageDelete(const discord::MessageDeleteEvent& event,
                                    pb::MessageData* previous) {
  Impl& d = *impl_;
  auto ring = d.messages.find(event.channel.value());
  if (ring == d.messages.end()) return false;
  bool had = false;
  if (const StoredMessage* message = ring->second.Find(event.id); message != nullptr) {
    had = true;
    if (previous != nullptr) previous->ParseFromString(message->data);
  }
  uint32_t author = kNoSlot;
  if (ring->second.Erase(event.id, &author) && author != kNoSlot) d.users.Unref(author);
  if (ring->second.size() == 0) d.messages.erase(ring);
  return had;
}

void ShardCache::ApplyMessageDeleteBulk(const discord::MessageDeleteBulkEvent& event) {
  Impl& d = *impl_;
  auto ring = d.messages.find(event.channel.value());
  if (ring == d.messages.end()) return;
  for (MessageId id : event.ids) {
    uint32_t author = kNoSlot;
    if (ring->second.Erase(id, &author) && author != kNoSlot) d.users.Unref(author);
  }
  if (ring->second.size() == 0) d.messages.erase(ring);
}

void ShardCache::ApplyReaction(const discord::ReactionEvent& event) {
  Impl& d = *impl_;
  auto ring = d.messages.find(event.channel.value());
  if (ring == d.messages.end()) return;
  StoredMessage* message = ring->second.Find(event.message);
  if (message == nullptr) return;
  // Only the reactions are parsed and rewritten; the rest of the message is copied as bytes.
  (void)ApplyReactionToSerialized(event, UserId(bot_.value()), &d.scratch, &d.scratch_bytes,
                                  &message->data);
}

}  // namespace pylon::cache
