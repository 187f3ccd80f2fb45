// Webhook subscriber URLs: the one parser that both the check at subscription time and the
// sender use, so what was checked is what is called. An http(s) subscriber must be a URL Boost.URL
// parses, without control characters or userinfo (user:password@), with a host that is an IP
// literal or a plain DNS name (letters, digits, '-', '_', '.'), and a port in 1-65535.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "common/errors.h"

namespace warren::notify {

struct WebhookTarget {
  bool tls = false;                                 // https
  std::string host;                                 // a DNS name, or the literal's text
  std::optional<boost::asio::ip::address> literal;  // set when the host is an IP literal
  std::string port;                                 // "80", "443" or the URL's
  std::string target;                               // path and query; "/" at least
  std::string host_header;                          // the Host header: host[:port] as written
};

// True if `subscriber` has any byte below 0x20 or 0x7F (never valid in a URI; a line break
// would split a request or a mail header).
bool has_control_characters(std::string_view subscriber) noexcept;

// True if Warren POSTs to `subscriber`: its scheme is http or https (any case).
bool is_webhook_url(std::string_view subscriber) noexcept;

// The URL a trust+http(s) subscriber is called at (what follows "trust+", any case), or
// nullopt when `subscriber` is not trust+http:// or trust+https://.
std::optional<std::string_view> trust_webhook_url(std::string_view subscriber) noexcept;

// Parses an http(s) URL (trust+http(s) too: the URL after "trust+"). An Error of
// errors.def (400) says why it is refused.
Result<WebhookTarget> parse_webhook_url(std::string_view url);

}  // namespace warren::notify
