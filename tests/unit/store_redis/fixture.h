// The fixture of the redis engine's server tests: parameterised by server kind ("standalone",
// "cluster"), skipped when that kind is not configured, a fresh empty store per test.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "result_checks.h"
#include "support.h"

namespace warren::store::redis::testing {

using store::testing::must;

class RedisTest : public ::testing::TestWithParam<std::string> {
 protected:
  static constexpr TimeMs kT0 = 1'700'000'000'000;
  static constexpr TimeMs s(std::int64_t seconds) { return seconds * 1000; }

  void SetUp() override {
    url_ = server_url(GetParam());
    if (url_.empty()) GTEST_SKIP() << skip_reason(GetParam());
    store_ = fresh_store(io_, url_, options());
  }
  virtual RedisStoreOptions options() { return {}; }

  template <class T>
  Result<T> run(Async<T> operation) {
    return run_sync(io_, std::move(operation));
  }

  // Runs the loop for `time` with nothing to do but what is already under way on it (replies,
  // drops, timers).
  void let_loop_run(std::chrono::milliseconds time) {
    boost::asio::steady_timer timer(io_, time);
    run_sync(io_, [&]() -> boost::asio::awaitable<int> {
      co_await timer.async_wait(boost::asio::use_awaitable);
      co_return 0;
    }());
  }

  // Posts `count` messages {"n":first...} and returns their ids.
  std::vector<std::string> post(QueueRef q, int count, TimeMs at = kT0, std::int64_t ttl = 3600,
                                std::int64_t delay = 0, std::string_view client = "client-a",
                                int first = 0) {
    std::vector<std::string> bodies;
    for (int i = 0; i < count; ++i) bodies.push_back(fmt::format(R"({{"n":{}}})", first + i));
    std::vector<NewMessage> messages;
    for (const auto& b : bodies) messages.push_back(NewMessage{b, ttl, delay});
    must(run(store_->create_queue(q, "{}", at)));  // a post never creates its queue
    auto ids = must(run(store_->post_messages(q, client, messages, at)));
    std::vector<std::string> out;
    for (const auto& id : ids) out.emplace_back(id.view());
    return out;
  }

  // The code of a failed result; nullopt if it succeeded.
  template <class T>
  static std::optional<Errc> error_code(const Result<T>& result) {
    if (result) return std::nullopt;
    return result.error().code;
  }

  static std::vector<std::string> ids_of(const std::vector<Message>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.emplace_back(m.id.view());
    return out;
  }


 public:  // reached by helper functions of the tests
  boost::asio::io_context io_;
  std::string url_;
  std::unique_ptr<RedisStore> store_;  // after io_: destroyed first
};

inline std::string kind_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace warren::store::redis::testing
