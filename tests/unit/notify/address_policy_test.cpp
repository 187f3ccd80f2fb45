// The webhook address policy: every refused range by a member of it and its neighbours just
// outside, IPv6 forms judged by the IPv4 address they carry, and public addresses allowed.
#include "notify/address_policy.h"

#include <gtest/gtest.h>

namespace warren::notify {
namespace {

std::optional<std::string_view> why(const char* text) {
  return refused_range(boost::asio::ip::make_address(text));
}

bool allowed(const char* text) {
  return !why(text).has_value();
}

TEST(AddressPolicy, RefusesTheSpecialIpv4Ranges) {
  EXPECT_EQ(why("127.0.0.1"), "loopback");
  EXPECT_EQ(why("127.255.255.254"), "loopback");
  EXPECT_EQ(why("0.0.0.0"), "unspecified");
  EXPECT_EQ(why("0.1.2.3"), "unspecified");
  EXPECT_EQ(why("10.0.0.1"), "private");
  EXPECT_EQ(why("172.16.0.1"), "private");
  EXPECT_EQ(why("172.31.255.255"), "private");
  EXPECT_EQ(why("192.168.1.1"), "private");
  EXPECT_EQ(why("169.254.169.254"), "link-local");  // cloud metadata services
  EXPECT_EQ(why("100.64.0.1"), "shared (CGNAT)");
  EXPECT_EQ(why("100.127.255.255"), "shared (CGNAT)");
  EXPECT_EQ(why("192.0.0.8"), "protocol assignment (IETF)");
  EXPECT_EQ(why("192.0.2.1"), "documentation");
  EXPECT_EQ(why("198.51.100.7"), "documentation");
  EXPECT_EQ(why("203.0.113.9"), "documentation");
  EXPECT_EQ(why("198.18.0.1"), "benchmarking");
  EXPECT_EQ(why("198.19.255.255"), "benchmarking");
  EXPECT_EQ(why("192.88.99.1"), "reserved");
  EXPECT_EQ(why("224.0.0.1"), "multicast");
  EXPECT_EQ(why("239.255.255.250"), "multicast");
  EXPECT_EQ(why("240.0.0.1"), "reserved");
  EXPECT_EQ(why("255.255.255.255"), "broadcast");
}

TEST(AddressPolicy, AllowsPublicIpv4IncludingTheRangesNeighbours) {
  EXPECT_TRUE(allowed("93.184.216.34"));
  EXPECT_TRUE(allowed("8.8.8.8"));
  EXPECT_TRUE(allowed("1.0.0.1"));
  EXPECT_TRUE(allowed("9.255.255.255"));   // below 10/8
  EXPECT_TRUE(allowed("11.0.0.0"));        // above 10/8
  EXPECT_TRUE(allowed("100.63.255.255"));  // below 100.64/10
  EXPECT_TRUE(allowed("100.128.0.0"));     // above it
  EXPECT_TRUE(allowed("172.15.255.255"));  // below 172.16/12
  EXPECT_TRUE(allowed("172.32.0.0"));      // above it
  EXPECT_TRUE(allowed("169.253.255.255"));
  EXPECT_TRUE(allowed("192.167.255.255"));
  EXPECT_TRUE(allowed("198.17.255.255"));
  EXPECT_TRUE(allowed("198.20.0.0"));
  EXPECT_TRUE(allowed("223.255.255.255"));  // below multicast
}

TEST(AddressPolicy, RefusesTheSpecialIpv6Ranges) {
  EXPECT_EQ(why("::1"), "loopback");
  EXPECT_EQ(why("::"), "unspecified");
  EXPECT_EQ(why("fe80::1"), "link-local");
  EXPECT_EQ(why("febf:ffff::1"), "link-local");
  EXPECT_EQ(why("fec0::1"), "site-local");
  EXPECT_EQ(why("fc00::1"), "unique local (private)");
  EXPECT_EQ(why("fd12:3456::1"), "unique local (private)");
  EXPECT_EQ(why("ff02::1"), "multicast");
  EXPECT_EQ(why("100::1"), "discard-only");
  EXPECT_EQ(why("64:ff9b:1::1"), "NAT64 local-use");
  EXPECT_EQ(why("2001:db8::1"), "documentation");
  EXPECT_EQ(why("3fff::1"), "documentation");
  EXPECT_EQ(why("2001::1"), "protocol assignment (IETF)");    // Teredo
  EXPECT_EQ(why("2001:2::1"), "protocol assignment (IETF)");  // benchmarking
  EXPECT_EQ(why("::7f00:1"), "reserved");                     // IPv4-compatible (deprecated)
  EXPECT_EQ(why("::ffff:0:7f00:1"), "reserved");              // IPv4-translated
  EXPECT_EQ(why("4000::1"), "reserved");                      // outside global unicast 2000::/3
  EXPECT_EQ(why("1fff::1"), "reserved");
}

TEST(AddressPolicy, Ipv6FormsCarryingIpv4AreJudgedByIt) {
  EXPECT_EQ(why("::ffff:127.0.0.1"), "loopback");  // IPv4-mapped
  EXPECT_EQ(why("::ffff:169.254.169.254"), "link-local");
  EXPECT_EQ(why("::ffff:10.1.2.3"), "private");
  EXPECT_TRUE(allowed("::ffff:93.184.216.34"));
  EXPECT_EQ(why("64:ff9b::7f00:1"), "loopback");  // NAT64 of 127.0.0.1
  EXPECT_EQ(why("64:ff9b::a9fe:a9fe"), "link-local");
  EXPECT_TRUE(allowed("64:ff9b::5db8:d822"));    // NAT64 of 93.184.216.34
  EXPECT_EQ(why("2002:7f00:1::1"), "loopback");  // 6to4 of 127.0.0.1
  EXPECT_EQ(why("2002:c0a8:101::1"), "private");
  EXPECT_TRUE(allowed("2002:5db8:d822::1"));
}

TEST(AddressPolicy, AllowsGlobalUnicastIpv6) {
  EXPECT_TRUE(allowed("2606:4700:4700::1111"));
  EXPECT_TRUE(allowed("2a00:1450:4001:80b::200e"));
  EXPECT_TRUE(allowed("2001:200::1"));  // just above 2001::/23
  EXPECT_TRUE(allowed("2001:db7:ffff::1"));
  EXPECT_TRUE(allowed("2001:db9::1"));
}

}  // namespace
}  // namespace warren::notify
