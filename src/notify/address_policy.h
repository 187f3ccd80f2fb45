// The webhook address policy: which IP addresses a webhook may reach. By default Warren refuses
// every address that is not globally reachable unicast (loopback, link-local, private, shared
// CGNAT space, unspecified, multicast, broadcast, documentation, benchmarking and reserved
// ranges), so a subscriber cannot make the server call its own host, its private network or a
// cloud metadata service (SSRF). IPv6 forms that carry an IPv4 address (IPv4-mapped
// ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the address they carry.
// docs/websocket.md ("Address policy") lists every range.
#pragma once

#include <optional>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace warren::notify {

// Why webhooks may not reach `address` (a short name of its range, such as "loopback" or
// "private"), or nullopt if it is a globally reachable unicast address they may reach.
std::optional<std::string_view> refused_range(const boost::asio::ip::address& address) noexcept;

}  // namespace warren::notify
