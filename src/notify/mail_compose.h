// The e-mail Warren sends for one notification, formatted as Zaqar's mailto task does it
// (zaqar/notification/tasks/mailto.py): To is the subscriber's address, From the
// subscription's options.from (else --smtp-from, where Zaqar leaves it empty), Subject the
// subscriber's ?subject= (else options.subject, else empty), and the body the notification
// document as text/plain. Headers are Zaqar's (as Python's MIMEText writes them) plus a Date.
// A body of ASCII lines of at most 998 characters is sent as it is (7bit, us-ascii, as
// Zaqar's); anything else in UTF-8, base64 (SMTP limits lines to 998 characters; Zaqar sends
// such bodies as one long line, which relays may refuse). A subject outside printable ASCII
// (or long) is RFC 2047 encoded. Every header text is checked again here.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "common/errors.h"
#include "notify/mail_delivery.h"

namespace warren::notify {

struct ComposedMail {
  std::string envelope_from;  // addr-spec for MAIL FROM
  std::string recipient;      // addr-spec for RCPT TO
  std::string text;           // the RFC 5322 message, CRLF line ends, not dot-stuffed
};

// Composes the mail of `delivery`, with `default_from` when its options name no sender, dated
// `now`. An Error (400 of errors.def) if the subscriber or a header text is invalid.
Result<ComposedMail> compose_mail(const MailDelivery& delivery, std::string_view default_from,
                                  std::time_t now);

}  // namespace warren::notify
