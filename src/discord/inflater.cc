// Copyright 2026 The Pylon Gateway Authors.

#include "discord/inflater.h"

#include <cstring>

#include <zlib.h>
#include <zstd.h>

namespace pylon::discord {
namespace {

constexpr unsigned char kSyncFlushSuffix[4] = {0x00, 0x00, 0xFF, 0xFF};

// A growable output buffer that always keeps Inflater::kPadding spare bytes.
class PaddedBuffer {
 public:
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  char* data() { return bytes_.data(); }
  // Makes room for `n` more bytes (plus padding) and returns where they go.
  char* Reserve(size_t n) {
    size_t needed = size_ + n + Inflater::kPadding;
    if (needed > bytes_.size()) bytes_.resize(std::max(needed, bytes_.size() * 2));
    return bytes_.data() + size_;
  }
  size_t spare() const { return bytes_.size() - size_ - Inflater::kPadding; }
  void Commit(size_t n) { size_ += n; }
  void Append(std::string_view text) {
    std::memcpy(Reserve(text.size()), text.data(), text.size());
    Commit(text.size());
  }
  InflatedMessage Message() {
    Reserve(0);
    std::memset(bytes_.data() + size_, 0, Inflater::kPadding);
    return {bytes_.data(), size_, bytes_.size()};
  }
  // Releases memory after an unusually large message.
  void Shrink(size_t keep) {
    if (bytes_.size() > keep * 4 && size_ == 0) {
      bytes_.resize(keep);
      bytes_.shrink_to_fit();
    }
  }

 private:
  std::string bytes_;
  size_t size_ = 0;
};

class PlainInflater final : public Inflater {
 public:
  explicit PlainInflater(size_t max) : max_(max) {}
  Result<bool> Feed(std::string_view frame, InflatedMessage* out) override {
    if (frame.size() > max_) return ResourceExhausted("gateway message over the size limit");
    buffer_.clear();
    buffer_.Append(frame);
    bytes_in_ += frame.size();
    bytes_out_ += frame.size();
    *out = buffer_.Message();
    return true;
  }
  uint64_t bytes_in() const override { return bytes_in_; }
  uint64_t bytes_out() const override { return bytes_out_; }

 private:
  size_t max_;
  PaddedBuffer buffer_;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;
};

class ZlibStreamInflater final : public Inflater {
 public:
  explicit ZlibStreamInflater(size_t max) : max_(max) {
    ok_ = inflateInit2(&stream_, 15) == Z_OK;  // zlib wrapper, 32 KiB window
    // A zlib-stream never reaches its Adler-32 trailer (the connection closes first), so the
    // running checksum zlib keeps by default is never compared: skip computing it.
    if (ok_) inflateValidate(&stream_, 0);
  }
  ~ZlibStreamInflater() override {
    if (ok_) inflateEnd(&stream_);
  }

  Result<bool> Feed(std::string_view frame, InflatedMessage* out) override {
    if (!ok_) return Internal("zlib inflate failed to initialise");
    bytes_in_ += frame.size();
    std::string_view input = frame;
    bool complete =
        frame.size() >= 4 && std::memcmp(frame.data() + frame.size() - 4, kSyncFlushSuffix, 4) == 0;
    if (!pending_.empty() || !complete) {
      if (pending_.size() + frame.size() > max_) {
        pending_.clear();
        return ResourceExhausted("compressed gateway message over the size limit");
      }
      pending_.append(frame);
      if (!complete) return false;
      input = pending_;
    }
    output_.clear();
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    while (true) {
      size_t room = std::max<size_t>(input.size() * 4, 4096);
      char* to = output_.Reserve(room);
      size_t avail = output_.spare();
      stream_.next_out = reinterpret_cast<Bytef*>(to);
      stream_.avail_out = static_cast<uInt>(avail);
      int rc = inflate(&stream_, Z_SYNC_FLUSH);
      output_.Commit(avail - stream_.avail_out);
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        pending_.clear();
        return DataLoss(std::string("zlib-stream inflate failed: ") +
                        (stream_.msg ? stream_.msg : "corrupt data"));
      }
      if (output_.size() > max_) {
        pending_.clear();
        return ResourceExhausted("inflated gateway message over the size limit");
      }
      if (stream_.avail_in == 0 && stream_.avail_out != 0) break;
      if (rc == Z_BUF_ERROR && stream_.avail_in == 0) break;
    }
    pending_.clear();
    bytes_out_ += output_.size();
    *out = output_.Message();
    return true;
  }
  uint64_t bytes_in() const override { return bytes_in_; }
  uint64_t bytes_out() const override { return bytes_out_; }

 private:
  size_t max_;
  z_stream stream_{};
  bool ok_ = false;
  std::string pending_;  // frames of a message split over several websocket messages
  PaddedBuffer output_;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;
};

class ZstdStreamInflater final : public Inflater {
 public:
  explicit ZstdStreamInflater(size_t max) : max_(max), dctx_(ZSTD_createDCtx()) {}
  ~ZstdStreamInflater() override { ZSTD_freeDCtx(dctx_); }

  Result<bool> Feed(std::string_view frame, InflatedMessage* out) override {
    if (dctx_ == nullptr) return Internal("zstd context failed to initialise");
    bytes_in_ += frame.size();
    output_.clear();
    ZSTD_inBuffer in{frame.data(), frame.size(), 0};
    // The frame never ends, so a return of 0 is not guaranteed: decompress until the input is
    // consumed and the output buffer was not filled (nothing more is buffered inside zstd).
    while (true) {
      size_t room = std::max<size_t>(frame.size() * 8, 8192);
      char* to = output_.Reserve(room);
      ZSTD_outBuffer buffer{to, output_.spare(), 0};
      size_t rc = ZSTD_decompressStream(dctx_, &buffer, &in);
      output_.Commit(buffer.pos);
      if (ZSTD_isError(rc)) {
        return DataLoss(std::string("zstd-stream decompression failed: ") + ZSTD_getErrorName(rc));
      }
      if (output_.size() > max_) {
        return ResourceExhausted("decompressed gateway message over the size limit");
      }
      if (in.pos == in.size && buffer.pos < buffer.size) break;
    }
    bytes_out_ += output_.size();
    *out = output_.Message();
    return true;
  }
  uint64_t bytes_in() const override { return bytes_in_; }
  uint64_t bytes_out() const override { return bytes_out_; }

 private:
  size_t max_;
  ZSTD_DCtx* dctx_;
  PaddedBuffer output_;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;
};

}  // namespace

std::string_view CompressionQueryValue(TransportCompression compression) {
  switch (compression) {
    case TransportCompression::kZlibStream:
      return "zlib-stream";
    case TransportCompression::kZstdStream:
      return "zstd-stream";
    case TransportCompression::kNone:
      return "";
  }
  return "";
}

std::unique_ptr<Inflater> Inflater::Create(TransportCompression compression,
                                           size_t max_message_bytes) {
  switch (compression) {
    case TransportCompression::kZlibStream:
      return std::make_unique<ZlibStreamInflater>(max_message_bytes);
    case TransportCompression::kZstdStream:
      return std::make_unique<ZstdStreamInflater>(max_message_bytes);
    case TransportCompression::kNone:
      return std::make_unique<PlainInflater>(max_message_bytes);
  }
  return nullptr;
}

}  // namespace pylon::discord
