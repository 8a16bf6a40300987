// Copyright 2026 The Pylon Gateway Authors.
// GatewayParser: gateway frames (JSON text) -> the events of events.h, with simdjson On Demand.
//
// One frame is parsed in two phases: first the whole frame is read into scratch objects owned by
// the parser (model structs, or protobuf messages on a per-frame arena), then the handler is
// called. So a frame that turns out malformed anywhere never reaches the cache half-applied: the
// handler sees OnSequence (when `s` was readable) and OnMalformed instead.
//
// The frame's keys may come in any order; `d` is read in the same pass when `op` and `t` came
// before it (Discord's usual order), otherwise in a second pass over the same document (rewind).
// Key order inside objects never matters; unknown keys are skipped without being unescaped.
//
// Translation into the public protobuf model (pylon-api-contract.md §8) happens here for the
// protobuf outputs (messages, reactions, passthrough events): see the To*Proto functions below.
// The model structs keep Discord's numbering.
//
// One GatewayParser per gateway connection; used on that connection's reactor only.

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "discord/events.h"
#include "discord/inflater.h"
#include "discord/v1/model.pb.h"

namespace pylon::discord {

struct GatewayParserStats {
  uint64_t frames = 0;           // messages given to Parse
  uint64_t dispatches = 0;       // op 0 frames
  uint64_t malformed = 0;        // frames reported through OnMalformed
  uint64_t unmodelled = 0;       // dispatches reported through OnUnmodelled
  uint64_t shrink_failures = 0;  // could not shrink the buffers after a big document
  // Per event name. At most kMaxNames distinct names each; further names count under "(other)".
  static constexpr size_t kMaxNames = 128;
  std::map<std::string, uint64_t, std::less<>> unmodelled_by_name;
  std::map<std::string, uint64_t, std::less<>> malformed_by_name;  // "" when t was unreadable
};

// Parses gateway frames of one connection. Owns a reusable simdjson On Demand parser and reusable
// scratch objects (the event structs, a protobuf arena for EventEnvelope and MessageData) so that
// steady-state parsing allocates as little as possible. One per connection/shard; one thread.
class GatewayParser {
 public:
  // Documents above this size are parsed, then the parser's buffers shrink back to it (a big
  // GUILD_CREATE must not pin several times its size in every shard's parser).
  static constexpr size_t kRetainedCapacity = 1 << 20;
  // Nesting limit of the recursive structures parsed (message components, command options).
  static constexpr int kMaxNesting = 16;

  GatewayParser();
  ~GatewayParser();
  GatewayParser(const GatewayParser&) = delete;
  GatewayParser& operator=(const GatewayParser&) = delete;

  // Parses one complete gateway message (padded, see InflatedMessage) and calls `handler` exactly
  // as documented in events.h. Never throws. Malformed input -> OnSequence(s) when `s` was
  // readable, then OnMalformed(name, error); the same error is returned (INVALID_ARGUMENT).
  Status Parse(const InflatedMessage& message, GatewayEventHandler& handler);

  const GatewayParserStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Enum translation into the public model (pylon-api-contract.md §8), shared so that every producer
// of protobuf objects agrees. Never returns a value outside the proto enum.
//
// Channel type: Discord 0-6 -> +1; 11 -> PUBLIC_THREAD, 12 -> PRIVATE_THREAD, 13 ->
// GUILD_STAGE_VOICE; 10 (announcement thread, which the model lacks) -> PUBLIC_THREAD, being a
// public thread; 14 and above (directory, forum, media) -> UNKNOWN.
pb::model::ChannelData::ChannelType ToProtoChannelType(uint64_t discord_type);
// Message type: Discord + 1 where the model has the value (0-12, 14, 15). Every other type
// (REPLY 19, CHAT_INPUT_COMMAND 20, THREAD_CREATED 18, ...) -> DEFAULT: they are ordinary messages
// to a reader, and clients switch on this value, so UNKNOWN would hide them.
pb::model::MessageData::MessageType ToProtoMessageType(uint64_t discord_type);
// "rich", "image", "video", "gifv", "article", "link"; anything else -> UNKNOWN.
pb::model::MessageData::MessageEmbedData::MessageEmbedType ToProtoEmbedType(std::string_view type);

}  // namespace pylon::discord
