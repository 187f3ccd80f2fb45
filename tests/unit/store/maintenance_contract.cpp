// Contract: health and maintenance — ping, and reap(): bounded, repeatable, and never needed
// for correct reads (every other test reads without reaping).
#include "store_contract.h"

namespace warren::store::testing {
namespace {

using ::testing::IsEmpty;

TEST_P(StoreContract, PingSucceeds) {
  must(run(store_->ping()));
}

TEST_P(StoreContract, ReapingWithASmallBudgetEventuallyFinishes) {
  post(queue(), 50, Post().ttl(60));
  std::vector<std::string> kept = post(queue(), 5, Post().ttl(600), 50);
  claim(queue(), 3, 600, 60, kT0 + sec(70));  // still held at `later`
  must(run(store_->create_subscription(queue(), {"http://a.example", 60, "{}"}, kT0)));
  const TimeMs later = kT0 + sec(200);
  int calls = 0;
  for (;; ++calls) {
    ASSERT_LT(calls, 1000) << "reap(budget 4) never reported completion";
    ReapStats stats = must(run(store_->reap(later, 4)));
    if (!stats.more) break;
  }
  // Whatever the engine removed, reads are as before.
  EXPECT_EQ(list_ids(queue(), List().claimed(), later), kept);
  EXPECT_EQ(stats(queue(), later).counts.total, 5);
  EXPECT_EQ(stats(queue(), later).counts.claimed, 3);
  EXPECT_THAT(must(run(store_->list_subscriptions(queue(), "", 10, later))).subscriptions,
              IsEmpty());
}

TEST_P(StoreContract, ReapingAnEmptyStoreDoesNothing) {
  ReapStats stats = must(run(store_->reap(kT0, 100)));
  EXPECT_EQ(stats.messages, 0);
  EXPECT_EQ(stats.claims, 0);
  EXPECT_EQ(stats.subscriptions, 0);
  EXPECT_FALSE(stats.more);
}

}  // namespace
}  // namespace warren::store::testing
