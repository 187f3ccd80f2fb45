// MailSubscriberCheck: the relay's presence, the address, the header texts.
#include "notify/mail_check.h"

#include "notify/mail_address.h"

namespace warren::notify {

engine::Async<void> MailSubscriberCheck::check(std::string_view subscriber) {
  if (!is_mailto(subscriber)) {
    if (next_ == nullptr) co_return Result<void>{};
    co_return co_await next_->check(subscriber);
  }
  if (!mail_enabled_) co_return make_error(Errc::mail_unavailable);
  auto target = parse_mailto(subscriber);
  if (!target) co_return target.error();
  co_return Result<void>{};
}

Result<void> MailSubscriberCheck::check_options(std::string_view subscriber,
                                                std::string_view options) {
  const MailFields fields = mail_fields(options);
  if (fields.subject) {
    if (auto valid = check_header_text("subject", *fields.subject); !valid) return valid;
  }
  if (fields.from) {
    if (auto valid = check_header_text("sender", *fields.from); !valid) return valid;
    if (is_mailto(subscriber)) {
      if (auto from = parse_from(*fields.from); !from) return from.error();
    }
  }
  if (next_ == nullptr) return {};
  return next_->check_options(subscriber, options);
}

}  // namespace warren::notify
