// LiveReload: what SIGHUP does to a running `warren serve`. It parses the command line and the
// config file (--config) again and applies what can change without a restart, dropping no
// connection: the log level and format, the access log (reopened: log rotation) and its
// sample rate, every HTTP connection limit and timeout (each loop's copy replaced on its own
// thread, http/server.h), --max-connections, --max-buffered-bytes, and the credentials file
// (tokens and per-project quotas and rate limits). TLS files are re-read by TlsServing on the
// same signal. An option changed that needs a restart is named in a log line and keeps its
// value; a config file that does not parse changes nothing.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "auth/credential_store.h"
#include "http/server.h"
#include "net/buffer_budget.h"
#include "net/connection_limit.h"
#include "server/serve_options.h"
#include "server/systemd_notify.h"

namespace warren::server {

// What a reload reaches (each may be null / empty; all must outlive the LiveReload).
struct ReloadTargets {
  std::vector<http::HttpServer*> servers;  // every HTTP listener's server
  net::ConnectionLimit* connection_limit = nullptr;
  net::BufferBudget* buffer_budget = nullptr;  // --max-buffered-bytes
  std::size_t max_connections_cap = 0;  // descriptors allow no more (0: no cap)
  auth::CredentialStore* credentials = nullptr;
  SystemdNotifier* systemd = nullptr;
};

// The options a reload applies (the names of their long forms).
const std::set<std::string>& live_options();

class LiveReload {
 public:
  // `argc`/`argv`: `warren serve`'s, parsed again on each reload; `given` and `options`: what
  // the server runs with now.
  LiveReload(int argc, char** argv, ServeOptions options, GivenOptions given,
             ReloadTargets targets);

  // Re-reads everything and applies it. Loop 0's thread (the signal's handler).
  void reload();

 private:
  int argc_;
  char** argv_;
  ServeOptions options_;
  GivenOptions given_;
  ReloadTargets targets_;
};

}  // namespace warren::server
