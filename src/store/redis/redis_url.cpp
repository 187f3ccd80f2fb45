// The --redis URL: redis://HOST:PORT[,HOST:PORT...] (see redis_url.h).
#include "store/redis/redis_url.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <string>

namespace warren::store::redis {

namespace {

Result<std::string> resolve(const std::string& host) {
  in6_addr v6{};
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return host;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return make_error(Errc::storage_unavailable, "Cannot resolve the Redis host '" + host + "'.");
  }
  char text[INET6_ADDRSTRLEN] = {};
  const void* addr = found->ai_family == AF_INET6
                         ? static_cast<const void*>(
                               &reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr)
                         : static_cast<const void*>(
                               &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr);
  inet_ntop(found->ai_family, addr, text, sizeof text);
  freeaddrinfo(found);
  return std::string(text);
}

}  // namespace

Result<std::vector<Endpoint>> parse_redis_url(std::string_view url) {
  std::string_view rest = url;
  if (rest.starts_with("redis://")) rest.remove_prefix(8);
  while (rest.ends_with('/')) rest.remove_suffix(1);
  std::vector<Endpoint> out;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.starts_with("redis://")) item.remove_prefix(8);
    auto endpoint = parse_host_port(item);
    if (!endpoint) {
      return make_error(Errc::storage_unavailable,
                        "Bad Redis address '" + std::string(item) + "' (want HOST:PORT).");
    }
    auto host = resolve(endpoint->host);
    if (!host) return host.error();
    endpoint->host = *host;
    out.push_back(std::move(*endpoint));
  }
  if (out.empty()) {
    return make_error(Errc::storage_unavailable,
                      "No Redis address given (want redis://HOST:PORT[,HOST:PORT...]).");
  }
  return out;
}

}  // namespace warren::store::redis
