// The contract between the load engine and a workload: one Session per connection decides what
// to send next and what a response means; the engine owns sockets, framing, timing and counting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/http_response.h"
#include "bench/run_stats.h"

namespace warren::bench {

// One request in flight, as the session described it and the engine timed it.
struct Issue {
  std::uint16_t op = 0;          // index into RunStats::ops
  bool head = false;             // a HEAD request: its response has no body
  bool keep_body = false;        // the session reads the body (chunked bodies are then copied)
  std::uint64_t tag = 0;         // the session's own reference to the request
  std::int64_t intended_ns = 0;  // when it should have been sent (latency starts here)
  std::int64_t sent_ns = 0;      // when it was written (timeouts start here)
};

class Session {
 public:
  virtual ~Session() = default;

  // The connection can take one more request. Append its bytes to `out`, set `issue->op`,
  // `head`, `keep_body` and `tag`, and return true; or return false when there is nothing to
  // send now (the engine asks again after the next response, or within a millisecond).
  virtual bool next(std::string& out, Issue* issue, std::int64_t now_ns) = 0;

  // A complete response to `issue` (responses arrive in request order). The engine has already
  // recorded its latency and status class in the run's stats.
  virtual void on_response(const Issue& issue, const Response& response, std::int64_t now_ns) = 0;

  // `issue` got no response: the connection failed or timed out (`kind` says which). Its outcome
  // is unknown: the server may or may not have acted on it.
  virtual void on_failure(const Issue& issue, ErrorKind kind, std::int64_t now_ns) {
    (void)issue, (void)kind, (void)now_ns;
  }

  // `issue` was still in flight when the run stopped (its duration was over): the server may
  // or may not act on it. Not an error; the run counts it as unfinished.
  virtual void on_abandoned(const Issue& issue, std::int64_t now_ns) { (void)issue, (void)now_ns; }

  // False for a session that runs closed-loop even under --rate (a consumer that claims as
  // fast as it can while producers follow the schedule).
  virtual bool paced() const { return true; }

  // True once the session will send nothing more (a --count budget is spent). The run ends
  // when every session is finished and nothing is in flight.
  virtual bool finished() const { return false; }

  // Which of EngineConfig::targets the connection goes to (taken modulo their number), or
  // kAnyNode: connection i goes to target i (modulo), spreading the load over them.
  static constexpr std::size_t kAnyNode = ~std::size_t{0};
  virtual std::size_t node() const { return kAnyNode; }
};

}  // namespace warren::bench
