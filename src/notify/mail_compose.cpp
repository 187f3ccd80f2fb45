// compose_mail: headers, the RFC 2047 subject, the body's transfer encoding.
#include "notify/mail_compose.h"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "notify/mail_address.h"

namespace warren::notify {
namespace {

constexpr std::size_t kMaxLine = 998;         // RFC 5322 2.1.1, without the CRLF
constexpr std::size_t kPlainSubjectMax = 900;  // "Subject: " and this stay below kMaxLine
constexpr std::size_t kBase64Line = 76;        // RFC 2045 6.8
constexpr std::size_t kWordBytes = 45;         // per encoded word: 60 base64 characters

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7F;
  });
}

// A 7bit body: ASCII, CRLF or LF line ends, lines of at most kMaxLine.
bool seven_bit(std::string_view body) {
  std::size_t line = 0;
  for (const char c : body) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || u == 0) return false;
    line = c == '\n' ? 0 : line + 1;
    if (line > kMaxLine) return false;
  }
  return true;
}

// RFC 2047 encoded words ("=?utf-8?b?...?="), folded, each holding whole UTF-8 characters.
std::string encoded_words(std::string_view text) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = std::min(text.size(), at + kWordBytes);
    // Never split a UTF-8 sequence: back off over continuation bytes.
    while (end < text.size() && end > at + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?utf-8?b?" + base64(text.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string rfc5322_date(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace

Result<ComposedMail> compose_mail(const MailDelivery& delivery, std::string_view default_from,
                                  std::time_t now) {
  auto target = parse_mailto(delivery.subscriber);
  if (!target) return target.error();
  const MailFields options = mail_fields(delivery.options);
  const std::string from = options.from.value_or(std::string(default_from));
  auto envelope_from = parse_from(from);
  if (!envelope_from) return envelope_from.error();
  const std::string subject = target->subject.value_or(options.subject.value_or(""));
  if (auto valid = check_header_text("subject", subject); !valid) return valid.error();

  ComposedMail mail;
  mail.envelope_from = std::move(*envelope_from);
  mail.recipient = std::move(target->recipient);
  std::string& text = mail.text;
  const bool plain = seven_bit(delivery.notification);
  text += plain ? "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
                : "Content-Type: text/plain; charset=\"utf-8\"\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += plain ? "Content-Transfer-Encoding: 7bit\r\n" : "Content-Transfer-Encoding: base64\r\n";
  text += "To: " + mail.recipient + "\r\n";
  text += "From: " + from + "\r\n";
  text += "Subject: ";
  text += printable_ascii(subject) && subject.size() <= kPlainSubjectMax ? subject
                                                                        : encoded_words(subject);
  text += "\r\nDate: " + rfc5322_date(now) + "\r\n\r\n";
  if (plain) {
    // Line ends become CRLF (SMTP's); a body never ends without one.
    for (const char c : delivery.notification) {
      if (c == '\n' && (text.empty() || text.back() != '\r')) text += '\r';
      text += c;
    }
  } else {
    const std::string encoded = base64(delivery.notification);
    for (std::size_t at = 0; at < encoded.size(); at += kBase64Line) {
      text.append(encoded, at, kBase64Line);
      text += "\r\n";
    }
  }
  if (text.size() < 2 || text.compare(text.size() - 2, 2, "\r\n") != 0) text += "\r\n";
  return mail;
}

}  // namespace warren::notify
