// Webhook URL parsing and its refusals (Boost.URL).
#include "notify/webhook_url.h"

#include <algorithm>
#include <cctype>

#include <boost/url/parse.hpp>

namespace warren::notify {
namespace {

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

// A DNS name as resolvers take it: letters, digits, '-', '_' and '.', at most 253 bytes.
bool plain_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

Error invalid(std::string_view why) {
  return make_error(Errc::subscriber_url_invalid, why);
}

}  // namespace

bool has_control_characters(std::string_view subscriber) noexcept {
  return std::any_of(subscriber.begin(), subscriber.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

bool is_webhook_url(std::string_view subscriber) noexcept {
  return iequals_prefix(subscriber, "http://") || iequals_prefix(subscriber, "https://");
}

std::optional<std::string_view> trust_webhook_url(std::string_view subscriber) noexcept {
  if (!iequals_prefix(subscriber, "trust+")) return std::nullopt;
  subscriber.remove_prefix(6);
  if (!is_webhook_url(subscriber)) return std::nullopt;
  return subscriber;
}

Result<WebhookTarget> parse_webhook_url(std::string_view url) {
  if (has_control_characters(url)) return make_error(Errc::subscriber_control_characters);
  if (iequals_prefix(url, "trust+")) url.remove_prefix(6);
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return invalid("it does not parse as a URI");
  WebhookTarget out;
  if (iequals_prefix(url, "https:")) {
    out.tls = true;
  } else if (!iequals_prefix(url, "http:")) {
    return invalid("its scheme is not http or https");
  }
  if (parsed->has_userinfo()) return make_error(Errc::subscriber_userinfo);
  switch (parsed->host_type()) {
    case boost::urls::host_type::ipv4:
      out.literal = boost::asio::ip::address_v4(parsed->host_ipv4_address().to_uint());
      out.host = out.literal->to_string();
      out.host_header = std::string(parsed->encoded_host());
      break;
    case boost::urls::host_type::ipv6: {
      boost::asio::ip::address_v6::bytes_type bytes{};
      const auto from = parsed->host_ipv6_address().to_bytes();
      std::copy(from.begin(), from.end(), bytes.begin());
      out.literal = boost::asio::ip::address_v6(bytes);
      out.host = out.literal->to_string();
      out.host_header.append("[").append(out.host).append("]");
      break;
    }
    case boost::urls::host_type::name:
      out.host = parsed->host_name();
      if (!plain_dns_name(out.host)) return invalid("its host is not a plain DNS name");
      out.host_header = out.host;
      break;
    default:
      return invalid("it has no host (or an unsupported IP literal)");
  }
  out.port = out.tls ? "443" : "80";
  if (parsed->has_port() && !parsed->port().empty()) {
    const std::string_view port = parsed->port();
    std::uint32_t value = 0;
    for (const char c : port) {
      value = value * 10 + static_cast<std::uint32_t>(c - '0');  // the grammar allows digits only
      if (value > 65535) break;
    }
    if (value == 0 || value > 65535) return invalid("its port is not within 1-65535");
    out.port = std::to_string(value);
    out.host_header.append(":").append(out.port);
  }
  const std::string_view path = parsed->encoded_path();
  // Boost.URL 1.81 reads "http://1.2.3.4.example/" as host 1.2.3.4 and path ".example/";
  // RFC 3986 wants a path after an authority to be empty or to start with '/'.
  if (!path.empty() && path.front() != '/') return invalid("it does not parse as a URI");
  out.target = path.empty() ? std::string("/") : std::string(path);
  if (parsed->has_query()) out.target.append("?").append(parsed->encoded_query());
  return out;
}

}  // namespace warren::notify
