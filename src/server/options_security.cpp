// `warren serve`'s security options: who may call (--auth, --credentials, the roles) and what
// each project may use (--quota-*, --rate-limit-*; docs/security.md).
#include <boost/program_options.hpp>

#include "server/option_section.h"
#include "server/option_values.h"

namespace warren::server {

namespace po = boost::program_options;

OptionSection security_options(ServeOptions& o) {
  static const ChoiceNames<AuthMode> kAuthModes = {{"none", AuthMode::none},
                                                   {"tokens", AuthMode::tokens}};
  auth::Limits& l = o.project_limits;
  OptionSection section{po::options_description("Security (docs/security.md)"), nullptr};
  section.description.add_options()
      ("auth", choice(o.auth, kAuthModes), "who may call: none (whoever X-Project-ID names; for loopback and trusted networks) | tokens (X-Auth-Token, granted by --credentials)")
      ("credentials", po::value(&o.credentials_file), "the credentials file: tokens (as SHA-256 digests) with their project and roles, and per-project limits; reloaded on SIGHUP")
      ("auth-role", po::value(&o.roles.required)->default_value(o.roles.required), "the role a token needs to use the API")
      ("auth-admin-role", po::value(&o.roles.admin)->default_value(o.roles.admin), "the role of operators (health; enough for the API too)")
      ("quota-queues", po::value(&l.quota_queues)->default_value(l.quota_queues), "queues one project may have (0: unlimited)")
      ("quota-messages-per-queue", po::value(&l.quota_messages_per_queue)->default_value(l.quota_messages_per_queue), "messages one queue may hold (0: unlimited)")
      ("rate-limit-requests", po::value(&l.rate_limit_requests)->default_value(l.rate_limit_requests), "requests per second one project may make, over every API (0: unlimited)")
      ("rate-limit-posts", po::value(&l.rate_limit_posts)->default_value(l.rate_limit_posts), "messages per second one project may post (0: unlimited)");
  section.check = [&o]() -> Result<void> {
    if (o.auth == AuthMode::tokens && o.credentials_file.empty()) {
      return option_error("--auth tokens needs --credentials FILE");
    }
    if (o.roles.required.empty() || o.roles.admin.empty()) {
      return option_error("--auth-role and --auth-admin-role may not be empty");
    }
    return {};
  };
  return section;
}

}  // namespace warren::server
