// Micro-benchmarks of the memory engine, through the storage contract as the server calls it
// (co_await inside one coroutine):
// - claim + release, and the post + claim + delete cycle, on an empty queue and one of 1,000
//   messages against a queue of 1,000,000 messages whose oldest half is claimed (issue 3: a
//   claim must cost the same; a store that scans past claimed messages is ~10^5 times slower
//   on the deep one);
// - post throughput, one message of 100 bytes per call and batches of 10, one thread and two
//   threads on different queues (sharding).
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "store/memory/memory_store.h"

namespace warren::store {
namespace {

using boost::asio::awaitable;

constexpr TimeMs kNow = 1'700'000'000'000;
const std::string kBody = "\"" + std::string(98, 'x') + "\"";  // 100 bytes
constexpr std::string_view kClient = "3b5d2a7e8c9f4e1d9a0b1c2d3e4f5a6b";

// Runs `body` as one coroutine on a fresh io_context until it finishes.
template <class F>
void in_coroutine(F body) {
  boost::asio::io_context io;
  boost::asio::co_spawn(io, std::move(body), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
}

awaitable<void> post(Store& store, QueueRef queue, int count) {
  std::vector<NewMessage> batch(1000, NewMessage{kBody, 1'209'600, 0});
  auto created = co_await store.create_queue(queue, "{}", kNow);
  if (!created) throw std::runtime_error("create failed");
  for (int done = 0; done < count; done += 1000) {
    const int n = std::min(1000, count - done);
    auto ids = co_await store.post_messages(queue, kClient,
                                            {batch.data(), static_cast<std::size_t>(n)}, kNow);
    if (!ids) throw std::runtime_error("post failed");
  }
}

// One store holding an "empty" queue (one message, so claims succeed), a queue of 1,000 free
// messages, and a deep queue of 1,000,000 messages whose oldest 500,000 are claimed (claims of
// 20 lasting a day). Built once.
struct Queues {
  std::unique_ptr<Store> store = make_memory_store();
  QueueRef empty{"bench", "empty"};
  QueueRef shallow{"bench", "shallow"};
  QueueRef deep{"bench", "deep"};

  Queues() {
    in_coroutine([this]() -> awaitable<void> {
      co_await post(*store, empty, 1);
      co_await post(*store, shallow, 1'000);
      co_await post(*store, deep, 1'000'000);
      ClaimParams params;
      params.limit = 20;
      params.ttl_s = 86'400;
      for (int i = 0; i < 500'000 / 20; ++i) {
        auto claim = co_await store->create_claim(deep, params, kNow);
        if (!claim || claim->messages.size() != 20) throw std::runtime_error("setup claim failed");
      }
      auto stats = co_await store->queue_stats(deep, kNow);
      if (stats->counts.claimed != 500'000 || stats->counts.free != 500'000) {
        throw std::runtime_error("setup: wrong counts");
      }
    });
  }
  static Queues& get() {
    static Queues queues;
    return queues;
  }
  // range(0) of a benchmark: 0 = empty, 1 = deep, 2 = shallow.
  QueueRef pick(std::int64_t which) const {
    return which == 0 ? empty : which == 1 ? deep : shallow;
  }
  static const char* label(std::int64_t which) {
    return which == 0   ? "1 message"
           : which == 1 ? "1M messages, oldest 500k claimed"
                        : "1,000 messages";
  }
};

// Claim one message, release the claim: the queue is left as it was.
void BM_ClaimRelease(benchmark::State& state) {
  Queues& q = Queues::get();
  const QueueRef queue = q.pick(state.range(0));
  ClaimParams params;
  params.limit = 1;
  in_coroutine([&]() -> awaitable<void> {
    for (auto _ : state) {
      auto claim = co_await q.store->create_claim(queue, params, kNow);
      if (!claim || claim->messages.size() != 1) throw std::runtime_error("nothing claimed");
      co_await q.store->release_claim(queue, claim->claim_id.view(), kNow);
    }
  });
  state.SetLabel(Queues::label(state.range(0)));
}
BENCHMARK(BM_ClaimRelease)->Arg(0)->Arg(2)->Arg(1);

// The consumer cycle: post one message, claim one, delete it with the claim.
void BM_PostClaimDelete(benchmark::State& state) {
  Queues& q = Queues::get();
  const QueueRef queue = q.pick(state.range(0));
  ClaimParams params;
  params.limit = 1;
  const NewMessage message{kBody, 3600, 0};
  in_coroutine([&]() -> awaitable<void> {
    for (auto _ : state) {
      co_await q.store->post_messages(queue, kClient, {&message, 1}, kNow);
      auto claim = co_await q.store->create_claim(queue, params, kNow);
      if (!claim || claim->messages.size() != 1) throw std::runtime_error("nothing claimed");
      co_await q.store->delete_message(queue, claim->messages[0].id.view(), claim->claim_id.view(),
                                       kNow);
    }
  });
  state.SetLabel(Queues::label(state.range(0)));
}
BENCHMARK(BM_PostClaimDelete)->Arg(0)->Arg(2)->Arg(1);

// Claim limit 1 alone on the deep queue, each claim taking the next free message (no release):
// the claimed run grows past 500,000 as it goes. Fixed iterations keep free messages available.
void BM_ClaimOnlyDeep(benchmark::State& state) {
  Queues& q = Queues::get();
  ClaimParams params;
  params.limit = 1;
  params.ttl_s = 60;
  in_coroutine([&]() -> awaitable<void> {
    for (auto _ : state) {
      auto claim = co_await q.store->create_claim(q.deep, params, kNow);
      benchmark::DoNotOptimize(claim);
    }
  });
}
BENCHMARK(BM_ClaimOnlyDeep)->Iterations(200'000);

// Post throughput: fresh queue per run; range(0) = messages per call.
void BM_Post(benchmark::State& state) {
  std::unique_ptr<Store> store = make_memory_store();
  const std::string name = "post-" + std::to_string(state.thread_index());
  const QueueRef queue{"bench", name};
  const std::vector<NewMessage> batch(static_cast<std::size_t>(state.range(0)),
                                      NewMessage{kBody, 3600, 0});
  in_coroutine([&]() -> awaitable<void> {
    co_await store->create_queue(queue, "{}", kNow);
    for (auto _ : state) {
      auto ids = co_await store->post_messages(queue, kClient, batch, kNow);
      benchmark::DoNotOptimize(ids);
    }
  });
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Post)->Arg(1)->Arg(10)->Iterations(300'000);

// Two threads posting to two queues of one shared store (different shards in general).
void BM_PostTwoThreads(benchmark::State& state) {
  static std::unique_ptr<Store> store;
  if (state.thread_index() == 0) store = make_memory_store();
  const std::string name = "post-" + std::to_string(state.thread_index());
  const QueueRef queue{"bench", name};
  const NewMessage message{kBody, 3600, 0};
  in_coroutine([&]() -> awaitable<void> {
    co_await store->create_queue(queue, "{}", kNow);
    for (auto _ : state) {
      auto ids = co_await store->post_messages(queue, kClient, {&message, 1}, kNow);
      benchmark::DoNotOptimize(ids);
    }
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PostTwoThreads)->Threads(2)->Iterations(300'000)->UseRealTime();

}  // namespace
}  // namespace warren::store

BENCHMARK_MAIN();
