// `warren serve`'s options: each parsed once into its subsystem's type, checked once.
#include "server/serve_options.h"

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace warren::server {
namespace {

ParsedServeOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "serve");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return parse_serve_options(static_cast<int>(argv.size()), argv.data());
}

TEST(ServeOptions, ValuesArriveTypedInTheirSubsystemsOptions) {
  auto parsed = parse({"--listen", "[::1]:9999", "--ws-listen", "7000", "--storage", "redis",
                       "--redis", "redis://127.0.0.1:7001,127.0.0.1:7002", "--fsync", "batch",
                       "--fsync-interval-ms", "25", "--wal-recovery", "point-in-time",
                       "--memory-shards", "8", "--header-timeout", "2.5", "--log-level", "warn",
                       "--client-id-uuid-safe", "off", "--webhooks", "off",
                       "--ws-push-delay-ms", "50", "--idle-timeout", "30"});
  ASSERT_TRUE(parsed.options);
  const ServeOptions& o = *parsed.options;
  EXPECT_EQ(o.listen.address().to_string(), "::1");
  EXPECT_EQ(o.listen.port(), 9999);
  ASSERT_TRUE(o.ws_listen);
  EXPECT_EQ(o.ws_listen->address().to_string(), "127.0.0.1");
  EXPECT_EQ(o.storage.engine, Engine::redis);
  EXPECT_EQ(o.storage.redis.url, "redis://127.0.0.1:7001,127.0.0.1:7002");
  EXPECT_EQ(o.storage.rocksdb.fsync, store::FsyncPolicy::batch);
  EXPECT_EQ(o.storage.rocksdb.fsync_interval, std::chrono::milliseconds(25));
  EXPECT_EQ(o.storage.rocksdb.wal_recovery, store::WalRecovery::point_in_time);
  EXPECT_EQ(o.storage.memory.shards, 8u);
  EXPECT_EQ(o.storage.rocksdb.shards, 8u);  // one option for both engines' index
  EXPECT_EQ(o.connection.header_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(o.log_level, log::Level::warn);
  EXPECT_FALSE(o.api.client_id.uuid_safe);
  EXPECT_FALSE(o.webhooks);
  EXPECT_EQ(o.ws.push_delay, std::chrono::milliseconds(50));
  // Derived in the check: a WebSocket stall is bounded as an HTTP one.
  EXPECT_EQ(o.ws.write_stall_timeout, std::chrono::seconds(30));
}

TEST(ServeOptions, DefaultsAreTheDocumentedOnes) {
  auto parsed = parse({});
  ASSERT_TRUE(parsed.options);
  const ServeOptions& o = *parsed.options;
  EXPECT_EQ(o.listen.port(), 8888);
  EXPECT_FALSE(o.ws_listen);
  EXPECT_EQ(o.storage.engine, Engine::rocksdb);
  EXPECT_EQ(o.storage.rocksdb.path, "./data");
  EXPECT_EQ(o.storage.rocksdb.fsync, store::FsyncPolicy::always);
  EXPECT_EQ(o.storage.redis.url, "redis://127.0.0.1:6379");
  EXPECT_EQ(o.log_level, log::Level::info);
  EXPECT_TRUE(o.api.client_id.uuid_safe);
  EXPECT_TRUE(o.webhooks);
  EXPECT_GE(o.threads, 1u);
}

TEST(ServeOptions, BadValuesAreRefusedWithStatusTwo) {
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--fsync", "sometimes"},
           {"--storage", "floppy"},
           {"--listen", "example.org:80"},
           {"--header-timeout", "-1"},
           {"--header-timeout", "0"},
           {"--fsync-interval-ms", "0"},
           {"--default-claim-ttl", "30"},
           {"--ws-send-buffer", "10"},
           {"--webhook-breaker-backoff", "10", "--webhook-breaker-max-backoff", "5"},
           {"--enable-deprecated-api-versions", "1.0"},
           {"--log-format", "xml"},
           {"--access-log-sample", "-0.1"},
           {"--access-log-sample", "2"}}) {
    const auto parsed = parse(bad);
    EXPECT_FALSE(parsed.options) << bad[0];
    EXPECT_EQ(parsed.exit_status, 2) << bad[0];
  }
}

TEST(ServeOptions, LogOptions) {
  auto parsed = parse({"--log-format", "json", "--access-log", "-", "--access-log-sample", "0.5"});
  ASSERT_TRUE(parsed.options);
  EXPECT_EQ(parsed.options->log_format, log::Format::json);
  EXPECT_EQ(parsed.options->access_log, "-");
  EXPECT_DOUBLE_EQ(parsed.options->access_log_sample, 0.5);
  auto defaults = parse({});
  ASSERT_TRUE(defaults.options);
  EXPECT_EQ(defaults.options->log_format, log::Format::text);
  EXPECT_EQ(defaults.options->access_log, "");  // off
}

TEST(ServeOptions, GivenHoldsTheValuesAsGivenCommandLineFirst) {
  const std::string path = ::testing::TempDir() + "/given.conf";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("max-body-bytes = 1000\nbacklog = 64\n", f);
    std::fclose(f);
  }
  auto parsed = parse({"--config", path, "--backlog", "128"});
  ASSERT_TRUE(parsed.options);
  EXPECT_EQ(parsed.options->backlog, 128);  // the command line wins
  EXPECT_EQ(parsed.options->connection.limits.max_body_bytes, 1000u);
  EXPECT_EQ(parsed.given.at("backlog"), std::vector<std::string>{"128"});
  EXPECT_EQ(parsed.given.at("max-body-bytes"), std::vector<std::string>{"1000"});
  EXPECT_EQ(parsed.given.count("idle-timeout"), 0u);

  std::vector<std::string> args = {"serve", "--config", path};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  auto again = reparse_serve_options(static_cast<int>(argv.size()), argv.data());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->options->backlog, 64);
  std::remove(path.c_str());
  auto missing = reparse_serve_options(static_cast<int>(argv.size()), argv.data());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().description.find(path), std::string::npos);
}

}  // namespace
}  // namespace warren::server
