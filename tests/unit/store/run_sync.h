// Runs one awaitable to completion on an io_context from synchronous test code, driving the
// context only until that operation is done (an engine with sockets may keep other work pending
// on it forever, so run() would never return).
#pragma once

#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace warren::store::testing {

template <class T>
T run_sync(boost::asio::io_context& io, boost::asio::awaitable<T> operation) {
  std::optional<T> result;
  std::exception_ptr failure;
  bool done = false;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        // One statement per co_await: GCC 12 miscompiles some co_awaits in argument lists.
        T value = co_await std::move(operation);
        result.emplace(std::move(value));
      },
      [&](std::exception_ptr error) {
        failure = error;
        done = true;
      });
  io.restart();
  while (!done) {
    if (io.run_one() == 0) {
      throw std::logic_error("run_sync: the operation stopped without completing");
    }
  }
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

// The same on a fresh io_context of its own, for engines that need no I/O (the memory engine).
template <class T>
T run_sync(boost::asio::awaitable<T> operation) {
  boost::asio::io_context io;
  return run_sync(io, std::move(operation));
}

}  // namespace warren::store::testing
