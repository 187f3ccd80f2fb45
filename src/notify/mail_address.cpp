// mailto: subscribers, addr-specs and From values, checked by hand against a small, strict
// grammar (RFC 5321's Mailbox without quoted strings or address literals).
#include "notify/mail_address.h"

#include <algorithm>
#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <simdjson.h>

#include "engine/json.h"
#include "notify/webhook_url.h"

namespace warren::notify {
namespace {

constexpr std::size_t kMaxAddress = 254;  // RFC 5321 path limit less the angle brackets
constexpr std::size_t kMaxLocal = 64;

bool atext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

// Why `address` is not a plain ASCII addr-spec, or nullopt if it is one.
std::optional<std::string_view> addr_spec_problem(std::string_view address) {
  if (address.empty()) return "it is empty";
  if (address.size() > kMaxAddress) return "it is longer than 254 characters";
  const auto at = address.rfind('@');
  if (at == std::string_view::npos) return "it has no @";
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.empty() || local.size() > kMaxLocal) return "its local part is empty or too long";
  for (const char c : local) {
    if (!atext(c)) {
      return "its local part has a character that is not a letter, a digit, a dot or one of "
             "!#$%&'*+-/=?^_`{|}~";
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return "its local part has a misplaced dot";
  }
  if (domain.empty()) return "its domain is empty";
  std::size_t label = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0 || label > 63) return "its domain has an empty or too long label";
      label = 0;
      continue;
    }
    const auto c = static_cast<unsigned char>(domain[i]);
    if (!std::isalnum(c) && c != '-') {
      return "its domain has a character that is not a letter, a digit, '-' or '.'";
    }
    ++label;
  }
  return std::nullopt;
}

}  // namespace

bool is_mailto(std::string_view subscriber) noexcept {
  constexpr std::string_view kScheme = "mailto:";
  return subscriber.size() >= kScheme.size() &&
         boost::beast::iequals(subscriber.substr(0, kScheme.size()), kScheme);
}

Result<MailtoTarget> parse_mailto(std::string_view subscriber) {
  if (has_control_characters(subscriber)) return make_error(Errc::subscriber_control_characters);
  auto parsed = boost::urls::parse_uri(subscriber);
  if (!parsed || !is_mailto(subscriber) || parsed->has_authority()) {
    return make_error(Errc::mail_address_invalid, subscriber, "it is not a mailto: URI");
  }
  MailtoTarget target;
  target.recipient = parsed->path();  // percent-decoded
  // (Checked before the address is quoted back in an error: a line break stays out of it.)
  if (auto text = check_header_text("address", target.recipient); !text) return text.error();
  if (const auto problem = addr_spec_problem(target.recipient)) {
    return make_error(Errc::mail_address_invalid, target.recipient, *problem);
  }
  // RFC 6068 takes '+' literally; Zaqar's parse_qs lower-cases the keys.
  for (const auto& param : parsed->params(boost::urls::encoding_opts(false, false, false))) {
    if (!boost::beast::iequals(param.key, "subject") || target.subject) continue;
    if (auto text = check_header_text("subject", param.value); !text) return text.error();
    target.subject = param.value;
  }
  return target;
}

Result<std::string> parse_from(std::string_view from) {
  if (auto text = check_header_text("sender", from); !text) return text.error();
  if (from.size() > 2 * kMaxAddress) {
    return make_error(Errc::mail_address_invalid, from.substr(0, 40), "it is too long");
  }
  if (std::any_of(from.begin(), from.end(), [](char c) { return (c & 0x80) != 0; })) {
    return make_error(Errc::mail_address_invalid, from, "a sender is written in ASCII");
  }
  std::string_view address = from;
  const auto open = from.rfind('<');
  if (open != std::string_view::npos) {
    if (from.back() != '>') {
      return make_error(Errc::mail_address_invalid, from, "text follows the <address>");
    }
    address = from.substr(open + 1, from.size() - open - 2);
    const std::string_view display = from.substr(0, open);
    if (display.find_first_of("<>\"") != std::string_view::npos) {
      return make_error(Errc::mail_address_invalid, from, "its display name has <, > or \"");
    }
  }
  if (const auto problem = addr_spec_problem(address)) {
    return make_error(Errc::mail_address_invalid, address, *problem);
  }
  return std::string(address);
}

Result<void> check_header_text(std::string_view what, std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return make_error(Errc::mail_header_invalid, what);
  }
  return {};
}

MailFields mail_fields(std::string_view options) {
  MailFields out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(options.data(), options.size()).get(root) != simdjson::SUCCESS) return out;
  const auto read = [&root](const char* key, std::optional<std::string>& into) {
    simdjson::dom::element member;
    std::string_view text;
    // Of repeated keys the last counts, as everywhere (engine/json.h).
    if (engine::json::get_member(root, key, member) && member.get(text) == simdjson::SUCCESS) {
      into = std::string(text);
    }
  };
  read("from", out.from);
  read("subject", out.subject);
  return out;
}

}  // namespace warren::notify
