// run_on(): runs a function on another event loop's thread and gives its result back to the
// calling coroutine, on the caller's own executor: how one loop reads or changes what another
// loop owns (its LoopLocal state, its connections) without a lock.
#pragma once

#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/event_loop.h"

namespace warren::net {

// f() runs on `loop` after what was queued there before; the caller resumes once it returned.
// An exception from f() is rethrown in the caller.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> run_on(EventLoop& loop, F f) {
  using R = std::invoke_result_t<F&>;
  co_return co_await boost::asio::co_spawn(
      loop.context(),
      [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
      boost::asio::use_awaitable);
}

}  // namespace warren::net
