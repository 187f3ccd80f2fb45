// Admission: the stage after identity and before any operation runs, where a principal may be
// turned away for what it has used (rate limits, quotas of requests): one call per HTTP request
// or WebSocket message. Without a configured policy the transports are given none and skip the
// stage.
#pragma once

#include <optional>

#include "auth/principal.h"
#include "common/errors.h"

namespace warren::auth {

class Admission {
 public:
  virtual ~Admission() = default;
  // Whether `principal` may make one more request now: nullopt if so, else why not (e.g. a
  // 429). Decides at once, on the caller's loop: it must not block.
  virtual std::optional<Error> admit(const Principal& principal) = 0;
};

}  // namespace warren::auth
