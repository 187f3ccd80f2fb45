// ServeOptions: everything `warren serve` can be told, from the command line or a config file,
// with defaults (Zaqar's for its limits). Every field holds the type its subsystem uses, parsed
// and checked once here (options_*.cpp, one file per subsystem's section).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "api/api_options.h"
#include "auth/keystone_client.h"
#include "auth/keystone_identity.h"
#include "auth/trust_tokens.h"
#include "auth/project_limits.h"
#include "auth/token_identity.h"
#include "common/errors.h"
#include "common/log.h"
#include "engine/limits.h"
#include "http/connection_options.h"
#include "net/tls_context.h"
#include "notify/mail_sender.h"
#include "notify/webhook_sender.h"
#include "store/memory/memory_store.h"
#include "store/pooled/pooled_store.h"
#include "store/redis/redis_store.h"
#include "store/rocksdb/rocksdb_store.h"
#include "ws/options.h"

namespace warren::server {

enum class Engine { memory, rocksdb, redis };

// Who may call (--auth): anyone naming a project (none), holders of a token the credentials
// file grants (tokens), or of a token Keystone validates (keystone).
enum class AuthMode { none, tokens, keystone };

// The engine chosen and the options of each (only the chosen one's are used).
struct StorageOptions {
  Engine engine = Engine::rocksdb;
  store::MemoryStoreOptions memory;
  store::RocksStoreOptions rocksdb;
  store::redis::RedisStoreOptions redis;
  // --pooling: Zaqar's pools and flavors over this engine as the home store (docs/pools.md).
  bool pooling = false;
  store::pooled::PooledStoreOptions pools;
};

struct ServeOptions {
  boost::asio::ip::tcp::endpoint listen{boost::asio::ip::address_v4::loopback(), 8888};
  unsigned threads = 0;  // 0: one per core
  std::size_t max_connections = 100000;
  // Descriptors kept free for everything but connections (storage files, logs): connections
  // are capped at RLIMIT_NOFILE minus this.
  std::size_t reserved_fds = 64;
  int backlog = 4096;
  // Bytes buffered for requests still arriving, over all connections (0: unbounded).
  std::size_t max_buffered_bytes = 256 * 1024 * 1024;
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
  log::Level log_level = log::Level::info;
  log::Format log_format = log::Format::text;
  // The access log (common/access_log.h): a file, "-" for stderr, or "" (off), and the share
  // of requests it records.
  std::string access_log;
  double access_log_sample = 1.0;
  http::ConnectionOptions connection;
  api::ApiOptions api;
  engine::Limits limits;
  StorageOptions storage;
  // WebSocket: always on the HTTP port (upgrade); also on ws_listen when set.
  std::optional<boost::asio::ip::tcp::endpoint> ws_listen;
  // GET /metrics alone, unauthenticated, on this listener too (server/metrics_listener.h).
  std::optional<boost::asio::ip::tcp::endpoint> metrics_listen;
  // Queues given their own per-queue gauges, and queues a scrape visits at most
  // (server/queue_metrics.h).
  std::size_t metrics_max_queues = 1000;
  std::size_t metrics_max_visited = 100000;
  ws::WsOptions ws;
  std::int64_t ws_min_subscription_ttl = 60;
  std::size_t ws_max_subscriptions = 1000;  // socket subscriptions one socket may hold
  bool webhooks = true;
  notify::WebhookOptions webhook;
  notify::SmtpOptions mail;  // options_mail.cpp: mailto: notifications (off without a relay)
  // TLS (options_tls.cpp): https on tls_listen, wss alone on ws_tls_listen, with these files.
  std::optional<boost::asio::ip::tcp::endpoint> tls_listen;
  std::optional<boost::asio::ip::tcp::endpoint> ws_tls_listen;
  net::TlsConfig tls;
  bool tls_only = false;  // no plain --listen port
  // Security (options_security.cpp; docs/security.md)
  AuthMode auth = AuthMode::none;
  std::string credentials_file;  // --credentials: tokens, per-project limits ("": none)
  auth::RolePolicy roles;
  auth::KeystoneOptions keystone;  // --auth keystone (password from --keystone-password-file)
  auth::KeystoneCacheOptions keystone_cache;
  auth::TrustTokenCacheOptions trust_tokens;  // trust+ webhooks' tokens (--keystone-trust-token-cache)
  auth::Limits project_limits;  // the defaults of every project
};

// The options given (on the command line, then in the config file), by name, with the text
// of their values as given: what SIGHUP compares to see what changed.
using GivenOptions = std::map<std::string, std::vector<std::string>>;

// What parsing decided: run with these options, or exit now (after --help, --version,
// --print-config or an error) with this status.
struct ParsedServeOptions {
  std::optional<ServeOptions> options;
  int exit_status = 0;
  GivenOptions given;
};

// Parses `warren serve` arguments (argv[0] == "serve"). Prints help or errors itself.
ParsedServeOptions parse_serve_options(int argc, char** argv);

// Parses the same arguments again, re-reading the config file they name (SIGHUP); prints
// nothing. Errors: startup_failed, naming the option or file.
Result<ParsedServeOptions> reparse_serve_options(int argc, char** argv);

}  // namespace warren::server
