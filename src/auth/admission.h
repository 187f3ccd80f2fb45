// Admission: the stage after identity and before any operation runs, where a principal may be
// turned away for what it has used (rate limits, quotas of requests): one call per HTTP request
// or WebSocket message. Without a configured policy the transports are given none and skip the
// stage. Like the identity stage, it decides at once when it can (decide) and is awaited only
// when it cannot (admit_later: a rate kept in a shared store).
#pragma once

#include <optional>

#include <boost/asio/awaitable.hpp>

#include "auth/principal.h"
#include "common/errors.h"

namespace warren::auth {

class Admission {
 public:
  enum class Decision { admitted, refused, later };

  virtual ~Admission() = default;

  // Whether `principal` may make one more request now. `refused` is set when refused (e.g. a
  // 429); `later`: only admit_later() can tell. Decides at once, on the caller's loop: it must
  // not block.
  virtual Decision decide(const Principal& principal, std::optional<Error>& refused) = 0;

  // After `later`: nullopt if admitted, else why not. `principal` must outlive the call.
  virtual boost::asio::awaitable<std::optional<Error>> admit_later(const Principal& principal) = 0;
};

}  // namespace warren::auth
