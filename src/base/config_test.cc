// Copyright 2026 The Pylon Gateway Authors.

#include "base/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace pylon {
namespace {

struct SampleConfig {
  std::string listen = "127.0.0.1:4021";
  uint32_t reactors = 0;
  bool anonymous = true;
  double ratio = 0.5;
  std::chrono::milliseconds heartbeat{5000};
  std::string level = "info";
  std::vector<std::string> roles;
};

ConfigSchema<SampleConfig> Schema() {
  ConfigSchema<SampleConfig> schema;
  schema.String("grpc.listen", &SampleConfig::listen)
      .Integer("runtime.reactors", &SampleConfig::reactors, 0, 256)
      .Bool("auth.anonymous", &SampleConfig::anonymous)
      .Double("ratio", &SampleConfig::ratio)
      .Duration("dispatch.heartbeat_interval", &SampleConfig::heartbeat)
      .Choice("log.level", &SampleConfig::level, {"debug", "info", "warn"})
      .StringList("roles", &SampleConfig::roles);
  return schema;
}

TEST(ConfigTest, LoadsNestedKeysAndKeepsDefaults) {
  SampleConfig config;
  Status s = Schema().ApplyYaml(R"(
grpc:
  listen: 0.0.0.0:5000
runtime:
  reactors: 4
dispatch:
  heartbeat_interval: 2s
roles: [gateway, router]
log:
  level: warn
)",
                                "test.yaml", &config);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(config.listen, "0.0.0.0:5000");
  EXPECT_EQ(config.reactors, 4u);
  EXPECT_EQ(config.heartbeat, std::chrono::milliseconds(2000));
  EXPECT_EQ(config.roles, (std::vector<std::string>{"gateway", "router"}));
  EXPECT_EQ(config.level, "warn");
  EXPECT_TRUE(config.anonymous);  // untouched default
  EXPECT_EQ(config.ratio, 0.5);
}

TEST(ConfigTest, UnknownKeyNamesKeyAndLine) {
  SampleConfig config;
  Status s = Schema().ApplyYaml("grpc:\n  listen: x\n  lisen: y\n", "pylon.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "pylon.yaml:3: unknown key 'grpc.lisen' (did you mean 'grpc.listen'?)");
}

TEST(ConfigTest, WrongTypeNamesKeyAndLine) {
  SampleConfig config;
  Status s = Schema().ApplyYaml("runtime:\n\n  reactors: lots\n", "pylon.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "pylon.yaml:3: key 'runtime.reactors': expected an integer, got 'lots'");
  EXPECT_EQ(config.reactors, 0u);
}

TEST(ConfigTest, OutOfRangeAndListWhereScalarExpected) {
  SampleConfig config;
  Status s = Schema().ApplyYaml("runtime:\n  reactors: 1000\n", "a.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "a.yaml:2: key 'runtime.reactors': expected an integer from 0 to 256, got 1000");
  s = Schema().ApplyYaml("auth:\n  anonymous: [1, 2]\n", "a.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "a.yaml:2: key 'auth.anonymous': expected true or false, got a list");
  s = Schema().ApplyYaml("dispatch:\n  heartbeat_interval: 5\n", "a.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(
      s.error().message().find("a.yaml:2: key 'dispatch.heartbeat_interval': expected a duration"),
      std::string::npos)
      << s.error().message();
  s = Schema().ApplyYaml("log:\n  level: loud\n", "a.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "a.yaml:2: key 'log.level': expected one of debug, info, warn, got 'loud'");
}

TEST(ConfigTest, MalformedYamlNamesLine) {
  SampleConfig config;
  Status s = Schema().ApplyYaml("grpc:\n  listen: [unclosed\nruntime:\n  reactors: 2\n",
                                "broken.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().message().starts_with("broken.yaml:")) << s.error().message();
  EXPECT_NE(s.error().message().find("malformed YAML"), std::string::npos) << s.error().message();
  EXPECT_EQ(config.listen, "127.0.0.1:4021");
}

TEST(ConfigTest, TopLevelMustBeMappingAndKeysUnique) {
  SampleConfig config;
  Status s = Schema().ApplyYaml("- a\n- b\n", "list.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "list.yaml:1: the top level must be a mapping of keys to values");
  s = Schema().ApplyYaml("ratio: 1\nratio: 2\n", "dup.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "dup.yaml:2: key 'ratio' is given twice");
  s = Schema().ApplyYaml("grpc:\n  listen:\n", "null.yaml", &config);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "null.yaml:2: key 'grpc.listen' has no value");
}

TEST(ConfigTest, EmptyDocumentSetsNothing) {
  SampleConfig config;
  EXPECT_TRUE(Schema().ApplyYaml("", "empty.yaml", &config).ok());
  EXPECT_TRUE(Schema().ApplyYaml("# only a comment\n", "empty.yaml", &config).ok());
  EXPECT_EQ(config.listen, "127.0.0.1:4021");
}

TEST(ConfigTest, FileEnvironmentAndOverrides) {
  auto path = std::filesystem::temp_directory_path() /
              ("pylon_config_test_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(path);
    out << "runtime:\n  reactors: 3\n";
  }
  SampleConfig config;
  auto schema = Schema();
  ASSERT_TRUE(schema.ApplyFile(path.string(), &config).ok());
  EXPECT_EQ(config.reactors, 3u);
  std::filesystem::remove(path);

  Status missing = schema.ApplyFile(path.string(), &config);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  ::setenv("PYLONTEST_GRPC_LISTEN", "127.0.0.1:9999", 1);
  ::setenv("PYLONTEST_ROLES", "gateway,dispatch", 1);
  ASSERT_TRUE(schema.ApplyEnvironment("PYLONTEST_", &config).ok());
  EXPECT_EQ(config.listen, "127.0.0.1:9999");
  EXPECT_EQ(config.roles, (std::vector<std::string>{"gateway", "dispatch"}));
  ::setenv("PYLONTEST_RUNTIME_REACTORS", "many", 1);
  Status bad_env = schema.ApplyEnvironment("PYLONTEST_", &config);
  ASSERT_FALSE(bad_env.ok());
  EXPECT_EQ(bad_env.error().message(),
            "environment PYLONTEST_RUNTIME_REACTORS: key 'runtime.reactors': expected an integer, "
            "got 'many'");
  ::unsetenv("PYLONTEST_GRPC_LISTEN");
  ::unsetenv("PYLONTEST_ROLES");
  ::unsetenv("PYLONTEST_RUNTIME_REACTORS");

  ASSERT_TRUE(schema.ApplyOverride("auth.anonymous=false", &config).ok());
  EXPECT_FALSE(config.anonymous);
  Status bad = schema.ApplyOverride("nokey", &config);
  ASSERT_FALSE(bad.ok());
  bad = schema.ApplyOverride("auth.anon=false", &config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "flag --set: unknown key 'auth.anon'");
}

}  // namespace
}  // namespace pylon
