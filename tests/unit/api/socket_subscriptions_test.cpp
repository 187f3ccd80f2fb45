// SocketSubscriptions: one per queue, found by queue and by id, bounded, expired ones swept.
#include "api/socket_subscriptions.h"

#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace warren::api {
namespace {

TEST(SocketSubscriptions, FindsByQueueAndById) {
  SocketSubscriptions table(10);
  SocketSubscription* a = table.add("p", "a");
  ASSERT_NE(a, nullptr);
  SocketSubscription* b = table.add("p", "b");
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->id(), b->id());
  EXPECT_EQ(table.find("p", "a"), a);
  EXPECT_EQ(table.find("q", "a"), nullptr);  // another project's queue of the same name
  EXPECT_EQ(table.find_by_id(std::string(b->id())), b);
  EXPECT_EQ(table.find_by_id(std::string(32, '0')), nullptr);
  const std::string gone(a->id());
  table.erase(*a);
  EXPECT_EQ(table.find("p", "a"), nullptr);
  EXPECT_EQ(table.find_by_id(gone), nullptr);
  EXPECT_EQ(table.size(), 1u);
}

TEST(SocketSubscriptions, HoldsAtMostItsLimit) {
  SocketSubscriptions table(3);
  for (const char* q : {"a", "b", "c"}) ASSERT_NE(table.add("p", q), nullptr);
  EXPECT_EQ(table.add("p", "d"), nullptr);
  EXPECT_EQ(table.size(), 3u);
}

TEST(SocketSubscriptions, SweepsOnlyTheExpired) {
  SocketSubscriptions table(5);
  table.add("p", "old")->expires = 100;
  table.add("p", "live")->expires = 300;
  std::set<std::string> swept;
  table.erase_expired(200, [&](const SocketSubscription& s) { swept.insert(s.queue); });
  EXPECT_EQ(swept, std::set<std::string>{"old"});
  EXPECT_EQ(table.size(), 1u);
  ASSERT_NE(table.find("p", "live"), nullptr);
  EXPECT_EQ(table.find_by_id(std::string(table.find("p", "live")->id())), table.find("p", "live"));
}

TEST(SocketSubscriptions, ManySubscriptionsKeepStableEntries) {
  SocketSubscriptions table(20000);
  std::vector<std::pair<std::string, SocketSubscription*>> made;
  for (int i = 0; i < 20000; ++i) {
    SocketSubscription* s = table.add("p", fmt::format("q{}", i));
    made.emplace_back(std::string(s->id()), s);
  }
  for (const auto& [id, s] : made) ASSERT_EQ(table.find_by_id(id), s);  // rehashing moved none
}

}  // namespace
}  // namespace warren::api
