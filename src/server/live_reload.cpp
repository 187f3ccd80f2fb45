// LiveReload: SIGHUP's re-read of the options, what it applies, and the log line naming what it
// could not.
#include "server/live_reload.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/access_log.h"
#include "common/log.h"

namespace warren::server {
namespace {

// "--a, --b" (or "none").
std::string names(const std::vector<std::string>& list) {
  if (list.empty()) return "none";
  std::string out;
  for (const std::string& name : list) {
    if (!out.empty()) out.append(", ");
    out.append("--").append(name);
  }
  return out;
}

}  // namespace

const std::set<std::string>& live_options() {
  static const std::set<std::string> kLive = {
      "log-level",        "log-format",       "access-log",       "access-log-sample",
      "max-header-bytes", "max-target-bytes", "max-header-count", "max-body-bytes",
      "header-timeout",   "idle-timeout",     "request-timeout",  "max-connections",
      "max-buffered-bytes"};
  return kLive;
}

LiveReload::LiveReload(int argc, char** argv, ServeOptions options, GivenOptions given,
                       ReloadTargets targets)
    : argc_(argc),
      argv_(argv),
      options_(std::move(options)),
      given_(std::move(given)),
      targets_(std::move(targets)) {}

void LiveReload::reload() {
  if (targets_.systemd) targets_.systemd->reloading();
  auto parsed = reparse_serve_options(argc_, argv_);
  if (!parsed) {
    log::failure("SIGHUP: the options in force stay: ", parsed.error());
  } else {
    // What changed, by name: given now and not before, before and not now, or with new values.
    std::vector<std::string> applied, kept;
    const GivenOptions& now = parsed->given;
    std::set<std::string> all_names;
    for (const auto& [name, values] : now) all_names.insert(name);
    for (const auto& [name, values] : given_) all_names.insert(name);
    for (const std::string& name : all_names) {
      const auto before = given_.find(name);
      const auto after = now.find(name);
      const bool same = before != given_.end() && after != now.end() &&
                        before->second == after->second;
      if (same || name == "config") continue;
      (live_options().count(name) ? applied : kept).push_back(name);
    }
    const ServeOptions& next = *parsed->options;
    log::set_level(next.log_level);
    log::set_format(next.log_format);
    if (!next.access_log.empty()) {
      // (Reopened even when unchanged: a rotated file is let go.)
      if (auto opened = log::open_access_log(next.access_log, next.access_log_sample); !opened) {
        log::failure("SIGHUP: ", opened.error());
      }
    } else {
      log::close_access_log();
    }
    http::ConnectionOptions connection = next.connection;
    for (http::HttpServer* server : targets_.servers) server->update_options(connection);
    if (targets_.connection_limit) {
      std::size_t max = next.max_connections;
      if (targets_.max_connections_cap > 0) max = std::min(max, targets_.max_connections_cap);
      targets_.connection_limit->set_max(max);
    }
    if (targets_.buffer_budget) targets_.buffer_budget->set_limit(next.max_buffered_bytes);
    // Restart-only options keep their old values in options_: only the live ones move.
    options_.log_level = next.log_level;
    options_.log_format = next.log_format;
    options_.access_log = next.access_log;
    options_.access_log_sample = next.access_log_sample;
    options_.connection = next.connection;
    options_.max_connections = next.max_connections;
    options_.max_buffered_bytes = next.max_buffered_bytes;
    for (const std::string& name : applied) {
      if (const auto given = now.find(name); given != now.end()) {
        given_[name] = given->second;
      } else {
        given_.erase(name);
      }
    }
    log::info("SIGHUP: options re-read; changed live: {}", names(applied));
    if (!kept.empty()) {
      log::warn("SIGHUP: changed but applied only on restart: {}", names(kept));
    }
  }
  if (targets_.credentials) {
    if (auto reloaded = targets_.credentials->reload(); reloaded) {
      log::info("SIGHUP: reloaded {}", targets_.credentials->path());
    } else {
      log::failure("SIGHUP: the credentials in force stay: ", reloaded.error());
    }
  }
  if (targets_.systemd) targets_.systemd->ready("serving (reloaded)");
}

}  // namespace warren::server
