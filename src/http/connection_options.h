// ConnectionOptions: the per-connection limits and timeouts of the HTTP server.
#pragma once

#include <chrono>
#include <cstddef>

#include "http/request_parser.h"

namespace warren::http {

struct ConnectionOptions {
  ParserLimits limits;
  // A request's header must be complete this long after its first byte (slowloris cut-off).
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  // An idle keep-alive connection, a stalled body or a stalled write is closed after this.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // Responses buffered for one batch of pipelined requests before they are written out early.
  std::size_t max_buffered_output = 256 * 1024;
};

}  // namespace warren::http
