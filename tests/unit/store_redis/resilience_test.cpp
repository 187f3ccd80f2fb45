// The redis engine under trouble: a stalled Redis (DEBUG SLEEP) delays only the operations that
// need it while the loop keeps running; a Redis that does not answer in time or is down makes
// operations fail promptly with storage_unavailable; a dropped connection is re-established.
#include <chrono>
#include <functional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "fixture.h"

namespace warren::store::redis::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
namespace asio = boost::asio;

// Runs every task concurrently on `io` until all are done.
void run_together(asio::io_context& io, std::vector<std::function<asio::awaitable<void>()>> tasks) {
  std::size_t left = tasks.size();
  std::exception_ptr failure;
  for (auto& task : tasks) {
    asio::co_spawn(io, task(), [&](std::exception_ptr e) {
      if (e) failure = e;
      --left;
    });
  }
  io.restart();
  while (left > 0 && io.run_one() > 0) {
  }
  if (failure) std::rethrow_exception(failure);
}

asio::awaitable<Reply> command_on_queue_node(RedisStore& store, QueueRef queue,
                                             std::vector<std::string> args) {
  Client* client = co_await store.client();
  keys::QueueKeys qk(queue);
  Command cmd;
  for (auto& a : args) cmd.copy(a);
  cmd.route_by(qk.record());
  co_return co_await client->run(cmd);
}

// Two queues whose keys live on different masters when the server is a cluster.
std::pair<QueueRef, QueueRef> queues_on_two_nodes() {
  static const std::string names[] = {"q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7"};
  QueueRef a{"p", names[0]};
  for (const auto& name : names) {
    QueueRef b{"p", name};
    int sa = key_slot(keys::QueueKeys(a).record()) / 5461;
    int sb = key_slot(keys::QueueKeys(b).record()) / 5461;
    if (sa != sb) return {a, b};
  }
  return {a, a};
}

using Trouble = RedisTest;

TEST_P(Trouble, AStalledRedisDelaysOnlyTheOperationsThatNeedIt) {
  auto two = queues_on_two_nodes();
  QueueRef stalled = two.first;
  QueueRef other = two.second;
  // Warm up: connections open, scripts loaded.
  post(stalled, 1);
  post(other, 1);
  int ticks = 0;
  milliseconds stalled_took{0}, other_took{0};
  bool stalled_ok = false, other_ok = false;
  auto start = Clock::now();
  run_together(io_, {
      [&]() -> asio::awaitable<void> {
        std::vector<std::string> args{"DEBUG", "SLEEP", "2"};
        co_await command_on_queue_node(*store_, stalled, std::move(args));
      },
      [&]() -> asio::awaitable<void> {
        NewMessage m{R"({"x":1})", 60, 0};
        auto r = co_await store_->post_messages(stalled, "c", std::span(&m, 1), kT0);
        stalled_ok = r.has_value();
        stalled_took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      },
      [&]() -> asio::awaitable<void> {
        // Let the stall begin, then use the other node (the same node in standalone mode).
        asio::steady_timer t(io_, milliseconds(100));
        co_await t.async_wait(asio::use_awaitable);
        NewMessage m{R"({"x":2})", 60, 0};
        auto begun = Clock::now();
        auto r = co_await store_->post_messages(other, "c", std::span(&m, 1), kT0);
        other_ok = r.has_value();
        other_took = std::chrono::duration_cast<milliseconds>(Clock::now() - begun);
      },
      [&]() -> asio::awaitable<void> {
        asio::steady_timer t(io_);
        for (int i = 0; i < 200; ++i) {
          t.expires_after(milliseconds(10));
          co_await t.async_wait(asio::use_awaitable);
          ++ticks;
        }
      },
  });
  auto total = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  EXPECT_TRUE(stalled_ok);
  EXPECT_TRUE(other_ok);
  EXPECT_GE(stalled_took.count(), 1500) << "the post should have waited for the stalled node";
  // The loop kept running: 200 ticks of 10 ms took about 2 s, not 2 s + the stall.
  EXPECT_EQ(ticks, 200);
  EXPECT_LT(total.count(), 3500);
  if (GetParam() == "cluster") {
    EXPECT_LT(other_took.count(), 500) << "an operation on another node waited for the stall";
  }
}

