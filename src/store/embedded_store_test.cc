// Copyright 2026 The Pylon Gateway Authors.

#include "store/embedded_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "net/test_util.h"

namespace pylon::store {
namespace {

using namespace std::chrono_literals;

TEST(EmbeddedStoreTest, PutGetListDelete) {
  auto store = *EmbeddedStore::Open("");
  EXPECT_FALSE(store->Get("/a")->has_value());
  int64_t r1 = *store->Put("/pylon/bots/1", "one");
  int64_t r2 = *store->Put("/pylon/bots/2", "two");
  *store->Put("/pylon/workergroups/x", "x");
  EXPECT_LT(r1, r2);
  auto one = *store->Get("/pylon/bots/1");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->value, "one");
  EXPECT_EQ(one->mod_revision, r1);
  auto bots = *store->List("/pylon/bots/");
  ASSERT_EQ(bots.size(), 2u);
  EXPECT_EQ(bots[0].key, "/pylon/bots/1");
  EXPECT_EQ(bots[1].value, "two");
  EXPECT_TRUE(*store->Delete("/pylon/bots/1"));
  EXPECT_FALSE(*store->Delete("/pylon/bots/1"));
  EXPECT_EQ(store->List("/pylon/bots/")->size(), 1u);
  EXPECT_FALSE(store->Put("", "empty key").ok());
}

TEST(EmbeddedStoreTest, CompareAndSwap) {
  auto store = *EmbeddedStore::Open("");
  int64_t created = *store->CompareAndSwap("/k", 0, "v1");  // must not exist yet
  auto again = store->CompareAndSwap("/k", 0, "v2");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  int64_t updated = *store->CompareAndSwap("/k", created, "v2");
  EXPECT_GT(updated, created);
  EXPECT_FALSE(store->CompareAndSwap("/k", created, "v3").ok());  // stale revision
  EXPECT_EQ((*store->Get("/k"))->value, "v2");
  EXPECT_EQ((*store->Get("/k"))->create_revision, created);
}

TEST(EmbeddedStoreTest, SurvivesReopenAndCompacts) {
  net::testing::TempDir dir;
  {
    auto store = *EmbeddedStore::Open(dir.path());
    for (int i = 0; i < 1200; ++i) {
      ASSERT_TRUE(store->Put("/pylon/k" + std::to_string(i % 10), std::string(1000, 'x')).ok());
    }
    ASSERT_TRUE(store->Put("/pylon/saved", "value").ok());
    ASSERT_TRUE(*store->Delete("/pylon/k9"));
  }
  // 1.2 MB written, 10 KB live: the log was compacted along the way.
  EXPECT_LT(std::filesystem::file_size(dir.path() + "/store.log"), 1u << 21);
  auto store = *EmbeddedStore::Open(dir.path());
  EXPECT_EQ((*store->Get("/pylon/saved"))->value, "value");
  EXPECT_FALSE(store->Get("/pylon/k9")->has_value());
  EXPECT_EQ(store->List("/pylon/k")->size(), 9u);
  int64_t before = store->revision();
  EXPECT_GT(*store->Put("/pylon/new", "n"), before);  // revisions keep growing across restarts
}

TEST(EmbeddedStoreTest, SecondProcessIsRefused) {
  net::testing::TempDir dir;
  auto first = EmbeddedStore::Open(dir.path());
  ASSERT_TRUE(first.ok());
  // flock locks are per open file description: a second open in this process conflicts too.
  auto second = EmbeddedStore::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(second.error().message().find("in use"), std::string::npos);
}

TEST(EmbeddedStoreTest, DamagedLogIsAClearErrorAndLeftAlone) {
  net::testing::TempDir dir;
  {
    auto store = *EmbeddedStore::Open(dir.path());
    ASSERT_TRUE(store->Put("/pylon/a", "aaaa").ok());
    ASSERT_TRUE(store->Put("/pylon/b", "bbbb").ok());
  }
  std::string path = dir.path() + "/store.log";
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string damaged = bytes;
  damaged[damaged.size() - 2] ^= 0x55;  // flip bits inside the last record
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << damaged;
  }
  auto store = EmbeddedStore::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(store.error().message().find("bad checksum"), std::string::npos)
      << store.error().message();
  std::ifstream in(path, std::ios::binary);
  std::string after(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(after, damaged);  // nothing overwritten

  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes.substr(0, bytes.size() - 3);  // a torn write
  }
  store = EmbeddedStore::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message().find("truncated"), std::string::npos);
}

TEST(EmbeddedStoreTest, LeasedKeysVanishAndAreNotPersisted) {
  net::testing::TempDir dir;
  auto store = *EmbeddedStore::Open(dir.path());
  LeaseId lease = *store->GrantLease(200ms);
  ASSERT_TRUE(store->Put("/pylon/nodes/a", "alive", lease).ok());
  ASSERT_TRUE(store->Put("/pylon/nodes/b", "alive", lease).ok());
  EXPECT_FALSE(store->Put("/x", "y", 999).ok());  // unknown lease
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(store->KeepAlive(lease).ok());
  }
  EXPECT_EQ(store->List("/pylon/nodes/")->size(), 2u);  // kept alive past its TTL
  EXPECT_TRUE(net::testing::WaitUntil([&] { return store->List("/pylon/nodes/")->empty(); }));
  EXPECT_FALSE(store->KeepAlive(lease).ok());
  LeaseId revoked = *store->GrantLease(10s);
  ASSERT_TRUE(store->Put("/pylon/nodes/c", "alive", revoked).ok());
  ASSERT_TRUE(store->RevokeLease(revoked).ok());
  EXPECT_FALSE(store->Get("/pylon/nodes/c")->has_value());
  LeaseId kept = *store->GrantLease(10s);
  ASSERT_TRUE(store->Put("/pylon/nodes/d", "alive", kept).ok());
  store.reset();
  auto reopened = *EmbeddedStore::Open(dir.path());
  EXPECT_FALSE(reopened->Get("/pylon/nodes/d")->has_value());
}

TEST(EmbeddedStoreTest, WatchSeesChangesUnderItsPrefixInOrder) {
  auto store = *EmbeddedStore::Open("");
  std::mutex mutex;
  std::vector<std::string> seen;
  auto watch = *store->Watch("/pylon/bots/", [&](const WatchEvent& e) {
    std::lock_guard lock(mutex);
    seen.push_back((e.type == WatchEvent::Type::kPut ? "put " : "delete ") + e.kv.key);
  });
  ASSERT_TRUE(store->Put("/pylon/bots/1", "a").ok());
  ASSERT_TRUE(store->Put("/pylon/other", "b").ok());
  ASSERT_TRUE(store->Delete("/pylon/bots/1").ok());
  watch.reset();
  ASSERT_TRUE(store->Put("/pylon/bots/2", "c").ok());
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen, (std::vector<std::string>{"put /pylon/bots/1", "delete /pylon/bots/1"}));
}

}  // namespace
}  // namespace pylon::store
