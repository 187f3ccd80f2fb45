// Concurrency stress of the memory engine: threads hammer one queue with posts, claims,
// deletes under claim, releases, updates, pops, listings and reaps. Checked: no message is ever
// held by two live claims or popped while claimed, no message is delivered (deleted or popped)
// twice, and every long-lived message is delivered or still there at the end (none lost). A
// second pair of queues dead-letter into each other from every thread, so the two-shard lock of
// create_claim is exercised in both orders (a deadlock would hang the test).
//
// Time is fixed within an epoch and all threads meet at a barrier between epochs, where the
// clock jumps past every claim: ownership can then be checked without racing the clock.
#include <atomic>
#include <barrier>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include "run_sync.h"
#include "sanitized.h"
#include "store/memory/memory_store.h"

namespace warren::store {
namespace {

using testing::run_sync;

constexpr TimeMs kT0 = 1'700'000'000'000;
constexpr TimeMs kEpoch = 1'000'000;  // 1000 s: longer than any claim
constexpr int kThreads = 4;
constexpr int kEpochs = WARREN_SANITIZED ? 10 : 20;
constexpr int kOpsPerEpoch = WARREN_SANITIZED ? 500 : 1000;

// Shared bookkeeping of who holds what, checked as the threads go.
class Ledger {
 public:
  // A claim returned these messages: none may be held by another registered claim.
  void claimed(const std::string& claim, const std::vector<std::string>& ids) {
    std::lock_guard lock(mutex_);
    for (const std::string& id : ids) {
      auto [it, fresh] = owner_.emplace(id, claim);
      if (!fresh) violations_.push_back(id + " held by " + it->second + " and " + claim);
    }
  }
  // The holder is about to release or delete these: they are no longer its.
  void unclaimed(const std::vector<std::string>& ids) {
    std::lock_guard lock(mutex_);
    for (const std::string& id : ids) owner_.erase(id);
  }
  // A message left the queue through a delete or a pop: it must happen once.
  void delivered(const std::string& id, bool popped) {
    std::lock_guard lock(mutex_);
    if (popped && owner_.count(id)) violations_.push_back(id + " popped while claimed");
    if (!delivered_.insert(id).second) violations_.push_back(id + " delivered twice");
  }
  // Between epochs every claim has ended.
  void new_epoch() {
    std::lock_guard lock(mutex_);
    owner_.clear();
  }

  std::vector<std::string> violations_;
  std::unordered_set<std::string> delivered_;

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> owner_;
};

struct Posted {
  std::string id;
  bool long_lived;
};

class Worker {
 public:
  Worker(Store& store, Ledger& ledger, int index)
      : store_(store), ledger_(ledger), rng_(static_cast<unsigned>(index) * 7919u + 1) {}

  void step(TimeMs now) {
    switch (pick(0, 11)) {
      case 0:
      case 1:
      case 2:
        post(now);
        break;
      case 3:
      case 4:
      case 5:
        claim_and_work(now);
        break;
      case 6:
        pop(now);
        break;
      case 7:
        list(now);
        break;
      case 8:
        ping_pong(now);
        break;
      case 9:
        (void)run_sync(store_.queue_stats(kQueue, now));
        break;
      case 10:
        (void)run_sync(store_.reap(now, 16));
        break;
      default:
        post_ping_pong(now);
        break;
    }
  }

  std::vector<Posted> posted_;
  int ping_pong_posted_ = 0;

  static constexpr QueueRef kQueue{"p", "stress"};
  static constexpr QueueRef kPing{"p", "ping"};
  static constexpr QueueRef kPong{"p", "pong"};

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  void post(TimeMs now) {
    const bool long_lived = pick(0, 3) != 0;
    const int count = pick(1, 4);
    std::vector<NewMessage> batch(static_cast<std::size_t>(count),
                                  NewMessage{R"({"x":1})", long_lived ? 1'000'000 : 1500, 0});
    ASSERT_TRUE(run_sync(store_.create_queue(kQueue, "{}", now)));
    auto ids = run_sync(store_.post_messages(kQueue, "c", batch, now));
    ASSERT_TRUE(ids);
    for (const ShortId& id : *ids) posted_.push_back({std::string(id.view()), long_lived});
  }

  void claim_and_work(TimeMs now) {
    ClaimParams params;
    params.limit = pick(1, 8);
    params.ttl_s = 60;
    params.grace_s = 30;
    auto result = run_sync(store_.create_claim(kQueue, params, now));
    ASSERT_TRUE(result);
    if (result->claim_id.empty()) return;
    const std::string cid(result->claim_id.view());
    std::vector<std::string> ids;
    for (const Message& m : result->messages) ids.emplace_back(m.id.view());
    ledger_.claimed(cid, ids);
    switch (pick(0, 4)) {
      case 0:  // release
        ledger_.unclaimed(ids);
        ASSERT_TRUE(run_sync(store_.release_claim(kQueue, cid, now)));
        break;
      case 1: {  // bulk-delete what it holds
        ledger_.unclaimed(ids);
        std::vector<std::string_view> views(ids.begin(), ids.end());
        ASSERT_TRUE(run_sync(store_.delete_messages(kQueue, views, {}, now)));
        for (const std::string& id : ids) ledger_.delivered(id, false);
        break;
      }
      case 2:  // keep it until the epoch ends
        break;
      default: {  // extend, then delete each message with the claim
        ASSERT_TRUE(run_sync(store_.update_claim(kQueue, cid, 120, 60, now)));
        ledger_.unclaimed(ids);
        for (const std::string& id : ids) {
          auto deleted = run_sync(store_.delete_message(kQueue, id, cid, now));
          ASSERT_TRUE(deleted) << "delete under a live claim failed: "
                               << deleted.error().description;
          ledger_.delivered(id, false);
        }
      }
    }
  }

