// Copyright 2026 The Pylon Gateway Authors.
// The public wire contract must not change by accident. The golden file was checked field for
// field against the published Pylon protos (pylonbot/pylon-gateway-protobuf); see tests/README.md
// for how to check it again. A deliberate change updates the golden in the same commit.

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "discord/v1/cache.pb.h"
#include "discord/v1/event.pb.h"
#include "discord/v1/gateway.pb.h"
#include "discord/v1/model.pb.h"
#include "discord/v1/rest.pb.h"
#include "gateway/v1/cache_service.pb.h"
#include "gateway/v1/dispatch_service.pb.h"
#include "gateway/v1/gateway_service.pb.h"
#include "gateway/v1/rest_service.pb.h"
#include "gateway/v1/workergroup.pb.h"
#include "gateway/v1/workergroup_service.pb.h"
#include "wire_contract.h"

namespace pylon {
namespace {

// Touch one descriptor of each file so that the static library's objects are linked in and
// registered in the generated pool.
void LinkAllPublicFiles() {
  const void* tables[] = {
      &descriptor_table_discord_2fv1_2fmodel_2eproto,
      &descriptor_table_discord_2fv1_2fcache_2eproto,
      &descriptor_table_discord_2fv1_2fevent_2eproto,
      &descriptor_table_discord_2fv1_2fgateway_2eproto,
      &descriptor_table_discord_2fv1_2frest_2eproto,
      &descriptor_table_gateway_2fv1_2fcache_5fservice_2eproto,
      &descriptor_table_gateway_2fv1_2fdispatch_5fservice_2eproto,
      &descriptor_table_gateway_2fv1_2fgateway_5fservice_2eproto,
      &descriptor_table_gateway_2fv1_2frest_5fservice_2eproto,
      &descriptor_table_gateway_2fv1_2fworkergroup_2eproto,
      &descriptor_table_gateway_2fv1_2fworkergroup_5fservice_2eproto,
  };
  for (const void* table : tables) ASSERT_NE(table, nullptr);
}

std::string GoldenPath() {
  const char* source = std::getenv("PYLON_SOURCE_DIR");
  return std::string(source ? source : ".") + "/tests/golden/wire_contract.txt";
}

TEST(WireContractTest, MatchesGolden) {
  LinkAllPublicFiles();
  std::string actual =
      PrintWireContract(*google::protobuf::DescriptorPool::generated_pool(), PublicProtoFiles());
  std::ifstream in(GoldenPath());
  ASSERT_TRUE(in.good()) << "cannot read " << GoldenPath();
  std::stringstream golden;
  golden << in.rdbuf();
  if (actual != golden.str()) {
    std::string out =
        std::string(std::getenv("PYLON_BINARY_DIR") ? std::getenv("PYLON_BINARY_DIR") : ".") +
        "/wire_contract.actual.txt";
    std::ofstream(out) << actual;
    FAIL() << "the public wire contract changed; compare " << GoldenPath() << " with " << out;
  }
}

TEST(WireContractTest, HasEveryPublishedRpc) {
  LinkAllPublicFiles();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto count = [&](const char* name) {
    const auto* s = pool->FindServiceByName(name);
    return s == nullptr ? -1 : s->method_count();
  };
  EXPECT_EQ(count("pylon.gateway.v1.service.GatewayCache"), 14);
  EXPECT_EQ(count("pylon.gateway.v1.service.Gateway"), 6);
  EXPECT_EQ(count("pylon.gateway.v1.service.GatewayRest"), 58);
  EXPECT_EQ(count("pylon.gateway.v1.service.GatewayWorkerGroup"), 1);
  EXPECT_EQ(count("pylon.gateway.v1.service.GatewayDispatchStreaming"), 1);
  EXPECT_EQ(count("pylon.gateway.v1.service.GatewayDispatch"), 36);
}

}  // namespace
}  // namespace pylon
