// Copyright 2026 The Pylon Gateway Authors.

#include "cache/message_store.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <utility>

namespace pylon::cache {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void CopyField(const Message& from, const FieldDescriptor* field, Message* to) {
  const Reflection* rf = from.GetReflection();
  const Reflection* rt = to->GetReflection();
  rt->ClearField(to, field);
  if (field->is_repeated()) {
    const int n = rf->FieldSize(from, field);
    for (int i = 0; i < n; ++i) {
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          rt->AddInt32(to, field, rf->GetRepeatedInt32(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          rt->AddInt64(to, field, rf->GetRepeatedInt64(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          rt->AddUInt32(to, field, rf->GetRepeatedUInt32(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          rt->AddUInt64(to, field, rf->GetRepeatedUInt64(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          rt->AddDouble(to, field, rf->GetRepeatedDouble(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          rt->AddFloat(to, field, rf->GetRepeatedFloat(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          rt->AddBool(to, field, rf->GetRepeatedBool(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          rt->AddEnumValue(to, field, rf->GetRepeatedEnumValue(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          rt->AddString(to, field, rf->GetRepeatedString(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          rt->AddMessage(to, field)->CopyFrom(rf->GetRepeatedMessage(from, field, i));
          break;
      }
    }
    return;
  }
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      rt->SetInt32(to, field, rf->GetInt32(from, field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      rt->SetInt64(to, field, rf->GetInt64(from, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      rt->SetUInt32(to, field, rf->GetUInt32(from, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      rt->SetUInt64(to, field, rf->GetUInt64(from, field));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      rt->SetDouble(to, field, rf->GetDouble(from, field));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      rt->SetFloat(to, field, rf->GetFloat(from, field));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      rt->SetBool(to, field, rf->GetBool(from, field));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      rt->SetEnumValue(to, field, rf->GetEnumValue(from, field));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      rt->SetString(to, field, rf->GetString(from, field));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (rf->HasField(from, field)) {
        rt->MutableMessage(to, field)->CopyFrom(rf->GetMessage(from, field));
      }
      break;
  }
}

bool SameEmoji(const pb::MessageData::MessageReactionEmojiData& emoji,
               const discord::ReactionEvent& event) {
  if (!event.emoji_id.is_zero()) return emoji.id() == event.emoji_id.value();
  return emoji.id() == 0 && emoji.name() == event.emoji_name;
}

}  // namespace

StoredMessage* MessageRing::Find(MessageId id) {
  return const_cast<StoredMessage*>(std::as_const(*this).Find(id));
}

const StoredMessage* MessageRing::Find(MessageId id) const {
  if (id.is_zero()) {
    // Free slots have id 0 too: only the held ones, in order.
    for (uint32_t i = 0; i < count_; ++i) {
      if (at(i).id == id) return &at(i);
    }
    return nullptr;
  }
  if (id.value() > max_id_) return nullptr;  // newer than anything held
  // Ids are unique in the ring and free slots have id 0, so slot order finds the same message as
  // ring order, without the modulo per step.
  for (const StoredMessage& slot : slots_) {
    if (slot.id == id) return &slot;
  }
  return nullptr;
}

StoredMessage& MessageRing::Append(uint32_t depth, MessageId id, uint32_t* evicted_author) {
  StoredMessage& slot = Slot(depth, evicted_author);
  slot.id = id;
  max_id_ = std::max(max_id_, id.value());
  return slot;
}

StoredMessage& MessageRing::Slot(uint32_t depth, uint32_t* evicted_author) {
  *evicted_author = kNoSlot;
  if (slots_.size() < depth && count_ == slots_.size()) {
    // Still growing: head_ is 0 until the ring first fills.
    ++count_;
    return slots_.emplace_back();
  }
  if (count_ < depth && count_ < slots_.size()) {
    StoredMessage& slot = at(count_++);
    return slot;
  }
  // Full: the oldest slot becomes the newest.
  StoredMessage& slot = at(0);
  *evicted_author = slot.author_slot;
  slot.author_slot = kNoSlot;
  head_ = static_cast<uint32_t>((head_ + 1) % slots_.size());
  return slot;
}

bool MessageRing::Erase(MessageId id, uint32_t* author_slot) {
  uint32_t i = 0;
  while (i < count_ && at(i).id != id) ++i;
  if (i == count_) return false;
  *author_slot = at(i).author_slot;
  for (; i + 1 < count_; ++i) std::swap(at(i), at(i + 1));
  StoredMessage& freed = at(--count_);
  freed.id = MessageId();
  freed.author_slot = kNoSlot;
  freed.data.clear();  // keeps the buffer for the next message
  return true;
}

uint64_t MessageRing::Bytes() const {
  uint64_t bytes = HeapBlock(slots_.capacity() * sizeof(StoredMessage));
  for (const StoredMessage& slot : slots_) bytes += StringHeap(slot.data);
  return bytes;
}

namespace {

// CopyField for the fields MessageData has today, through the generated accessors (no
// reflection: a whole-message MESSAGE_UPDATE copies every field). Same result as CopyField: a
// scalar or string is copied even when empty (proto3, no presence), a message field is copied or
// cleared, a repeated field replaced as a whole. Returns false for a number it does not know.
bool CopyKnownField(const pb::MessageData& from, int number, pb::MessageData* to) {
#define PYLON_COPY_SCALAR(n, name) \
  case n:                          \
    to->set_##name(from.name());   \
    return true;
#define PYLON_COPY_MESSAGE(n, name)                \
  case n:                                          \
    if (from.has_##name()) {                       \
      to->mutable_##name()->CopyFrom(from.name()); \
    } else {                                       \
      to->clear_##name();                          \
    }                                              \
    return true;
#define PYLON_COPY_REPEATED(n, name)             \
  case n:                                        \
    to->mutable_##name()->CopyFrom(from.name()); \
    return true;
  switch (number) {
    PYLON_COPY_SCALAR(1, id)
    PYLON_COPY_SCALAR(2, channel_id)
    PYLON_COPY_MESSAGE(3, guild_id)
    PYLON_COPY_SCALAR(4, content)
    PYLON_COPY_MESSAGE(5, timestamp)
    PYLON_COPY_MESSAGE(6, edited_timestamp)
    PYLON_COPY_MESSAGE(7, mention_roles)
    PYLON_COPY_SCALAR(8, tts)
    PYLON_COPY_SCALAR(9, mention_everyone)
    PYLON_COPY_REPEATED(10, attachments)
    PYLON_COPY_REPEATED(11, embeds)
    PYLON_COPY_REPEATED(12, mentions)
    PYLON_COPY_REPEATED(13, reactions)
    PYLON_COPY_SCALAR(14, pinned)
    PYLON_COPY_SCALAR(15, type)
    PYLON_COPY_REPEATED(16, mention_channels)
    PYLON_COPY_SCALAR(17, flags)
    PYLON_COPY_MESSAGE(18, activity)
    PYLON_COPY_MESSAGE(19, application)
    PYLON_COPY_MESSAGE(20, message_reference)
    PYLON_COPY_MESSAGE(21, author)
    PYLON_COPY_MESSAGE(22, member)
    PYLON_COPY_MESSAGE(23, webhook_id)
    PYLON_COPY_REPEATED(24, stickers)
    PYLON_COPY_MESSAGE(25, interaction)
    PYLON_COPY_MESSAGE(26, thread)
    PYLON_COPY_REPEATED(27, components)
    default:
      return false;
  }
#undef PYLON_COPY_SCALAR
#undef PYLON_COPY_MESSAGE
#undef PYLON_COPY_REPEATED
}

}  // namespace

void MergePresentFields(const pb::MessageData& from, const std::bitset<64>& present,
                        pb::MessageData* to) {
  const google::protobuf::Descriptor* descriptor = nullptr;
  for (int number = 1; number < 64; ++number) {
    if (!present.test(static_cast<size_t>(number))) continue;
    if (CopyKnownField(from, number, to)) continue;
    // A field added to MessageData since CopyKnownField was written: by reflection.
    if (descriptor == nullptr) descriptor = pb::MessageData::descriptor();
    const FieldDescriptor* field = descriptor->FindFieldByNumber(number);
    if (field != nullptr) CopyField(from, field, to);
  }
}

namespace {

// Reads a base-128 varint at `*p` (before `end`); false when it runs past `end` or 10 bytes.
bool ReadVarint(const uint8_t** p, const uint8_t* end, uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    uint8_t byte = *(*p)++;
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

}  // namespace

bool ApplyReactionToSerialized(const discord::ReactionEvent& event, UserId bot,
                               pb::MessageData* scratch, std::string* buffer, std::string* data) {
  constexpr uint64_t kReactions = pb::MessageData::kReactionsFieldNumber;
  scratch->Clear();
  buffer->clear();
  const auto* p = reinterpret_cast<const uint8_t*>(data->data());
  const uint8_t* const end = p + data->size();
  while (p < end) {
    const uint8_t* field_start = p;
    uint64_t tag = 0, length = 0;
    if (!ReadVarint(&p, end, &tag)) return false;
    switch (tag & 7) {
      case 0:  // varint
        if (!ReadVarint(&p, end, &length)) return false;
        break;
      case 1:  // 64-bit
        if (end - p < 8) return false;
        p += 8;
        break;
      case 2:  // length-delimited
        if (!ReadVarint(&p, end, &length) || length > static_cast<uint64_t>(end - p)) {
          return false;
        }
        if ((tag >> 3) == kReactions) {
          if (!scratch->add_reactions()->ParseFromArray(p, static_cast<int>(length))) return false;
          p += length;
          continue;
        }
        p += length;
        break;
      case 5:  // 32-bit
        if (end - p < 4) return false;
        p += 4;
        break;
      default:  // groups: never in what we serialize
        return false;
    }
    buffer->append(reinterpret_cast<const char*>(field_start),
                   static_cast<size_t>(p - field_start));
  }
  if (!ApplyReactionToMessage(event, bot, scratch)) return false;
  scratch->AppendToString(buffer);  // only `reactions` is set: exactly their fields
  data->swap(*buffer);
  return true;
}

bool ApplyReactionToMessage(const discord::ReactionEvent& event, UserId bot,
                            pb::MessageData* message) {
  using Kind = discord::ReactionEvent::Kind;
  auto* reactions = message->mutable_reactions();
  if (event.kind == Kind::kRemoveAll) {
    if (reactions->empty()) return false;
    reactions->Clear();
    return true;
  }
  int index = -1;
  for (int i = 0; i < reactions->size(); ++i) {
    if (SameEmoji(reactions->Get(i).emoji(), event)) {
      index = i;
      break;
    }
  }
  const bool by_bot = !bot.is_zero() && event.user.value() == bot.value();
  switch (event.kind) {
    case Kind::kAdd: {
      if (index < 0) {
        auto* reaction = reactions->Add();
        reaction->set_count(1);
        reaction->set_me(by_bot && !event.burst);
        reaction->mutable_emoji()->set_id(event.emoji_id.value());
        reaction->mutable_emoji()->set_name(event.emoji_name);
        reaction->mutable_emoji()->set_animated(event.emoji_animated);
        return true;
      }
      auto* reaction = reactions->Mutable(index);
      // The bot's own reaction seen twice is a duplicate delivery; anybody else's cannot be told
      // apart from a new reaction (the message keeps counts, not users).
      if (by_bot && !event.burst && reaction->me()) return false;
      reaction->set_count(reaction->count() + 1);
      if (by_bot && !event.burst) reaction->set_me(true);
      return true;
    }
    case Kind::kRemove: {
      if (index < 0) return false;
      auto* reaction = reactions->Mutable(index);
      if (by_bot && !event.burst && !reaction->me()) return false;  // already removed
      if (by_bot && !event.burst) reaction->set_me(false);
      if (reaction->count() <= 1) {
        reactions->DeleteSubrange(index, 1);
      } else {
        reaction->set_count(reaction->count() - 1);
      }
      return true;
    }
    case Kind::kRemoveEmoji:
      if (index < 0) return false;
      reactions->DeleteSubrange(index, 1);
      return true;
    case Kind::kRemoveAll:
      break;
  }
  return false;
}

}  // namespace pylon::cache
