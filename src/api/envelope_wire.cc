// Copyright 2026 The Pylon Gateway Authors.

#include "api/envelope_wire.h"

namespace pylon::api::internal {

void PutVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

std::string EncodeEnvelopeHeaderField(uint64_t sequence, int64_t received_unix_us) {
  std::string timestamp;
  int64_t seconds = received_unix_us / 1'000'000;
  int32_t nanos = static_cast<int32_t>(received_unix_us % 1'000'000) * 1000;
  if (seconds != 0) {
    timestamp.push_back(0x08);
    PutVarint(&timestamp, static_cast<uint64_t>(seconds));
  }
  if (nanos != 0) {
    timestamp.push_back(0x10);
    PutVarint(&timestamp, static_cast<uint64_t>(nanos));
  }
  std::string header;
  header.push_back(0x08);
  PutVarint(&header, sequence);
  header.push_back(0x12);
  PutVarint(&header, timestamp.size());
  header += timestamp;
  std::string field;
  field.push_back(0x0A);
  PutVarint(&field, header.size());
  field += header;
  return field;
}

grpc::Slice SharedBodySlice(const gateway::EnvelopeBytes& body) {
  auto* holder = new gateway::EnvelopeBytes(body);
  return grpc::Slice(
      const_cast<char*>((*holder)->data()), (*holder)->size(),
      [](void* user_data) { delete static_cast<gateway::EnvelopeBytes*>(user_data); }, holder);
}

}  // namespace pylon::api::internal
