// warren_store_redis_bench: storage-level throughput of the redis engine beside the memory
// engine, one event loop, C concurrent coroutines: post (1 message per call), get (one message
// by id) and the claim cycle (claim 1, delete it with its claim). Not a test: run by hand.
// Usage: warren_store_redis_bench REDIS_URL [seconds per workload] [concurrency]
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "store/memory/memory_store.h"
#include "support.h"

namespace {

namespace asio = boost::asio;
using namespace warren::store;
using Clock = std::chrono::steady_clock;

TimeMs wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs `op` from `concurrency` coroutines for `seconds`; returns completed operations per second.
double measure(asio::io_context& io, int concurrency, double seconds,
               std::function<asio::awaitable<bool>(int worker)> op) {
  long done = 0;
  long failed = 0;
  int left = concurrency;
  auto start = Clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  for (int w = 0; w < concurrency; ++w) {
    asio::co_spawn(
        io,
        [&, w]() -> asio::awaitable<void> {
          while (Clock::now() < end) {
            if (co_await op(w)) {
              ++done;
            } else {
              ++failed;
            }
          }
        },
        [&](std::exception_ptr) { --left; });
  }
  io.restart();
  while (left > 0 && io.run_one() > 0) {
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) std::fprintf(stderr, "  (%ld operations failed)\n", failed);
  return static_cast<double>(done) / elapsed;
}

struct Figures {
  double post = 0, get = 0, cycle = 0;
};

Figures run_engine(asio::io_context& io, Store& store, int concurrency, double seconds) {
  Figures f;
  const QueueRef q{"bench", "q"};
  const std::string body = R"({"event":"bench","payload":")" + std::string(380, 'x') + R"("})";
  (void)warren::store::redis::testing::run_sync(io, store.create_queue(q, "{}", wall_now()));
  f.post = measure(io, concurrency, seconds, [&](int) -> asio::awaitable<bool> {
    NewMessage m{body, 3600, 0};
    auto r = co_await store.post_messages(q, "bench-client", std::span(&m, 1), wall_now());
    co_return r.has_value();
  });
  // One message per worker to read back.
  std::vector<std::string> ids(static_cast<std::size_t>(concurrency));
  const QueueRef gq{"bench", "get"};
  for (int w = 0; w < concurrency; ++w) {
    NewMessage m{body, 3600, 0};
    (void)warren::store::redis::testing::run_sync(io, store.create_queue(gq, "{}", wall_now()));
    auto r = warren::store::redis::testing::run_sync(
        io, store.post_messages(gq, "bench-client", std::span(&m, 1), wall_now()));
    ids[static_cast<std::size_t>(w)] = std::string(r->at(0).view());
  }
  f.get = measure(io, concurrency, seconds, [&](int w) -> asio::awaitable<bool> {
    std::string_view id = ids[static_cast<std::size_t>(w)];
    auto r = co_await store.get_messages(gq, std::span(&id, 1), wall_now());
    co_return r.has_value() && r->size() == 1;
  });
  // The claim cycle drains what the post phase left.
  f.cycle = measure(io, concurrency, seconds, [&](int) -> asio::awaitable<bool> {
    ClaimParams p;
    p.limit = 1;
    auto c = co_await store.create_claim(q, p, wall_now());
    if (!c || c->messages.empty()) co_return false;
    auto d = co_await store.delete_message(q, c->messages[0].id.view(), c->claim_id.view(),
                                           wall_now());
    co_return d.has_value();
  });
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s REDIS_URL [seconds] [concurrency]\n", argv[0]);
    return 2;
  }
  double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
  int concurrency = argc > 3 ? std::stoi(argv[3]) : 64;
  asio::io_context io;
  auto memory = make_memory_store();
  Figures mem = run_engine(io, *memory, concurrency, seconds);
  auto redis = warren::store::redis::testing::fresh_store(io, argv[1]);
  Figures red = run_engine(io, *redis, concurrency, seconds);
  std::printf("%-12s %14s %14s %8s\n", "workload", "memory op/s", "redis op/s", "ratio");
  auto row = [](const char* name, double m, double r) {
    std::printf("%-12s %14.0f %14.0f %7.1f%%\n", name, m, r, 100.0 * r / m);
  };
  row("post", mem.post, red.post);
  row("get", mem.get, red.get);
  row("claim+del", mem.cycle, red.cycle);
  return 0;
}
