// MailSubscriberCheck: the engine's SubscriberCheck for mailto: subscribers, run when a
// subscription is created or changed, over HTTP and WebSocket alike; other subscribers go on
// to `next` (the webhook check). Without a relay (--smtp-relay) every mailto: subscriber is
// refused (a subscription that silently delivers nothing is the worst answer); with one, its
// address and ?subject= must parse (mail_address.h). Options "from" and "subject" that are
// strings must hold no control characters whatever the subscriber (an update may change the
// options alone), and with a mailto: subscriber "from" must be a valid sender. Each refusal
// is a 400 of errors.def; the sender checks again when it composes the mail.
#pragma once

#include <string_view>

#include "engine/queue_service.h"

namespace warren::notify {

class MailSubscriberCheck final : public engine::SubscriberCheck {
 public:
  // `next` (may be null) must outlive this check.
  MailSubscriberCheck(bool mail_enabled, engine::SubscriberCheck* next)
      : mail_enabled_(mail_enabled), next_(next) {}

  engine::Async<void> check(std::string_view subscriber) override;
  Result<void> check_options(std::string_view subscriber, std::string_view options) override;

 private:
  bool mail_enabled_;
  engine::SubscriberCheck* next_;
};

}  // namespace warren::notify
