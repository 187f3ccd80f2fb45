// The refused ranges of the webhook address policy (IANA's special-purpose address registries,
// RFC 6890 and its updates), as prefix tables.
#include "notify/address_policy.h"

#include <array>
#include <cstdint>

namespace warren::notify {
namespace {

struct V4Range {
  std::uint32_t network;
  int prefix;
  std::string_view name;
};

// Checked in order: the first match names the range.
constexpr std::array kRefusedV4{
    V4Range{0x00000000, 8, "unspecified"},                  // 0.0.0.0/8 "this network"
    V4Range{0x0A000000, 8, "private"},                      // 10.0.0.0/8
    V4Range{0x64400000, 10, "shared (CGNAT)"},              // 100.64.0.0/10
    V4Range{0x7F000000, 8, "loopback"},                     // 127.0.0.0/8
    V4Range{0xA9FE0000, 16, "link-local"},                  // 169.254.0.0/16 (cloud metadata)
    V4Range{0xAC100000, 12, "private"},                     // 172.16.0.0/12
    V4Range{0xC0000000, 24, "protocol assignment (IETF)"},  // 192.0.0.0/24
    V4Range{0xC0000200, 24, "documentation"},               // 192.0.2.0/24 TEST-NET-1
    V4Range{0xC0586300, 24, "reserved"},       // 192.88.99.0/24 6to4 relay (deprecated)
    V4Range{0xC0A80000, 16, "private"},        // 192.168.0.0/16
    V4Range{0xC6120000, 15, "benchmarking"},   // 198.18.0.0/15
    V4Range{0xC6336400, 24, "documentation"},  // 198.51.100.0/24 TEST-NET-2
    V4Range{0xCB007100, 24, "documentation"},  // 203.0.113.0/24 TEST-NET-3
    V4Range{0xE0000000, 4, "multicast"},       // 224.0.0.0/4
    V4Range{0xFFFFFFFF, 32, "broadcast"},      // 255.255.255.255
    V4Range{0xF0000000, 4, "reserved"},        // 240.0.0.0/4
};

std::optional<std::string_view> refused_v4(const boost::asio::ip::address_v4& address) {
  const std::uint32_t bits = address.to_uint();
  for (const V4Range& range : kRefusedV4) {
    const std::uint32_t mask = range.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - range.prefix);
    if ((bits & mask) == range.network) return range.name;
  }
  return std::nullopt;
}

using V6Bytes = boost::asio::ip::address_v6::bytes_type;

struct V6Range {
  V6Bytes network;
  int prefix;
  std::string_view name;
};

constexpr V6Bytes v6(std::uint16_t a, std::uint16_t b = 0, std::uint16_t c = 0,
                     std::uint16_t d = 0) {
  V6Bytes out{};
  const std::uint16_t groups[4] = {a, b, c, d};
  for (int i = 0; i < 4; ++i) {
    out[2 * i] = static_cast<unsigned char>(groups[i] >> 8);
    out[2 * i + 1] = static_cast<unsigned char>(groups[i] & 0xFF);
  }
  return out;
}

// Within the global unicast block 2000::/3 (everything outside it is refused as reserved).
constexpr std::array kRefusedV6{
    V6Range{v6(0x2001, 0x0db8), 32, "documentation"},       // 2001:db8::/32
    V6Range{v6(0x2001), 23, "protocol assignment (IETF)"},  // 2001::/23 (Teredo, ORCHID...)
    V6Range{v6(0x3fff), 20, "documentation"},               // 3fff::/20 (RFC 9637)
};

// Outside 2000::/3, named where the name helps.
constexpr std::array kNamedV6{
    V6Range{v6(0x0064, 0xff9b, 0x0001), 48, "NAT64 local-use"},  // 64:ff9b:1::/48
    V6Range{v6(0x0100), 64, "discard-only"},                     // 100::/64
    V6Range{v6(0xfc00), 7, "unique local (private)"},            // fc00::/7
    V6Range{v6(0xfe80), 10, "link-local"},                       // fe80::/10
    V6Range{v6(0xfec0), 10, "site-local"},                       // fec0::/10 (deprecated)
    V6Range{v6(0xff00), 8, "multicast"},                         // ff00::/8
};

bool in_prefix(const V6Bytes& bytes, const V6Bytes& network, int prefix) {
  for (int bit = 0; bit < prefix; bit += 8) {
    const int left = prefix - bit;
    const unsigned mask = left >= 8 ? 0xFFu : (0xFFu << (8 - left)) & 0xFFu;
    if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
  }
  return true;
}

boost::asio::ip::address_v4 v4_at(const V6Bytes& bytes, int offset) {
  return boost::asio::ip::address_v4(boost::asio::ip::address_v4::bytes_type{
      bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]});
}

std::optional<std::string_view> refused_v6(const boost::asio::ip::address_v6& address) {
  const V6Bytes bytes = address.to_bytes();
  // Forms that carry an IPv4 address are judged by it.
  if (address.is_v4_mapped()) return refused_v4(v4_at(bytes, 12));  // ::ffff:0:0/96
  if (in_prefix(bytes, v6(0x0064, 0xff9b), 96)) return refused_v4(v4_at(bytes, 12));  // NAT64
  if (in_prefix(bytes, v6(0x2002), 16)) return refused_v4(v4_at(bytes, 2));           // 6to4
  if (address.is_loopback()) return "loopback";
  if (address.is_unspecified()) return "unspecified";
  if (in_prefix(bytes, v6(0x2000), 3)) {
    for (const V6Range& range : kRefusedV6) {
      if (in_prefix(bytes, range.network, range.prefix)) return range.name;
    }
    return std::nullopt;
  }
  for (const V6Range& range : kNamedV6) {
    if (in_prefix(bytes, range.network, range.prefix)) return range.name;
  }
  return "reserved";  // IPv4-compatible ::/96, ::ffff:0:0:0/96 and unassigned space
}

}  // namespace

std::optional<std::string_view> refused_range(const boost::asio::ip::address& address) noexcept {
  if (address.is_v4()) return refused_v4(address.to_v4());
  return refused_v6(address.to_v6());
}

}  // namespace warren::notify
