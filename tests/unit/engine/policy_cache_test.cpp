// PolicyCache: policies of metadata texts, and the bounds that keep tenants from growing it.
#include "engine/policy_cache.h"

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace warren::engine {
namespace {

TEST(PolicyCache, ReadsThePolicyOfEachText) {
  PolicyCache cache;
  EXPECT_EQ(cache.policy(R"({"_default_message_ttl":120})").default_ttl, 120);
  EXPECT_EQ(cache.policy(R"({"_default_message_ttl":300})").default_ttl, 300);
  EXPECT_EQ(cache.policy(R"({"_default_message_ttl":120})").default_ttl, 120);  // a hit
  EXPECT_EQ(cache.policy("{}").default_ttl, 0);
  EXPECT_EQ(cache.policy("not json").default_ttl, 0);
  EXPECT_EQ(cache.entries(), 3u);
}

TEST(PolicyCache, LongTextsArePolicedButNeverKept) {
  PolicyCache cache(PolicyCache::Bounds{64, 1024, 4096});
  const std::string padded =
      fmt::format(R"({{"_default_message_ttl":90,"pad":"{}"}})", std::string(200, 'x'));
  EXPECT_EQ(cache.policy(padded).default_ttl, 90);
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(PolicyCache, ManyDistinctTextsStayWithinTheBounds) {
  const PolicyCache::Bounds bounds{1024, 100, 16 * 1024};
  PolicyCache cache(bounds);
  for (int i = 0; i < 10000; ++i) {
    const std::string text =
        fmt::format(R"({{"_default_message_ttl":{},"pad":"{}"}})", 60 + i, std::string(500, 'y'));
    EXPECT_EQ(cache.policy(text).default_ttl, 60 + i);
    ASSERT_LE(cache.entries(), bounds.max_entries);
    ASSERT_LE(cache.bytes(), bounds.max_bytes);
  }
}

}  // namespace
}  // namespace warren::engine
