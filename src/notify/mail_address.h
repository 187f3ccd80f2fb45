// E-mail addresses and header texts of mailto: subscriptions: the one parser that both the
// check at subscription time and the mail sender use, so what was checked is what is sent.
// A subscriber is `mailto:ADDRESS[?subject=TEXT]` (RFC 6068, percent-decoded; other query
// fields are ignored, as Zaqar ignores them); ADDRESS is one plain addr-spec, local@domain, in
// ASCII: no display name, no list (Zaqar hands the whole path to smtplib as one recipient, so
// a list never worked there either), no quoted local part. A From value is an addr-spec or
// `Display Name <addr-spec>`, in ASCII. Nothing that reaches a mail header may hold a control
// character (CR/LF would start a header of the caller's choosing). Each refusal is a 400 of
// errors.def.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace warren::notify {

// True if `subscriber`'s scheme is mailto (any case).
bool is_mailto(std::string_view subscriber) noexcept;

struct MailtoTarget {
  std::string recipient;               // the addr-spec
  std::optional<std::string> subject;  // ?subject=, decoded (the first of several)
};

// Parses a mailto: subscriber.
Result<MailtoTarget> parse_mailto(std::string_view subscriber);

// Checks a From header value and returns its addr-spec (the envelope sender).
Result<std::string> parse_from(std::string_view from);

// Refuses text for the header `what` ("subject", ...) that holds a control character.
Result<void> check_header_text(std::string_view what, std::string_view text);

// The string options a mail reads from a subscription's options (JSON object text): "from"
// and "subject"; absent when missing or not strings (Zaqar formats them only as strings).
struct MailFields {
  std::optional<std::string> from;
  std::optional<std::string> subject;
};
MailFields mail_fields(std::string_view options);

}  // namespace warren::notify
