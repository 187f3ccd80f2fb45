// Several Warren nodes over one Redis (or Redis Cluster), at the storage level: each "node" is
// its own RedisStore on its own thread and event loop. One node posts, the others claim and
// delete concurrently, sometimes abandoning a claim (a crashed consumer) so its messages come
// back when the claim ends. The history of every delivery is then checked: no message lost, none
// deleted twice, and no message ever held by two live claims at once.
//
// Each node passes its own clock reading as `now`, read before its request waits in the client's
// queue, so Redis may run a claim stamped 300 after another node's call stamped 301 freed the
// message: the test cannot know when in [sent, answered] Redis ran a claim. Two deliveries are
// therefore an overlap only when it is certain: each was answered before the other's claim ended.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "fixture.h"

namespace warren::store::redis::testing {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

TimeMs wall_now() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Delivery {
  TimeMs sent;      // the claiming node's clock when it asked (the claim's `now`)
  TimeMs answered;  // its clock when the claim came back: Redis ran it in [sent, answered]
  TimeMs until;     // when that claim ends
};

struct History {
  std::mutex mutex;
  std::set<std::string> posted;
  std::map<std::string, std::vector<Delivery>> deliveries;
  std::multiset<std::string> deleted;
  std::vector<std::string> errors;
  std::atomic<bool> producing{true};
  std::atomic<std::size_t> deleted_count{0};
};

// One node: a store on its own loop and thread, running `work` until it returns.
class Node {
 public:
  explicit Node(const std::string& url) {
    RedisStoreOptions options;
    options.url = url;
    auto made = make_redis_store(options);
    if (!made) throw std::runtime_error(made.error().description);
    store_.reset(static_cast<RedisStore*>(made->release()));
  }
  ~Node() {
    if (thread_.joinable()) thread_.join();
    store_.reset();  // after the loop stopped
  }
  void start(std::function<asio::awaitable<void>(RedisStore&, asio::io_context&)> work) {
    thread_ = std::thread([this, work = std::move(work)] {
      asio::co_spawn(io_, work(*store_, io_), [this](std::exception_ptr) { io_.stop(); });
      io_.run();
    });
  }
  void join() { thread_.join(); }

 private:
  asio::io_context io_;
  std::unique_ptr<RedisStore> store_;
  std::thread thread_;
};

asio::awaitable<void> produce(RedisStore& store, QueueRef q, int batches, History& h) {
  for (int b = 0; b < batches; ++b) {
    std::vector<std::string> bodies;
    std::vector<NewMessage> messages;
    for (int i = 0; i < 20; ++i) bodies.push_back(fmt::format(R"({{"b":{},"i":{}}})", b, i));
    for (const auto& body : bodies) messages.push_back(NewMessage{body, 600, 0});
    auto created = co_await store.create_queue(q, "{}", wall_now());
    (void)created;  // a racing node may have made it; the post says whether all is well
    auto ids = co_await store.post_messages(q, "producer", messages, wall_now());
    std::lock_guard lock(h.mutex);
    if (!ids) {
      h.errors.push_back("post: " + ids.error().description);
      continue;
    }
    for (const auto& id : *ids) h.posted.emplace(id.view());
  }
  h.producing = false;
}

asio::awaitable<void> consume(RedisStore& store, QueueRef q, unsigned seed, History& h,
                              std::size_t expected, TimeMs deadline) {
  std::minstd_rand rng(seed);
  asio::steady_timer idle(co_await asio::this_coro::executor);
  while (wall_now() < deadline && h.deleted_count.load() < expected) {
    ClaimParams params;
    params.limit = 10;
    params.ttl_s = 1;  // short: abandoned messages come back within about a second
    params.grace_s = 60;
    TimeMs at = wall_now();
    auto claim = co_await store.create_claim(q, params, at);
    if (!claim) {
      std::lock_guard lock(h.mutex);
      h.errors.push_back("claim: " + claim.error().description);
      continue;
    }
    if (claim->messages.empty()) {
      idle.expires_after(milliseconds(20));
      co_await idle.async_wait(asio::use_awaitable);
      continue;
    }
    const TimeMs answered = wall_now();
    {
      std::lock_guard lock(h.mutex);
      for (const auto& m : claim->messages) {
        h.deliveries[std::string(m.id.view())].push_back(Delivery{at, answered, m.claim_expires});
      }
    }
    bool abandon = rng() % 10 == 0;  // a consumer that dies holding its claim
    if (abandon) continue;
    for (const auto& m : claim->messages) {
      auto done = co_await store.delete_message(q, m.id.view(), claim->claim_id.view(), wall_now());
      std::lock_guard lock(h.mutex);
      if (done) {
        h.deleted.emplace(m.id.view());
        ++h.deleted_count;
      } else if (done.error().code != Errc::message_not_claimed &&
                 done.error().code != Errc::message_claimed) {
        h.errors.push_back("delete: " + done.error().description);
      }
      // message_claimed / not_claimed: our claim ended (1 s) and another took the message; it
      // is that claim's to delete.
    }
  }
}

using MultiNode = RedisTest;

TEST_P(MultiNode, NoMessageIsLostOrHeldByTwoLiveClaims) {
  const QueueRef q{"multi", "work"};
  const int batches = 50;  // 1,000 messages
  const std::size_t expected = batches * 20;
  const TimeMs deadline = wall_now() + 60'000;
  History h;
  {
    Node producer(url_), consumer_a(url_), consumer_b(url_);
    producer.start([&](RedisStore& s, asio::io_context&) { return produce(s, q, batches, h); });
    for (auto* node : {&consumer_a, &consumer_b}) {
      unsigned seed = node == &consumer_a ? 1 : 2;
      node->start([&, seed](RedisStore& s, asio::io_context& io) -> asio::awaitable<void> {
        // Four concurrent consumers on this node's loop.
        std::atomic<int> left{4};
        asio::steady_timer all_done(io, asio::steady_timer::time_point::max());
        for (unsigned c = 0; c < 4; ++c) {
          asio::co_spawn(io, consume(s, q, seed * 10 + c, h, expected, deadline),
                         [&](std::exception_ptr) {
                           if (--left == 0) all_done.cancel();
                         });
        }
        boost::system::error_code ec;
        co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      });
    }
  }
  ASSERT_TRUE(h.errors.empty()) << h.errors.front();
  EXPECT_EQ(h.posted.size(), expected);
  // Every message deleted exactly once.
  EXPECT_EQ(h.deleted.size(), expected);
  EXPECT_EQ(std::set<std::string>(h.deleted.begin(), h.deleted.end()), h.posted);
  // No two live claims on one message: of any two deliveries, one was answered only once the
  // other's claim had ended (both answered before the other ended = both live at once).
  std::size_t redelivered = 0;
  for (auto& [id, list] : h.deliveries) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = i + 1; j < list.size(); ++j) {
        const Delivery& a = list[i];
        const Delivery& b = list[j];
        EXPECT_TRUE(b.answered >= a.until || a.answered >= b.until)
            << id << " was held by two live claims: [" << a.sent << ".." << a.answered << ", until "
            << a.until << "] and [" << b.sent << ".." << b.answered << ", until " << b.until << "]";
      }
    }
    redelivered += list.size() - 1;
  }
  EXPECT_GT(redelivered, 0u) << "no claim was abandoned: the test did not exercise redelivery";
  RecordProperty("redelivered", static_cast<int>(redelivered));
}

INSTANTIATE_TEST_SUITE_P(Redis, MultiNode, ::testing::Values("standalone", "cluster"), kind_name);

}  // namespace
}  // namespace warren::store::redis::testing
