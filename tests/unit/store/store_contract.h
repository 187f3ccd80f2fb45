// The storage contract suite: one set of tests, written once against store/store.h, that every
// engine must pass. An engine's own test folder instantiates it with a factory:
//
//   WARREN_INSTANTIATE_STORE_CONTRACT(Memory, warren::store::testing::EngineUnderTest{"memory",
//       [](boost::asio::io_context&, std::string&) { return make_memory_store(); }})
//
// The factory is called before every test and must return a fresh, empty store (an engine on a
// shared server flushes it). It gets the io_context every operation of that test runs on, so
// networked engines can bind their connections to it; returning nullptr (with a reason) skips the
// test, e.g. when no server is configured. Time is injected through each operation's `now`: no
// test sleeps.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "result_checks.h"
#include "run_sync.h"
#include "store/store.h"

namespace warren::store::testing {

struct EngineUnderTest {
  std::string name;  // used in test names: letters, digits and '_' only
  // A fresh empty store bound to `io`, or nullptr with `why_not` set to skip the test.
  std::function<std::unique_ptr<Store>(boost::asio::io_context& io, std::string& why_not)> make;
};

// gtest prints a parameter of a failed test by its name.
inline void PrintTo(const EngineUnderTest& engine, std::ostream* out) {
  *out << engine.name;
}

inline std::string engine_test_name(const ::testing::TestParamInfo<EngineUnderTest>& info) {
  return info.param.name;
}

class StoreContract : public ::testing::TestWithParam<EngineUnderTest> {
 protected:
  // An arbitrary fixed wall-clock origin; tests move time by adding to it.
  static constexpr TimeMs kT0 = 1'700'000'000'000;
  static constexpr std::string_view kProject = "project-a";
  static constexpr std::string_view kOtherProject = "project-b";
  static constexpr std::string_view kClientA = "3b5d2a7e8c9f4e1d9a0b1c2d3e4f5a6b";
  static constexpr std::string_view kClientB = "c0ffee00c0ffee00c0ffee00c0ffee00";

  static constexpr TimeMs sec(std::int64_t seconds) { return seconds * 1000; }

  void SetUp() override;
  void TearDown() override;

  // Runs one operation of the store to completion.
  template <class T>
  Result<T> run(Async<T> operation) {
    return run_sync(io_, std::move(operation));
  }

  QueueRef queue(std::string_view name = "fifo") const { return {kProject, name}; }

  // How post() posts: Post().ttl(60).delay(30).by(kClientB).when(kT0 + sec(5)).
  struct Post {
    std::int64_t ttl_s = 3600;
    std::int64_t delay_s = 0;
    std::string_view client = kClientA;
    TimeMs at = kT0;

    Post& ttl(std::int64_t seconds) { return ttl_s = seconds, *this; }
    Post& delay(std::int64_t seconds) { return delay_s = seconds, *this; }
    Post& by(std::string_view poster) { return client = poster, *this; }
    Post& when(TimeMs now) { return at = now, *this; }
  };
  // Posts `count` messages with bodies {"n":first}, {"n":first+1}, ... and returns their ids.
  std::vector<std::string> post(QueueRef q, int count, const Post& options, int first = 0);
  std::vector<std::string> post(QueueRef q, int count) { return post(q, count, Post{}); }
  static std::string body_text(int n) { return fmt::format(R"({{"n":{}}})", n); }

  // How list_ids() lists: List().after(marker).max(5).echo(kClientA).claimed().delayed().
  struct List {
    std::string_view marker;
    int limit = 20;
    std::string_view echo_client;
    bool include_claimed = false;
    bool include_delayed = false;

    List& after(std::string_view id) { return marker = id, *this; }
    List& max(int count) { return limit = count, *this; }
    List& echo(std::string_view client) { return echo_client = client, *this; }
    List& claimed() { return include_claimed = true, *this; }
    List& delayed() { return include_delayed = true, *this; }
  };
  // The ids listed by list_messages at `now`.
  std::vector<std::string> list_ids(QueueRef q, const List& options, TimeMs now = kT0);
  // Every id listed when paging `page` at a time, following markers until an empty page.
  std::vector<std::string> list_all_ids(QueueRef q, List options, TimeMs now = kT0);

  ClaimResult claim(QueueRef q, int limit, std::int64_t ttl_s, std::int64_t grace_s,
                    TimeMs now = kT0, DeadLetterPolicy dead_letter = {});
  QueueStats stats(QueueRef q, TimeMs now = kT0);
  std::vector<Message> get(QueueRef q, const std::vector<std::string>& ids, TimeMs now = kT0);
  // The message `id` as get_messages returns it; the test fails if it is not there.
  Message get_one(QueueRef q, const std::string& id, TimeMs now = kT0);
  bool exists(QueueRef q, const std::string& id, TimeMs now = kT0);

  static std::vector<std::string> ids_of(const std::vector<Message>& messages);

  boost::asio::io_context io_;
  std::unique_ptr<Store> store_;
};

}  // namespace warren::store::testing

// Instantiates the whole suite for one or more engines (EngineUnderTest values). Use it at
// namespace scope (outside any namespace).
#define WARREN_INSTANTIATE_STORE_CONTRACT(prefix, ...)                            \
  namespace warren::store::testing {                                              \
  INSTANTIATE_TEST_SUITE_P(prefix, StoreContract, ::testing::Values(__VA_ARGS__), \
                           engine_test_name);                                     \
  }
