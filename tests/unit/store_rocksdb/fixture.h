// The fixture of the rocksdb engine's own tests: a database in a temporary directory that a test
// can close and reopen (a restart), an injected start-up clock, a fault-injecting file system,
// and helpers to run operations to completion or start them and watch them complete.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "faulty_fs.h"
#include "result_checks.h"
#include "run_sync.h"
#include "store/rocksdb/rocksdb_store.h"
#include "temp_dir.h"

namespace warren::store::testing {

class RocksTest : public ::testing::Test {
 protected:
  static constexpr TimeMs kT0 = 1'700'000'000'000;
  static constexpr std::string_view kProject = "project-a";
  static constexpr std::string_view kClientA = "3b5d2a7e8c9f4e1d9a0b1c2d3e4f5a6b";
  static constexpr std::string_view kClientB = "c0ffee00c0ffee00c0ffee00c0ffee00";
  static constexpr TimeMs sec(std::int64_t s) { return s * 1000; }

  RocksTest() : fs_(std::make_shared<FaultyFs>()), env_(FaultyFs::env_of(fs_)) {}
  ~RocksTest() override { store_.reset(); }

  RocksStoreOptions options() {
    RocksStoreOptions o;
    o.path = dir_.sub("db");
    o.fsync = fsync_;
    o.fsync_interval = fsync_interval_;
    o.clock = [this] { return load_time_; };
    o.env = env_;
    o.progress_every = progress_every_;
    return o;
  }
  // Opens the store (closing the current one first: a clean restart).
  void open() {
    store_.reset();
    auto made = make_rocksdb_store(options());
    ASSERT_TRUE(made) << made.error().description;
    store_ = std::move(*made);
  }
  void reopen(TimeMs load_time = kT0) {
    load_time_ = load_time;
    open();
  }

  template <class T>
  Result<T> run(Async<T> operation) {
    return run_sync(io_, std::move(operation));
  }

  // An operation started on io_ whose completion the test watches.
  template <class T>
  struct Started {
    bool done = false;
    std::optional<Result<T>> result;
  };
  template <class T>
  std::shared_ptr<Started<T>> start(Async<T> operation) {
    auto state = std::make_shared<Started<T>>();
    boost::asio::co_spawn(io_, std::move(operation), [state](std::exception_ptr, Result<T> result) {
      state->result.emplace(std::move(result));
      state->done = true;
    });
    return state;
  }
  // Runs io_ for `ms` (handlers only; it never waits on disk itself).
  void poll_for(int ms) {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(ms));
  }
  // Runs io_ until `done()` or `seconds` pass.
  void run_until(const std::function<bool()>& done, int seconds = 10) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!done() && std::chrono::steady_clock::now() < deadline) poll_for(5);
  }

  QueueRef queue(std::string_view name = "fifo") const { return {kProject, name}; }

  // Posts bodies {"n":first}... and returns their ids.
  std::vector<std::string> post(QueueRef q, int count, int first = 0, TimeMs now = kT0,
                                std::int64_t ttl_s = 3600, std::int64_t delay_s = 0,
                                std::string_view client = kClientA) {
    std::vector<std::string> bodies;
    for (int i = 0; i < count; ++i) bodies.push_back(fmt::format(R"({{"n":{}}})", first + i));
    std::vector<NewMessage> messages;
    for (const std::string& body : bodies) messages.push_back({body, ttl_s, delay_s});
    must(run(store_->create_queue(q, "{}", now)));  // a post never creates its queue
    std::vector<ShortId> ids = must(run(store_->post_messages(q, client, messages, now)));
    std::vector<std::string> out;
    for (const ShortId& id : ids) out.emplace_back(id.view());
    return out;
  }
  // Every live message, claimed and delayed included, in queue order.
  std::vector<Message> all(QueueRef q, TimeMs now = kT0) {
    MessageListOptions o;
    o.limit = 1000;
    o.include_claimed = true;
    o.include_delayed = true;
    return must(run(store_->list_messages(q, o, now))).messages;
  }
  std::vector<std::string> ids(QueueRef q, TimeMs now = kT0, bool claimed = true,
                               bool delayed = true) {
    MessageListOptions o;
    o.limit = 1000;
    o.include_claimed = claimed;
    o.include_delayed = delayed;
    std::vector<std::string> out;
    for (const Message& m : must(run(store_->list_messages(q, o, now))).messages) {
      out.emplace_back(m.id.view());
    }
    return out;
  }
  ClaimResult claim(QueueRef q, int limit, TimeMs now, std::int64_t ttl_s = 60,
                    std::int64_t grace_s = 60, DeadLetterPolicy dead_letter = {}) {
    ClaimParams p;
    p.limit = limit;
    p.ttl_s = ttl_s;
    p.grace_s = grace_s;
    p.dead_letter = std::move(dead_letter);
    return must(run(store_->create_claim(q, p, now)));
  }
  static std::vector<std::string> ids_of(const std::vector<Message>& messages) {
    std::vector<std::string> out;
    for (const Message& m : messages) out.emplace_back(m.id.view());
    return out;
  }

  TempDir dir_;
  std::shared_ptr<FaultyFs> fs_;
  std::shared_ptr<rocksdb::Env> env_;
  FsyncPolicy fsync_ = FsyncPolicy::always;
  std::chrono::milliseconds fsync_interval_{10};
  std::size_t progress_every_ = 250000;
  TimeMs load_time_ = kT0;
  boost::asio::io_context io_;
  std::unique_ptr<RocksStore> store_;
};

}  // namespace warren::store::testing
