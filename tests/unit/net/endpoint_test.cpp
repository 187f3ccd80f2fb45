// Listen-address parsing.
#include "net/endpoint.h"

#include <gtest/gtest.h>

namespace warren::net {
namespace {

TEST(Endpoint, ParsesHostPortForms) {
  auto v4 = parse_endpoint("127.0.0.1:8888");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address().to_string(), "127.0.0.1");
  EXPECT_EQ(v4->port(), 8888);
  auto v6 = parse_endpoint("[::1]:9000");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->address().is_v6());
  EXPECT_EQ(v6->port(), 9000);
  auto bare = parse_endpoint("0");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->address().to_string(), "127.0.0.1");
  EXPECT_EQ(bare->port(), 0);
  auto local = parse_endpoint("localhost:1");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->address().to_string(), "127.0.0.1");
}

TEST(Endpoint, RejectsBadInput) {
  for (const char* bad : {"127.0.0.1:99999", "127.0.0.1:x", "example.com:80", "1.2.3:4", ":"}) {
    EXPECT_FALSE(parse_endpoint(bad)) << bad;
  }
}

}  // namespace
}  // namespace warren::net
