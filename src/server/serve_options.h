// ServeOptions: everything `warren serve` can be told, from the command line or a config file,
// with defaults (Zaqar's for its limits).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "api/api_options.h"
#include "common/errors.h"
#include "engine/limits.h"
#include "http/connection_options.h"
#include "notify/webhook_sender.h"
#include "ws/options.h"

namespace warren::server {

struct StorageOptions {
  std::string engine = "rocksdb";  // memory | rocksdb | redis
  std::string data_dir = "./data";
  std::string fsync = "always";   // always | batch | never
  std::chrono::milliseconds fsync_batch_interval{10};
  std::string wal_recovery = "strict";  // strict | point-in-time
  std::string redis_urls;          // redis://HOST:PORT[,HOST:PORT...]
  int redis_wait_replicas = 0;     // WAIT for this many replicas after each write
  std::size_t memory_shards = 64;
};

struct ServeOptions {
  std::string listen = "127.0.0.1:8888";
  unsigned threads = 0;  // 0: one per core
  std::size_t max_connections = 100000;
  // Descriptors kept free for everything but connections (storage files, logs): connections
  // are capped at RLIMIT_NOFILE minus this.
  std::size_t reserved_fds = 64;
  int backlog = 4096;
  // Bytes buffered for requests still arriving, over all connections (0: unbounded).
  std::size_t max_buffered_bytes = 256 * 1024 * 1024;
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
  std::string log_level = "info";
  http::ConnectionOptions connection;
  api::ApiOptions api;
  engine::Limits limits;
  StorageOptions storage;
  // WebSocket: always on the HTTP port (upgrade); also on ws_listen when set.
  std::string ws_listen;
  ws::WsOptions ws;
  std::int64_t ws_min_subscription_ttl = 60;
  std::size_t ws_max_subscriptions = 1000;  // socket subscriptions one socket may hold
  bool webhooks = true;
  notify::WebhookOptions webhook;
};

// What parsing decided: run with these options, or exit now (after --help, --version or an
// error) with this status.
struct ParsedServeOptions {
  std::optional<ServeOptions> options;
  int exit_status = 0;
};

// Parses `warren serve` arguments (argv[0] == "serve"). Prints help or errors itself.
ParsedServeOptions parse_serve_options(int argc, char** argv);

}  // namespace warren::server
