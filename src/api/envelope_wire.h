// Copyright 2026 The Pylon Gateway Authors.
// The wire form of an outgoing EventEnvelope, shared by every stream that sends envelopes (worker
// streams, batched worker streams, push targets): the stream's own header field, encoded by hand,
// followed by the shard's serialized body as a zero-copy slice. Protobuf allows a message's fields
// in any order and concatenated encodings merge, so header + body is a valid EventEnvelope.
// Stateless; any thread.

#pragma once

#include <grpcpp/support/slice.h>

#include <cstdint>
#include <string>

#include "gateway/event_log.h"

namespace pylon::api::internal {

// Appends `value` as a protobuf varint.
void PutVarint(std::string* out, uint64_t value);

// EventEnvelope.header (field 1) as a length-delimited field:
// HeaderData{seq = 1, received_at = 2 Timestamp{seconds, nanos}}.
std::string EncodeEnvelopeHeaderField(uint64_t sequence, int64_t received_unix_us);

// A slice over the shared body without copying it; the slice keeps the body alive.
grpc::Slice SharedBodySlice(const gateway::EnvelopeBytes& body);

}  // namespace pylon::api::internal
