// Copyright 2026 The Pylon Gateway Authors.
// The simulator's zlib-stream and zstd-stream writers, checked with zlib's and zstd's own readers:
// one context across messages, a sync flush after each, back-references into earlier messages.

#include "sim/stream_compressor.h"

#include <zlib.h>
#include <zstd.h>

#include <string>

#include <gtest/gtest.h>

#include "sim/random.h"

namespace pylon::sim {
namespace {

std::string Inflate(z_stream& z, std::string_view data) {
  std::string out;
  char buffer[1 << 16];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  do {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof(buffer);
    int rc = inflate(&z, Z_SYNC_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_BUF_ERROR) << rc << " " << (z.msg ? z.msg : "");
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    out.append(buffer, sizeof(buffer) - z.avail_out);
  } while (z.avail_out == 0 || z.avail_in > 0);
  return out;
}

// Messages that look like gateway traffic, plus odd ones: one byte, binary, long runs. (Gateway
// messages are never empty.)
std::vector<std::string> Messages() {
  std::vector<std::string> out;
  Random random(42);
  for (int i = 0; i < 3000; ++i) {
    std::string m = R"({"t":"MESSAGE_CREATE","s":)" + std::to_string(i) + R"(,"op":0,"d":{"id":")" +
                    std::to_string(random.Next() >> 8) + R"(","content":"word )" +
                    std::to_string(random.Below(1000)) +
                    R"( another","author":{"id":"1234567890123456","username":"user)" +
                    std::to_string(random.Below(50)) + R"("}}})";
    out.push_back(std::move(m));
  }
  out.push_back("x");
  out.push_back(std::string(100000, 'a'));
  std::string binary;
  for (int i = 0; i < 70000; ++i) binary.push_back(static_cast<char>(random.Next()));
  out.push_back(binary);
  out.push_back(binary.substr(1000, 5000));  // a long match far back
  return out;
}

class ZlibStreamTest : public ::testing::TestWithParam<bool> {};

TEST_P(ZlibStreamTest, InflatesWithZlibAcrossManyMessages) {
  auto compressor = StreamCompressor::Create(Compression::kZlibStream, 6, GetParam());
  z_stream z{};
  ASSERT_EQ(inflateInit(&z), Z_OK);
  size_t in = 0;
  size_t compressed = 0;
  for (const std::string& message : Messages()) {
    std::string out;
    ASSERT_TRUE(compressor->Compress(message, &out).ok());
    ASSERT_GE(out.size(), 4u);
    ASSERT_EQ(out.substr(out.size() - 4), std::string("\x00\x00\xff\xff", 4));
    ASSERT_EQ(Inflate(z, out), message);
    in += message.size();
    compressed += out.size();
  }
  inflateEnd(&z);
  EXPECT_LT(compressed * 3, in) << "gateway JSON should compress at least 3:1";
}

INSTANTIATE_TEST_SUITE_P(ZlibAndFast, ZlibStreamTest, ::testing::Values(false, true));

TEST(ZstdStreamTest, DecompressesWithZstd) {
  auto compressor = StreamCompressor::Create(Compression::kZstdStream, 3);
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  char buffer[1 << 17];
  for (const std::string& message : Messages()) {
    std::string out;
    ASSERT_TRUE(compressor->Compress(message, &out).ok());
    std::string back;
    ZSTD_inBuffer input{out.data(), out.size(), 0};
    while (true) {
      ZSTD_outBuffer output{buffer, sizeof(buffer), 0};
      size_t rc = ZSTD_decompressStream(dctx, &output, &input);
      ASSERT_FALSE(ZSTD_isError(rc));
      back.append(buffer, output.pos);
      if (input.pos == input.size && output.pos < output.size) break;
    }
    ASSERT_EQ(back, message);
  }
  ZSTD_freeDCtx(dctx);
}

TEST(CompressionTest, ParsesTheQueryValue) {
  EXPECT_EQ(*ParseCompression(""), Compression::kNone);
  EXPECT_EQ(*ParseCompression("zlib-stream"), Compression::kZlibStream);
  EXPECT_EQ(*ParseCompression("zstd-stream"), Compression::kZstdStream);
  EXPECT_FALSE(ParseCompression("gzip").ok());
}

}  // namespace
}  // namespace pylon::sim
