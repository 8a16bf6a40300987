// Copyright 2026 The Pylon Gateway Authors.
// Transport decompression of the gateway, client side (discord-protocol.md §4):
//   zlib-stream: one inflate context per connection. Binary websocket messages are appended to a
//                buffer; only when the buffer ends with 00 00 FF FF (a sync flush) is it inflated,
//                and it then holds one or more whole gateway messages' worth of bytes.
//   zstd-stream: one decompression context per connection; every websocket message is one whole
//                gateway message inside a frame that never ends.
// The output is padded for simdjson (at least kPadding spare bytes after the data).
//
// One Inflater per connection, used on the connection's reactor only.

#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace pylon::discord {

enum class TransportCompression { kNone, kZlibStream, kZstdStream };

std::string_view CompressionQueryValue(TransportCompression compression);  // "zlib-stream", ...

// A decompressed gateway message: `size` bytes at `data`, readable up to `data + capacity`
// (capacity >= size + kPadding), so a JSON parser may read past the end. Valid until the next
// call to Feed.
struct InflatedMessage {
  const char* data = nullptr;
  size_t size = 0;
  size_t capacity = 0;
  std::string_view view() const { return {data, size}; }
};

class Inflater {
 public:
  static constexpr size_t kPadding = 64;

  virtual ~Inflater() = default;

  // Feeds one websocket message. Returns true with `*out` set when a whole gateway message is
  // ready, false when more frames are needed (zlib-stream only). Errors (corrupt stream, message
  // over `max_message_bytes`) are DATA_LOSS / RESOURCE_EXHAUSTED; the connection must then be
  // dropped, as its stream cannot continue.
  virtual Result<bool> Feed(std::string_view frame, InflatedMessage* out) = 0;

  // Bytes in, bytes out (for metrics).
  virtual uint64_t bytes_in() const = 0;
  virtual uint64_t bytes_out() const = 0;

  // kNone gives an Inflater that copies text frames into a padded buffer.
  static std::unique_ptr<Inflater> Create(TransportCompression compression,
                                          size_t max_message_bytes = 64u << 20);
};

}  // namespace pylon::discord