class ShortTimeout : public RedisTest {
  RedisStoreOptions options() override {
    RedisStoreOptions o;
    o.command_timeout = milliseconds(300);
    return o;
  }
};

TEST_P(ShortTimeout, AnUnansweredOperationFailsAtItsDeadlineAndLaterOnesWork) {
  QueueRef q{"p", "q"};
  post(q, 1);
  std::optional<Errc> code;
  milliseconds took{0};
  run_together(io_, {
      [&]() -> asio::awaitable<void> {
        std::vector<std::string> args{"DEBUG", "SLEEP", "1"};
        co_await command_on_queue_node(*store_, q, std::move(args));
      },
      [&]() -> asio::awaitable<void> {
        auto begun = Clock::now();
        auto r = co_await store_->queue_stats(q, kT0);
        if (!r) code = r.error().code;
        took = std::chrono::duration_cast<milliseconds>(Clock::now() - begun);
      },
  });
  EXPECT_EQ(code, Errc::storage_unavailable);
  EXPECT_GE(took.count(), 250);
  EXPECT_LT(took.count(), 900);
  // After the stall, replies are matched to the right commands again (the late ones dropped).
  let_loop_run(milliseconds(900));
  auto stats = must(run(store_->queue_stats(q, kT0)));
  EXPECT_EQ(stats.counts.total, 1);
  EXPECT_EQ(post(q, 1).size(), 1u);
  EXPECT_EQ(must(run(store_->queue_stats(q, kT0))).counts.total, 2);
}

TEST_P(Trouble, ADroppedConnectionIsReEstablished) {
  QueueRef q{"p", "q"};
  post(q, 1);
  // Another store has its own connections: kill every other client from there.
  auto killer = fresh_store(io_, url_);
  run_sync(io_, [&]() -> asio::awaitable<int> {
    Client* client = co_await killer->client();
    Command kill;
    kill.arg("CLIENT").arg("KILL").arg("TYPE").arg("normal").arg("SKIPME").arg("yes");
    for (const Endpoint& node : co_await client->masters()) co_await client->run_on(node, kill);
    co_return 0;
  }());
  // Redis closed the killed sockets before it answered CLIENT KILL: let the loop see them go.
  let_loop_run(milliseconds(20));
  // A connection that had worked is replaced at once: no backoff, no failed operation.
  // (The killer's fresh store emptied the database: the queue is made again first.)
  auto recreated = run(store_->create_queue(q, "{}", kT0));
  EXPECT_TRUE(recreated.has_value()) << recreated.error().description;
  NewMessage m{"1", 60, 0};
  EXPECT_TRUE(run(store_->post_messages(q, "c", std::span(&m, 1), kT0)).has_value());
  EXPECT_TRUE(run(store_->ping()).has_value());
  EXPECT_EQ(post(q, 1).size(), 1u);
}

TEST(RedisDown, OperationsFailPromptlyWhenNothingListens) {
  // A port that nothing listens on: bind one, note it, close it.
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  int port = probe.local_endpoint().port();
  probe.close();
  RedisStoreOptions options;
  options.url = "redis://127.0.0.1:" + std::to_string(port);
  auto store = make_redis_store(options);
  ASSERT_TRUE(store);
  for (int i = 0; i < 3; ++i) {
    auto begun = Clock::now();
    auto r = run_sync(io, (*store)->ping());
    auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - begun);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::storage_unavailable);
    EXPECT_LT(took.count(), 1000);
    NewMessage m{"1", 60, 0};
    auto posted = run_sync(io, (*store)->post_messages({"p", "q"}, "c", std::span(&m, 1), 0));
    ASSERT_FALSE(posted);
    EXPECT_EQ(posted.error().code, Errc::storage_unavailable);
  }
}

INSTANTIATE_TEST_SUITE_P(Redis, Trouble, ::testing::Values("standalone", "cluster"), kind_name);
INSTANTIATE_TEST_SUITE_P(Redis, ShortTimeout, ::testing::Values("standalone", "cluster"),
                         kind_name);

}  // namespace
}  // namespace warren::store::redis::testing
