// WebhookSubscriberCheck: URL checks, then the address policy on the literal or the resolution.
#include "notify/subscriber_check.h"

#include <string>

#include <fmt/format.h>

#include "notify/address_policy.h"
#include "notify/webhook_resolve.h"
#include "notify/webhook_url.h"

namespace warren::notify {
namespace {

bool is_http_subscriber(std::string_view subscriber) {
  return is_webhook_url(subscriber) || trust_webhook_url(subscriber).has_value();
}

}  // namespace

engine::Async<void> WebhookSubscriberCheck::check(std::string_view subscriber) {
  if (has_control_characters(subscriber)) co_return make_error(Errc::subscriber_control_characters);
  if (!is_http_subscriber(subscriber)) co_return Result<void>{};
  auto target = parse_webhook_url(subscriber);
  if (!target) co_return target.error();
  if (options_.allow_private) co_return Result<void>{};
  if (target->literal) {
    if (const auto why = refused_range(*target->literal)) {
      co_return make_error(Errc::subscriber_address_refused, target->host,
                           fmt::format("it is in the {} range", *why));
    }
    co_return Result<void>{};
  }
  const ResolvedTarget resolved =
      co_await resolve_webhook_target(*target, false, options_.resolve_timeout);
  if (resolved.refused) {
    co_return make_error(
        Errc::subscriber_address_refused, target->host,
        fmt::format("it resolves to an address in the {} range", resolved.refused_why));
  }
  co_return Result<void>{};
}

}  // namespace warren::notify
