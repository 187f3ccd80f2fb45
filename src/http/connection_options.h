// ConnectionOptions: the per-connection limits and timeouts of the HTTP server.
#pragma once

#include <chrono>
#include <cstddef>

#include "http/request_parser.h"
#include "net/buffer_budget.h"

namespace warren::http {

struct ConnectionOptions {
  ParserLimits limits;
  // A request's header must be complete this long after its first byte (slowloris cut-off).
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  // An idle keep-alive connection, a stalled body or a stalled write is closed after this.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // A whole request (header and body) must have arrived this long after its first byte,
  // however its bytes trickle in (408, then close).
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  // The process's bound on bytes buffered for requests still arriving (owned by the server,
  // shared by every connection; null: unbounded). Past it a request gets 503 and the
  // connection closes.
  net::BufferBudget* buffer_budget = nullptr;
  // Responses buffered for one batch of pipelined requests before they are written out early.
  std::size_t max_buffered_output = 256 * 1024;
};

}  // namespace warren::http
