// Copyright 2026 The Pylon Gateway Authors.

#include "discord/inflater.h"

#include <zlib.h>
#include <zstd.h>

#include <gtest/gtest.h>

namespace pylon::discord {
namespace {

// A zlib-stream as Discord writes it: one deflate stream, a sync flush after each message.
class ZlibStreamWriter {
 public:
  ZlibStreamWriter() { deflateInit(&stream_, 6); }
  ~ZlibStreamWriter() { deflateEnd(&stream_); }
  std::string Compress(std::string_view message) {
    std::string out(message.size() + 1024, '\0');
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    stream_.avail_in = static_cast<uInt>(message.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&stream_, Z_SYNC_FLUSH), Z_OK);
    out.resize(out.size() - stream_.avail_out);
    return out;
  }

 private:
  z_stream stream_{};
};

std::string Message(int i) {
  return R"({"t":"MESSAGE_CREATE","s":)" + std::to_string(i) +
         R"(,"op":0,"d":{"content":"hello number )" + std::to_string(i) + R"("}})";
}

TEST(InflaterTest, ZlibStreamMessagesShareOneContext) {
  ZlibStreamWriter writer;
  auto inflater = Inflater::Create(TransportCompression::kZlibStream);
  for (int i = 1; i <= 200; ++i) {
    std::string frame = writer.Compress(Message(i));
    ASSERT_GE(frame.size(), 4u);
    ASSERT_EQ(frame.substr(frame.size() - 4), std::string("\x00\x00\xff\xff", 4));
    InflatedMessage out;
    auto ready = inflater->Feed(frame, &out);
    ASSERT_TRUE(ready.ok()) << ready.error().ToString();
    ASSERT_TRUE(*ready);
    EXPECT_EQ(out.view(), Message(i));
    EXPECT_GE(out.capacity, out.size + Inflater::kPadding);
  }
  EXPECT_GT(inflater->bytes_out(), inflater->bytes_in());  // later messages compress well
}

TEST(InflaterTest, ZlibStreamMessageSplitOverFrames) {
  ZlibStreamWriter writer;
  auto inflater = Inflater::Create(TransportCompression::kZlibStream);
  std::string big(100000, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
  std::string frame = writer.Compress(big);
  InflatedMessage out;
  size_t third = frame.size() / 3;
  EXPECT_FALSE(*inflater->Feed(frame.substr(0, third), &out));
  EXPECT_FALSE(*inflater->Feed(frame.substr(third, third), &out));
  auto ready = inflater->Feed(frame.substr(2 * third), &out);
  ASSERT_TRUE(ready.ok());
  ASSERT_TRUE(*ready);
  EXPECT_EQ(out.view(), big);
  // The next message still inflates (the context carried on).
  ready = inflater->Feed(writer.Compress("after"), &out);
  ASSERT_TRUE(ready.ok() && *ready);
  EXPECT_EQ(out.view(), "after");
}

TEST(InflaterTest, ZlibStreamCorruptDataIsAnError) {
  auto inflater = Inflater::Create(TransportCompression::kZlibStream);
  std::string garbage = "this is not zlib at all";
  garbage += std::string("\x00\x00\xff\xff", 4);
  InflatedMessage out;
  auto ready = inflater->Feed(garbage, &out);
  ASSERT_FALSE(ready.ok());
  EXPECT_EQ(ready.error().code(), ErrorCode::kDataLoss);
}

TEST(InflaterTest, ZlibStreamBombIsBounded) {
  ZlibStreamWriter writer;
  auto inflater = Inflater::Create(TransportCompression::kZlibStream, 1 << 20);
  std::string bomb(8 << 20, 'a');  // 8 MiB of one letter compresses to a few KiB
  std::string frame = writer.Compress(bomb);
  EXPECT_LT(frame.size(), 64u << 10);
  InflatedMessage out;
  auto ready = inflater->Feed(frame, &out);
  ASSERT_FALSE(ready.ok());
  EXPECT_EQ(ready.error().code(), ErrorCode::kResourceExhausted);
}

TEST(InflaterTest, ZstdStreamOneMessagePerFrame) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  auto inflater = Inflater::Create(TransportCompression::kZstdStream);
  for (int i = 1; i <= 100; ++i) {
    std::string message = Message(i);
    std::string frame(ZSTD_compressBound(message.size()) + 64, '\0');
    ZSTD_inBuffer in{message.data(), message.size(), 0};
    ZSTD_outBuffer buffer{frame.data(), frame.size(), 0};
    size_t rc = ZSTD_compressStream2(cctx, &buffer, &in, ZSTD_e_flush);
    ASSERT_EQ(rc, 0u);
    frame.resize(buffer.pos);
    InflatedMessage out;
    auto ready = inflater->Feed(frame, &out);
    ASSERT_TRUE(ready.ok()) << ready.error().ToString();
    ASSERT_TRUE(*ready);
    EXPECT_EQ(out.view(), message);
  }
  ZSTD_freeCCtx(cctx);
  InflatedMessage out;
  EXPECT_FALSE(inflater->Feed("garbage that is not zstd", &out).ok());
}

TEST(InflaterTest, PlainCopiesWithPadding) {
  auto inflater = Inflater::Create(TransportCompression::kNone, 16);
  InflatedMessage out;
  ASSERT_TRUE(*inflater->Feed("{\"op\":11}", &out));
  EXPECT_EQ(out.view(), "{\"op\":11}");
  EXPECT_GE(out.capacity, out.size + Inflater::kPadding);
  EXPECT_FALSE(inflater->Feed(std::string(17, 'x'), &out).ok());
}

}  // namespace
}  // namespace pylon::discord
