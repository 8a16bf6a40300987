// Copyright 2026 The Pylon Gateway Authors.
// The simulator's transport compression, as Discord does it:
//   zlib-stream: one deflate stream (RFC 1950, header on the first message only) per connection,
//                each gateway message ending in a Z_SYNC_FLUSH, so its bytes end in 00 00 FF FF.
//   zstd-stream: one never-ending zstd frame per connection, flushed after each message.
// One compressor per connection, used on the simulator's reactor only.

#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace pylon::sim {

enum class Compression { kNone, kZlibStream, kZstdStream };

// Parses the `compress` query parameter: "" -> kNone, "zlib-stream", "zstd-stream".
Result<Compression> ParseCompression(std::string_view value);

class StreamCompressor {
 public:
  virtual ~StreamCompressor() = default;
  // Appends the compressed bytes of one whole gateway message to `out`.
  virtual Status Compress(std::string_view message, std::string* out) = 0;

  // `level`: zlib 0 (stored, no compression) to 9; zstd 1 to 19. nullptr for kNone.
  // `fast_zlib`: zlib-stream from FastDeflateStream (fast_deflate.h) instead of zlib itself.
  static std::unique_ptr<StreamCompressor> Create(Compression kind, int level,
                                                  bool fast_zlib = false);
};

}  // namespace pylon::sim
