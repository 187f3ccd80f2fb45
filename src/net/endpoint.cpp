// Listen-address parsing.
#include "net/endpoint.h"

#include <charconv>

namespace warren::net {

Result<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text) {
  std::string_view host = "127.0.0.1";
  std::string_view port_text = text;
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
  }
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return make_error(Errc::bad_option, "listen address", text, "the port must be 0..65535");
  }
  boost::system::error_code addr_ec;
  const auto address = boost::asio::ip::make_address(std::string(host), addr_ec);
  if (addr_ec) {
    return make_error(Errc::bad_option, "listen address", text, "not a numeric IP address");
  }
  return boost::asio::ip::tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace warren::net
