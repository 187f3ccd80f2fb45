// `warren serve`'s options of e-mail notifications (mailto: subscribers; docs/mail.md): the
// SMTP relay, STARTTLS, credentials (from a file, never the command line), the default sender
// and the sender's bounds.
#include <sys/stat.h>

#include <fstream>

#include <boost/program_options.hpp>

#include "common/log.h"
#include "notify/mail_address.h"
#include "server/option_section.h"
#include "server/option_values.h"

namespace warren::server {
namespace {

namespace po = boost::program_options;

// True if `relay` is HOST:PORT ([IPv6]:PORT too) with a port in 1-65535.
bool valid_relay(const std::string& relay) {
  const auto colon = relay.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == relay.size()) return false;
  const std::string host = relay.substr(0, colon);
  if (host.find_first_of("/@?# \t") != std::string::npos) return false;
  if (host.find(':') != std::string::npos && (host.front() != '[' || host.back() != ']')) {
    return false;
  }
  long port = 0;
  for (const char c : relay.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return false;
    port = port * 10 + (c - '0');
  }
  return port >= 1 && port <= 65535;
}

// Reads the user (first line) and password (second line) of --smtp-credentials-file.
Result<void> read_credentials(const std::string& path, notify::SmtpOptions& m) {
  std::ifstream file(path);
  if (!file || !std::getline(file, m.username) || !std::getline(file, m.password) ||
      m.username.empty()) {
    return option_error("--smtp-credentials-file: cannot read a user (first line) and a "
                        "password (second line) from " + path);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    log::warn("--smtp-credentials-file {} may be read by others than its owner (chmod 600)",
              path);
  }
  return {};
}

}  // namespace

OptionSection mail_options(ServeOptions& o) {
  notify::SmtpOptions& m = o.mail;
  auto credentials_file = std::make_shared<std::string>();
  OptionSection section{po::options_description("E-mail notifications (mailto: subscribers)"),
                        nullptr};
  section.description.add_options()
      ("smtp-relay", po::value(&m.relay), "send mailto: notifications to this SMTP relay, HOST:PORT; without it a mailto: subscription is refused with 400")
      ("smtp-starttls", po::bool_switch(&m.starttls), "require STARTTLS with the relay and verify its certificate")
      ("smtp-ca-file", po::value(&m.ca_file), "PEM file of the CAs trusted for the relay's certificate (instead of the system's)")
      ("smtp-credentials-file", po::value(credentials_file.get()), "log in to the relay (SMTP AUTH) with the user on this file's first line and the password on its second")
      ("smtp-from", po::value(&m.from)->default_value(m.from), "sender of notifications whose subscription names none in options.from (\"Name <address>\" or an address)")
      ("smtp-queue-limit", po::value(&m.queue_limit)->default_value(m.queue_limit), "mail notifications waiting, being sent or between retries at most; more are dropped")
      ("smtp-project-queue-limit", po::value(&m.project_queue_limit)->default_value(m.project_queue_limit), "mail notifications one project holds at most; more are dropped")
      ("smtp-timeout", seconds(m.timeout), "seconds one SMTP transaction may take (connection, TLS, AUTH and the mail)")
      ("smtp-breaker-failures", po::value(&m.breaker.failures)->default_value(m.breaker.failures), "consecutive failed transactions (no answer from the relay) after which every mail waits for a probe")
      ("smtp-breaker-backoff", seconds(m.breaker.backoff), "seconds before the first probe of a failing relay; doubled after each failed probe")
      ("smtp-breaker-max-backoff", seconds(m.breaker.max_backoff), "seconds between probes of a failing relay at most");
  section.check = [&m, credentials_file]() -> Result<void> {
    if (!m.relay.empty() && !valid_relay(m.relay)) {
      return option_error("--smtp-relay must be HOST:PORT, not '" + m.relay + "'");
    }
    if (m.relay.empty() && (m.starttls || !credentials_file->empty() || !m.ca_file.empty())) {
      return option_error(
          "--smtp-starttls, --smtp-ca-file and --smtp-credentials-file need --smtp-relay");
    }
    if (auto from = notify::parse_from(m.from); !from) {
      return option_error("--smtp-from: " + from.error().description);
    }
    if (m.queue_limit < 1 || m.project_queue_limit < 1 || m.breaker.failures < 1) {
      return option_error(
          "--smtp-queue-limit, --smtp-project-queue-limit and --smtp-breaker-failures must be "
          "at least 1");
    }
    if (m.timeout <= std::chrono::milliseconds(0) ||
        m.breaker.backoff < std::chrono::milliseconds(1) ||
        m.breaker.max_backoff < m.breaker.backoff) {
      return option_error(
          "--smtp-timeout and --smtp-breaker-backoff must be positive, "
          "--smtp-breaker-max-backoff at least --smtp-breaker-backoff");
    }
    if (!credentials_file->empty()) return read_credentials(*credentials_file, m);
    return {};
  };
  return section;
}

}  // namespace warren::server
