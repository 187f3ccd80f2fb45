// TrustSubscriberCheck: the engine's SubscriberCheck for trust+http(s) subscribers, run when a
// subscription is created or changed, over HTTP and WebSocket alike; every subscriber also goes
// on to `next` (the mail and webhook checks: a trust+ URL is checked as the webhook it calls).
//
// As Zaqar's notification/tasks/trust.py: a new trust+ subscription without a "trust_id" option
// gets a Keystone trust made at once (prepare()): trustor the caller, with the caller's own
// token; trustee Warren's service user; the queue's project; the caller's roles;
// impersonation; expiring with the subscription's TTL. Its id is stored as options.trust_id,
// which the webhook sender later trades for a trust-scoped token (auth/trust_tokens.h). A
// trust_id the caller gives is kept as it is (it must be a non-empty string).
//
// Without Keystone (`keystone` null: --auth none or tokens) there is no trust to create nor
// token to fetch, so every trust+ subscriber is refused (a subscription that silently delivers
// nothing is the worst answer). Each refusal is a row of errors.def.
#pragma once

#include <string>
#include <string_view>

#include "auth/keystone_client.h"
#include "engine/queue_service.h"

namespace warren::notify {

class TrustSubscriberCheck final : public engine::SubscriberCheck {
 public:
  // `keystone` (null: no Keystone) and `next` (may be null) must outlive this check.
  TrustSubscriberCheck(auth::KeystoneClient* keystone, engine::SubscriberCheck* next)
      : keystone_(keystone), next_(next) {}

  // Errors: trust_needs_keystone, then those of `next`.
  engine::Async<void> check(std::string_view subscriber) override;
  // Errors: trust_id_invalid (a trust+ subscriber's trust_id that is not a non-empty string),
  // then those of `next`.
  Result<void> check_options(std::string_view subscriber, std::string_view options) override;
  // Creates the trust when a trust+ subscriber has no trust_id. Errors: trust_needs_token (no
  // token to delegate from: a signed URL), and KeystoneClient::create_trust's.
  engine::Async<std::string> prepare(const engine::Scope& scope, const engine::Caller& caller,
                                     std::string_view subscriber, std::string options,
                                     std::int64_t ttl_s) override;

 private:
  auth::KeystoneClient* keystone_;
  engine::SubscriberCheck* next_;
};

// The "trust_id" member of a subscription's options (JSON object text): absent (nullopt), or
// its value, "" when it is not a non-empty string. Of repeated keys the last counts.
std::optional<std::string> trust_id_option(std::string_view options);

// `options` (a compact JSON object) with "trust_id": `trust_id` added at its end.
std::string with_trust_id(std::string_view options, std::string_view trust_id);

}  // namespace warren::notify
