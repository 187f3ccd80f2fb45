// parse_target: Boost.URL for the syntax, getaddrinfo for the address.
#include "bench/target.h"

#include <cstring>
#include <netdb.h>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace warren::bench {

Outcome<Target> parse_target(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return Failure{"invalid URL: " + std::string(url)};
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() != "http") {
    return Failure{"only http:// URLs are supported: " + std::string(url)};
  }
  Target t;
  std::string host(u.encoded_host());
  if (u.host_type() == boost::urls::host_type::ipv6) host = std::string(u.encoded_host_address());
  std::string port = u.has_port() ? std::string(u.port()) : "80";
  t.host_header = std::string(u.encoded_host_and_port());
  std::string path(u.encoded_path());
  if (path.empty()) path.push_back('/');
  t.target = path;
  if (u.has_query()) {
    t.target.push_back('?');
    t.target.append(u.encoded_query());
  }
  t.base_path = path;
  while (!t.base_path.empty() && t.base_path.back() == '/') t.base_path.pop_back();

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    return Failure{"cannot resolve " + host + ": " + gai_strerror(rc)};
  }
  std::memcpy(&t.addr, res->ai_addr, res->ai_addrlen);
  t.addr_len = res->ai_addrlen;
  freeaddrinfo(res);
  return t;
}

Outcome<std::vector<Target>> parse_targets(std::string_view urls) {
  std::vector<Target> targets;
  while (true) {
    const auto next = urls.find(",http://");
    auto target = parse_target(urls.substr(0, next));
    if (!target) return target.error();
    targets.push_back(*target);
    if (next == std::string_view::npos) return targets;
    urls.remove_prefix(next + 1);
  }
}

}  // namespace warren::bench
