// `warren serve`'s options of Zaqar's API: its limits (as Zaqar's [transport] options), the
// Client-ID rules, signed URLs and the deprecated API versions.
#include <sstream>

#include <boost/program_options.hpp>

#include "server/option_section.h"
#include "server/option_values.h"

namespace warren::server {
namespace {

namespace po = boost::program_options;

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace

OptionSection zaqar_options(ServeOptions& o) {
  static const ChoiceNames<bool> kClientIdModes = {{"strict", true}, {"off", false}};
  engine::Limits& l = o.limits;
  // Lists are kept as text until the check splits them.
  auto subscriber_types = std::make_shared<std::string>("http,https,mailto,trust+http,trust+https");
  auto deprecated_versions = std::make_shared<std::string>();
  OptionSection section{po::options_description("Zaqar limits (as Zaqar's [transport] options)"),
                        nullptr};
  section.description.add_options()
      ("enable-deprecated-api-versions", po::value(deprecated_versions.get()), "also serve these deprecated Zaqar API versions: 1.1 (as Zaqar's option of that name)")
      ("max-queues-per-page", po::value(&l.max_queues_per_page)->default_value(l.max_queues_per_page), "")
      ("max-messages-per-page", po::value(&l.max_messages_per_page)->default_value(l.max_messages_per_page), "")
      ("max-subscriptions-per-page", po::value(&l.max_subscriptions_per_page)->default_value(l.max_subscriptions_per_page), "")
      ("max-pools-per-page", po::value(&o.api.max_pools_per_page)->default_value(o.api.max_pools_per_page), "--pooling: the most pools a listing may ask for")
      ("max-flavors-per-page", po::value(&o.api.max_flavors_per_page)->default_value(o.api.max_flavors_per_page), "--pooling: the most flavors a listing may ask for")
      ("max-messages-per-claim-or-pop", po::value(&l.max_messages_per_claim_or_pop)->default_value(l.max_messages_per_claim_or_pop), "")
      ("max-queue-metadata", po::value(&l.max_queue_metadata)->default_value(l.max_queue_metadata), "bytes")
      ("max-messages-post-size", po::value(&l.max_messages_post_size)->default_value(l.max_messages_post_size), "bytes")
      ("max-message-ttl", po::value(&l.max_message_ttl)->default_value(l.max_message_ttl), "seconds")
      ("default-message-ttl", po::value(&l.default_message_ttl)->default_value(l.default_message_ttl), "seconds")
      ("max-message-delay", po::value(&l.max_message_delay)->default_value(l.max_message_delay), "seconds")
      ("default-message-delay", po::value(&l.default_message_delay)->default_value(l.default_message_delay), "seconds")
      ("max-claim-ttl", po::value(&l.max_claim_ttl)->default_value(l.max_claim_ttl), "seconds")
      ("default-claim-ttl", po::value(&l.default_claim_ttl)->default_value(l.default_claim_ttl), "seconds")
      ("max-claim-grace", po::value(&l.max_claim_grace)->default_value(l.max_claim_grace), "seconds")
      ("default-claim-grace", po::value(&l.default_claim_grace)->default_value(l.default_claim_grace), "seconds")
      ("default-subscription-ttl", po::value(&l.default_subscription_ttl)->default_value(l.default_subscription_ttl), "seconds")
      ("subscriber-types", po::value(subscriber_types.get())->default_value(*subscriber_types), "comma-separated URI schemes")
      ("message-delete-with-claim-id", po::bool_switch(&l.message_delete_with_claim_id), "bulk deletes must name the claims of claimed messages")
      ("client-id-uuid-safe", choice(o.api.client_id.uuid_safe, kClientIdModes), "strict (a UUID) | off (a length range)")
      ("signed-url-secret", po::value(&o.api.signed_url_secret), "key of pre-signed URLs (POST .../share); none: sharing is refused")
      ("min-client-id-length", po::value(&o.api.client_id.min_length)->default_value(o.api.client_id.min_length), "")
      ("max-client-id-length", po::value(&o.api.client_id.max_length)->default_value(o.api.client_id.max_length), "");
  section.check = [&o, &l, subscriber_types, deprecated_versions]() -> Result<void> {
    for (const std::string& version : split_list(*deprecated_versions)) {
      if (version != "1.1") return option_error("--enable-deprecated-api-versions knows only 1.1");
      o.api.enable_v1_1 = true;
    }
    l.subscriber_types = split_list(*subscriber_types);
    if (l.default_message_ttl < engine::kMinMessageTtl || l.default_message_ttl > l.max_message_ttl) {
      return option_error("--default-message-ttl must lie within 60..--max-message-ttl");
    }
    if (l.default_claim_ttl < engine::kMinClaimTtl || l.default_claim_ttl > l.max_claim_ttl) {
      return option_error("--default-claim-ttl must lie within 60..--max-claim-ttl");
    }
    if (l.default_claim_grace < engine::kMinClaimGrace ||
        l.default_claim_grace > l.max_claim_grace) {
      return option_error("--default-claim-grace must lie within 60..--max-claim-grace");
    }
    if (l.max_messages_per_page < 1 || l.max_queues_per_page < 1 ||
        l.max_subscriptions_per_page < 1 || l.max_messages_per_claim_or_pop < 1 ||
        o.api.max_pools_per_page < 1 || o.api.max_flavors_per_page < 1) {
      return option_error("page and claim limits must be at least 1");
    }
    return {};
  };
  return section;
}

}  // namespace warren::server
