// WebhookSubscriberCheck: the engine's SubscriberCheck for webhook subscribers, run when a
// subscription is created or its subscriber changed, over HTTP and WebSocket alike. Every
// subscriber with control characters is refused; an http(s) (or trust+http(s)) URL must parse
// (webhook_url.h) without userinfo; then, unless private addresses are allowed, an IP literal
// in a refused range (address_policy.h) is refused, and so is a host name that resolves to any
// refused address. A name that does not resolve (or not within the timeout) is accepted: the
// sender checks again at connect time. Other schemes (mailto:, ...) pass. Each refusal is a
// 400 of errors.def.
#pragma once

#include <chrono>
#include <string_view>

#include "engine/queue_service.h"

namespace warren::notify {

struct SubscriberCheckOptions {
  bool allow_private = false;  // --webhook-allow-private: no address policy
  std::chrono::milliseconds resolve_timeout{std::chrono::seconds(10)};
};

class WebhookSubscriberCheck final : public engine::SubscriberCheck {
 public:
  explicit WebhookSubscriberCheck(SubscriberCheckOptions options) : options_(options) {}

  engine::Async<void> check(std::string_view subscriber) override;

 private:
  SubscriberCheckOptions options_;
};

}  // namespace warren::notify
