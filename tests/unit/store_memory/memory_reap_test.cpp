// What the memory engine's reap() promises beyond the contract: it removes exactly what expired,
// never more than its budget per call, finds expired messages without visiting idle queues, and
// frees deep deleted queues a budget at a time instead of inside delete_queue().
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "run_sync.h"
#include "store/memory/memory_store.h"

namespace warren::store {
namespace {

using testing::run_sync;

constexpr TimeMs kT0 = 1'700'000'000'000;

class MemoryReap : public ::testing::Test {
 protected:
  void post(QueueRef queue, int count, std::int64_t ttl_s, TimeMs at = kT0) {
    std::vector<NewMessage> batch(static_cast<std::size_t>(count), NewMessage{"1", ttl_s, 0});
    ASSERT_TRUE(run_sync(io_, store_->create_queue(queue, "{}", at)));
    ASSERT_TRUE(run_sync(io_, store_->post_messages(queue, "c", batch, at)));
  }
  ReapStats reap(TimeMs now, std::size_t budget) {
    auto stats = run_sync(io_, store_->reap(now, budget));
    EXPECT_TRUE(stats);
    return *stats;
  }

  boost::asio::io_context io_;
  std::unique_ptr<Store> store_ = make_memory_store();
};

TEST_F(MemoryReap, RemovesExactlyTheExpiredMessages) {
  for (int q = 0; q < 5; ++q) {
    const std::string name = std::to_string(q) + "q";
    post({"p", name}, 40, 60);
    post({"p", name}, 10, 600);
  }
  ReapStats early = reap(kT0 + 59'999, 1000);
  EXPECT_EQ(early.messages, 0);
  EXPECT_FALSE(early.more);
  ReapStats due = reap(kT0 + 60'000, 1000);
  EXPECT_EQ(due.messages, 200);
  EXPECT_FALSE(due.more);
  EXPECT_EQ(reap(kT0 + 60'000, 1000).messages, 0);
  EXPECT_EQ(run_sync(io_, store_->queue_stats({"p", "3q"}, kT0 + 60'000))->counts.total, 10);
}

TEST_F(MemoryReap, NeverExceedsItsBudgetAndReportsWhatIsLeft) {
  post({"p", "a"}, 500, 60);
  post({"p", "b"}, 500, 60);
  std::int64_t removed = 0;
  int calls = 0;
  for (bool more = true; more; ++calls) {
    ReapStats stats = reap(kT0 + 60'000, 64);
    EXPECT_LE(stats.messages, 64);
    removed += stats.messages;
    more = stats.more;
    ASSERT_LT(calls, 100);
  }
  EXPECT_EQ(removed, 1000);
  EXPECT_GE(calls, 1000 / 64);
}

TEST_F(MemoryReap, IdleQueuesCostNothing) {
  for (int q = 0; q < 2000; ++q) post({"p", std::to_string(q) + "-idle"}, 1, 3600);
  post({"p", "busy"}, 10, 60);
  // A budget of 10 suffices: the 2000 queues with nothing expired are never visited.
  ReapStats stats = reap(kT0 + 60'000, 12);
  EXPECT_EQ(stats.messages, 10);
  EXPECT_FALSE(stats.more);
}

TEST_F(MemoryReap, RemovesExpiredSubscriptions) {
  for (int i = 0; i < 3; ++i) {
    const std::string subscriber = fmt::format("http://s{}", i);
    ASSERT_TRUE(
        run_sync(io_, store_->create_subscription({"p", "q"}, {subscriber, 60, "{}"}, kT0)));
  }
  EXPECT_EQ(reap(kT0 + 59'999, 100).subscriptions, 0);
  EXPECT_EQ(reap(kT0 + 60'000, 100).subscriptions, 3);
}

TEST_F(MemoryReap, ADeepDeletedQueueIsFreedABudgetAtATime) {
  post({"p", "deep"}, 10'000, 3600);
  ASSERT_TRUE(run_sync(io_, store_->delete_queue({"p", "deep"})));
  EXPECT_EQ(*run_sync(io_, store_->count_queues("p")), 0);
  // The name is free at once, with a new incarnation.
  post({"p", "deep"}, 1, 3600);
  EXPECT_EQ(run_sync(io_, store_->queue_stats({"p", "deep"}, kT0))->counts.total, 1);
  int calls = 0;
  for (bool more = true; more; ++calls) {
    more = reap(kT0, 4096).more;
    ASSERT_LT(calls, 10);
  }
  EXPECT_GE(calls, 3);
  EXPECT_EQ(run_sync(io_, store_->queue_stats({"p", "deep"}, kT0))->counts.total, 1);
}

}  // namespace
}  // namespace warren::store
