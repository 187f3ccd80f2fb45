// QuotaCheck: what the engine asks before a project grows, the one place quotas hook in (the
// security issue's per-project limits on queues and stored messages). The engine asks it at
// every point where a queue or messages come into being, whichever transport asked: explicit
// creation, the queues posts and subscriptions imply, and posts. Runs on the caller's loop and
// must not block it; an Error refuses the request, which then has no effect. A check, not a
// reservation: an admitted request can still fail afterwards (a post to a missing queue is
// admitted before its queue is), so a quota counts what was stored, not what was admitted.
#pragma once

#include <cstddef>
#include <string_view>

#include "engine/requests.h"
#include "store/store.h"

namespace warren::engine {

class QuotaCheck {
 public:
  virtual ~QuotaCheck() = default;

  // Before `queue` is created (it did not exist when the engine looked).
  virtual store::Async<void> admit_queue(const Scope& scope, std::string_view queue) = 0;

  // Before `count` messages holding `bytes` bytes of bodies in all are stored in `queue`.
  virtual store::Async<void> admit_messages(const Scope& scope, std::string_view queue,
                                            std::size_t count, std::size_t bytes) = 0;
};

}  // namespace warren::engine
