// `warren serve`'s security options: who may call (--auth, --credentials, the roles) and what
// each project may use (--quota-*, --rate-limit-*; docs/security.md).
#include <fstream>
#include <sstream>

#include <boost/program_options.hpp>

#include "server/option_section.h"
#include "server/option_values.h"

namespace warren::server {

namespace po = boost::program_options;

OptionSection security_options(ServeOptions& o) {
  static const ChoiceNames<AuthMode> kAuthModes = {
      {"none", AuthMode::none}, {"tokens", AuthMode::tokens}, {"keystone", AuthMode::keystone}};
  auth::KeystoneOptions& k = o.keystone;
  auto password_file = std::make_shared<std::string>();
  auto timeout_ms = std::make_shared<std::int64_t>(k.timeout.count());
  auth::Limits& l = o.project_limits;
  OptionSection section{po::options_description("Security (docs/security.md)"), nullptr};
  section.description.add_options()
      ("auth", choice(o.auth, kAuthModes), "who may call: none (whoever X-Project-ID names; for loopback and trusted networks) | tokens (X-Auth-Token, granted by --credentials) | keystone (X-Auth-Token, validated by Keystone)")
      ("keystone-url", po::value(&k.url), "Keystone's identity endpoint, e.g. http://127.0.0.1:5000/v3 or https://keystone.example:5000/v3")
      ("keystone-ca-file", po::value(&k.ca_file), "trusted CA certificates (PEM) for an https:// Keystone (default: the system's)")
      ("keystone-user", po::value(&k.user), "the service user Warren validates tokens as")
      ("keystone-password-file", po::value(password_file.get()), "a file holding the service user's password (its first line)")
      ("keystone-project", po::value(&k.project), "the service user's project")
      ("keystone-domain", po::value(&k.domain)->default_value(k.domain), "the domain of the service user and project (by name)")
      ("keystone-timeout-ms", po::value(timeout_ms.get())->default_value(*timeout_ms), "the longest one exchange with Keystone may take")
      ("auth-cache-seconds", po::value(&o.keystone_cache.cache_seconds)->default_value(o.keystone_cache.cache_seconds), "the longest a validated token is trusted without asking Keystone again (a revocation is noticed within it)")
      ("auth-negative-cache-seconds", po::value(&o.keystone_cache.negative_seconds)->default_value(o.keystone_cache.negative_seconds), "how long a token Keystone refused is refused without asking again")
      ("auth-cache-entries", po::value(&o.keystone_cache.max_entries)->default_value(o.keystone_cache.max_entries), "tokens each event loop caches")
      ("keystone-trust-token-cache", po::value(&o.trust_tokens.max_entries)->default_value(o.trust_tokens.max_entries), "trust-scoped tokens kept for trust+http(s) webhooks, one per trust, each until a minute before it expires (0: fetch one per delivery)")
      ("credentials", po::value(&o.credentials_file), "the credentials file: tokens (as SHA-256 digests) with their project and roles, and per-project limits; reloaded on SIGHUP")
      ("auth-role", po::value(&o.roles.required)->default_value(o.roles.required), "the role a token needs to use the API")
      ("auth-admin-role", po::value(&o.roles.admin)->default_value(o.roles.admin), "the role of operators (health; enough for the API too)")
      ("quota-queues", po::value(&l.quota_queues)->default_value(l.quota_queues), "queues one project may have (0: unlimited)")
      ("quota-messages-per-queue", po::value(&l.quota_messages_per_queue)->default_value(l.quota_messages_per_queue), "messages one queue may hold (0: unlimited)")
      ("quota-bytes", po::value(&l.quota_bytes)->default_value(l.quota_bytes), "bytes of message bodies one queue may hold (0: unlimited); a project holds at most quota-queues times this")
      ("rate-limit-requests", po::value(&l.rate_limit_requests)->default_value(l.rate_limit_requests), "requests per second one project may make, over every API (0: unlimited)")
      ("rate-limit-posts", po::value(&l.rate_limit_posts)->default_value(l.rate_limit_posts), "messages per second one project may post (0: unlimited)");
  section.check = [&o, &k, password_file, timeout_ms]() -> Result<void> {
    if (o.auth == AuthMode::tokens && o.credentials_file.empty()) {
      return option_error("--auth tokens needs --credentials FILE");
    }
    if (o.auth == AuthMode::keystone) {
      if (k.url.empty() || k.user.empty() || k.project.empty() || password_file->empty()) {
        return option_error(
            "--auth keystone needs --keystone-url, --keystone-user, --keystone-password-file "
            "and --keystone-project");
      }
      if (auto url = auth::parse_http_url(k.url); !url) {
        return option_error("--keystone-url: " + url.error().description);
      }
      std::ifstream file(*password_file);
      if (!file || !std::getline(file, k.password) || k.password.empty()) {
        return option_error("--keystone-password-file: cannot read a password from " +
                            *password_file);
      }
      if (*timeout_ms < 1) return option_error("--keystone-timeout-ms must be at least 1");
      k.timeout = std::chrono::milliseconds(*timeout_ms);
      if (o.keystone_cache.cache_seconds < 1 || o.keystone_cache.negative_seconds < 0 ||
          o.keystone_cache.max_entries < 1) {
        return option_error("--auth-cache-seconds and --auth-cache-entries must be at least 1");
      }
    }
    if (o.roles.required.empty() || o.roles.admin.empty()) {
      return option_error("--auth-role and --auth-admin-role may not be empty");
    }
    return {};
  };
  return section;
}

}  // namespace warren::server
