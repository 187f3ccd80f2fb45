// spawn(): how Warren starts every coroutine it does not wait for, so that none ends by an
// exception unseen. (Asio's `detached` drops a coroutine's exception without a word: a reaper
// that threw once would never run again, and nobody would know.) An exception escaping the task
// is logged with what the task was, and then the task's documented policy runs on its executor:
// a connection closes, a periodic task restarts, or the server stops.
#pragma once

#include <exception>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>

#include "common/log.h"

namespace warren {

// The text of an exception (its what(), or a note that it was of another type).
std::string describe(const std::exception_ptr& error);

// The policy of a task that needs none beyond the log line (its objects clean up as its frame
// unwinds).
struct LogOnly {
  void operator()() const noexcept {}
};

// Runs `task` detached on `where` (an io_context or an executor). `what` names the task in the
// log (a string literal: it must outlive the task). If the task ends by an exception, logs it
// at error level and calls `on_failure()` (the policy: close, restart, stop) in the completion
// handler.
template <class Where, class OnFailure = LogOnly>
void spawn(Where&& where, boost::asio::awaitable<void> task, const char* what,
           OnFailure on_failure = {}) {
  boost::asio::co_spawn(std::forward<Where>(where), std::move(task),
                        [what, on_failure = std::move(on_failure)](std::exception_ptr error) mutable {
                          if (!error) return;
                          log::error("{} failed: {}", what, describe(error));
                          on_failure();
                        });
}

}  // namespace warren
