// Copyright 2026 The Pylon Gateway Authors.

#include "sim/stream_compressor.h"

#include "sim/fast_deflate.h"

#include <zlib.h>
#include <zstd.h>

namespace pylon::sim {
namespace {

class ZlibStreamCompressor final : public StreamCompressor {
 public:
  explicit ZlibStreamCompressor(int level) {
    stream_.zalloc = Z_NULL;
    stream_.zfree = Z_NULL;
    stream_.opaque = Z_NULL;
    ok_ = deflateInit2(&stream_, level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~ZlibStreamCompressor() override {
    if (ok_) deflateEnd(&stream_);
  }

  Status Compress(std::string_view message, std::string* out) override {
    if (!ok_) return Internal("zlib deflate stream failed to initialise");
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    stream_.avail_in = static_cast<uInt>(message.size());
    size_t start = out->size();
    // deflateBound is for Z_FINISH; a sync flush adds at most a few bytes more.
    size_t room = deflateBound(&stream_, static_cast<uLong>(message.size())) + 16;
    do {
      size_t used = out->size();
      out->resize(used + room);
      stream_.next_out = reinterpret_cast<Bytef*>(out->data() + used);
      stream_.avail_out = static_cast<uInt>(room);
      int rc = deflate(&stream_, Z_SYNC_FLUSH);
      if (rc != Z_OK && rc != Z_BUF_ERROR) return Internal("zlib deflate failed");
      out->resize(used + (room - stream_.avail_out));
    } while (stream_.avail_out == 0);
    if (out->size() - start < 4) return Internal("zlib deflate produced no flush marker");
    return Ok();
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

class ZstdStreamCompressor final : public StreamCompressor {
 public:
  explicit ZstdStreamCompressor(int level) : cctx_(ZSTD_createCCtx()) {
    if (cctx_ != nullptr) ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
  }
  ~ZstdStreamCompressor() override { ZSTD_freeCCtx(cctx_); }

  Status Compress(std::string_view message, std::string* out) override {
    if (cctx_ == nullptr) return Internal("zstd context failed to initialise");
    ZSTD_inBuffer in{message.data(), message.size(), 0};
    size_t remaining = 0;
    do {
      size_t used = out->size();
      size_t room = ZSTD_compressBound(message.size() - in.pos) + 64;
      out->resize(used + room);
      ZSTD_outBuffer buffer{out->data() + used, room, 0};
      remaining = ZSTD_compressStream2(cctx_, &buffer, &in, ZSTD_e_flush);
      out->resize(used + buffer.pos);
      if (ZSTD_isError(remaining)) {
        return Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(remaining));
      }
    } while (remaining != 0 || in.pos < in.size);
    return Ok();
  }

 private:
  ZSTD_CCtx* cctx_;
};

class FastZlibStreamCompressor final : public StreamCompressor {
 public:
  Status Compress(std::string_view message, std::string* out) override {
    stream_.Compress(message, out);
    return Ok();
  }

 private:
  FastDeflateStream stream_;
};

}  // namespace

Result<Compression> ParseCompression(std::string_view value) {
  if (value.empty()) return Compression::kNone;
  if (value == "zlib-stream") return Compression::kZlibStream;
  if (value == "zstd-stream") return Compression::kZstdStream;
  return InvalidArgument("unsupported compress '" + std::string(value) +
                         "' (expected zlib-stream or zstd-stream)");
}

std::unique_ptr<StreamCompressor> StreamCompressor::Create(Compression kind, int level,
                                                           bool fast_zlib) {
  switch (kind) {
    case Compression::kZlibStream:
      if (fast_zlib) return std::make_unique<FastZlibStreamCompressor>();
      return std::make_unique<ZlibStreamCompressor>(level);
    case Compression::kZstdStream:
      return std::make_unique<ZstdStreamCompressor>(level);
    case Compression::kNone:
      return nullptr;
  }
  return nullptr;
}

}  // namespace pylon::sim