  void pop(TimeMs now) {
    auto popped = run_sync(store_.pop_messages(kQueue, pick(1, 3), now));
    ASSERT_TRUE(popped);
    for (const Message& m : *popped) ledger_.delivered(std::string(m.id.view()), true);
  }

  void list(TimeMs now) {
    MessageListOptions options;
    options.limit = 20;
    options.include_claimed = pick(0, 1);
    auto page = run_sync(store_.list_messages(kQueue, options, now));
    ASSERT_TRUE(page);
    for (std::size_t i = 1; i < page->messages.size(); ++i) {
      ASSERT_LT(page->messages[i - 1].id.view(), page->messages[i].id.view()) << "FIFO order";
    }
  }

  void post_ping_pong(TimeMs now) {
    NewMessage message{R"({"ball":1})", 1'000'000, 0};
    const QueueRef target = pick(0, 1) ? kPing : kPong;
    ASSERT_TRUE(run_sync(store_.create_queue(target, "{}", now)));
    ASSERT_TRUE(run_sync(store_.post_messages(target, "c", {&message, 1}, now)));
    ++ping_pong_posted_;
  }

  // Each claim moves what it selects to the other queue: locks taken in both orders.
  void ping_pong(TimeMs now) {
    const bool from_ping = pick(0, 1);
    ClaimParams params;
    params.limit = pick(1, 5);
    params.dead_letter.max_claims = 0;
    params.dead_letter.queue = from_ping ? "pong" : "ping";
    auto result = run_sync(store_.create_claim(from_ping ? kPing : kPong, params, now));
    ASSERT_TRUE(result);
    ASSERT_TRUE(result->messages.empty());
  }

  Store& store_;
  Ledger& ledger_;
  std::mt19937 rng_;
};

TEST(MemoryStress, ConcurrentConsumersNeverShareAMessageAndLoseNone) {
  MemoryStoreOptions options;
  options.shards = 8;
  std::unique_ptr<Store> store = make_memory_store(options);
  Ledger ledger;
  std::vector<Worker> workers;
  for (int i = 0; i < kThreads; ++i) workers.emplace_back(*store, ledger, i);

  std::atomic<TimeMs> now{kT0};
  std::barrier sync(kThreads, [&]() noexcept {
    now.store(now.load() + kEpoch);
    ledger.new_epoch();
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int epoch = 0; epoch < kEpochs; ++epoch) {
        const TimeMs at = now.load();
        for (int op = 0; op < kOpsPerEpoch; ++op) workers[static_cast<std::size_t>(t)].step(at);
        sync.arrive_and_wait();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& v : ledger.violations_) ADD_FAILURE() << v;

  // Conservation: every long-lived message was delivered once or is still there.
  const TimeMs end = now.load();
  MessageListOptions all;
  all.limit = 1 << 30;
  all.include_claimed = true;
  all.include_delayed = true;
  auto remaining = run_sync(store->list_messages(Worker::kQueue, all, end));
  ASSERT_TRUE(remaining);
  std::unordered_set<std::string> left;
  for (const Message& m : remaining->messages) left.emplace(m.id.view());
  std::size_t posted = 0;
  std::size_t long_lived = 0;
  for (const Worker& w : workers) {
    for (const Posted& p : w.posted_) {
      ++posted;
      const bool delivered = ledger.delivered_.count(p.id) > 0;
      const bool there = left.count(p.id) > 0;
      EXPECT_FALSE(delivered && there) << p.id << " delivered but still in the queue";
      if (p.long_lived) {
        ++long_lived;
        EXPECT_TRUE(delivered || there) << p.id << " lost";
      }
    }
  }
  EXPECT_EQ(ledger.delivered_.size() + left.size() <= posted, true);
  EXPECT_GT(ledger.delivered_.size(), long_lived / 4) << "the test should deliver a good share";

  // The ping-pong pair neither lost nor duplicated a message.
  int ping_pong_posted = 0;
  for (const Worker& w : workers) ping_pong_posted += w.ping_pong_posted_;
  std::int64_t ping = run_sync(store->queue_stats(Worker::kPing, end))->counts.total;
  std::int64_t pong = run_sync(store->queue_stats(Worker::kPong, end))->counts.total;
  EXPECT_EQ(ping + pong, ping_pong_posted);
}

}  // namespace
}  // namespace warren::store
