// Copyright 2026 The Pylon Gateway Authors.
// Helpers for building EventEnvelopes on the shard: the scope of whatever event an envelope holds,
// MESSAGE_UPDATE's partial form, and event names with static storage.

#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

#include "discord/v1/event.pb.h"
#include "discord/v1/model.pb.h"

namespace pylon::gateway {

// The `scope` of the event set in `envelope`, or nullptr when no event is set.
::pylon::discord::v1::event::EventScope* MutableScope(
    ::pylon::discord::v1::event::EventEnvelope& envelope);

// Whether a MESSAGE_UPDATE carried a whole message (id, channel, author, timestamp, content...),
// by the MessageData field numbers present.
bool IsCompleteMessage(const std::bitset<64>& present);

// MESSAGE_UPDATE's `raw` form: the fields present, in their nullable wrappers.
void BuildRawMessageUpdate(const ::pylon::discord::v1::model::MessageData& message,
                           const std::bitset<64>& present,
                           ::pylon::discord::v1::event::MessageUpdateEvent_PayloadData* raw);

// The serialized EventEnvelope{message_create_event{scope{bot_id, guild_id}, message_data}} around
// `message`, a MessageData already serialized: byte for byte what EventEnvelope::SerializeToString
// gives for that envelope (fields in number order, zero scope ids omitted, the scope and the
// message always present), without parsing or serializing the message again.
std::string EncodeMessageCreateEnvelope(uint64_t bot_id, uint64_t guild_id,
                                        std::string_view message);

// `name` as a string_view with static storage duration (the parser's names point into the
// frame). Names we do not know become "UNKNOWN_EVENT".
std::string_view StaticEventName(std::string_view name);

}  // namespace pylon::gateway
