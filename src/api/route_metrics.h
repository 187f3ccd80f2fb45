// RouteMetrics: what the HTTP API counts per route (docs/metrics.md): requests by status class
// (warren_http_requests_total{method,route,code}) and the time from routing to the response
// (warren_http_request_duration_seconds{method,route}), in the per-loop counters of
// common/counters.h. A route is its pattern ("/v2/queues/{queue_name}/messages"), never a
// concrete path, so the label sets stay few whatever callers send.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/counters.h"
#include "common/tick_clock.h"
#include "http/response_writer.h"

namespace warren::api {

struct RouteMetrics {
  Counter* by_class[5] = {};  // 1xx .. 5xx
  Histogram* duration = nullptr;

  // The metrics of `method` `route`, made once per process (for set-up; any thread).
  static RouteMetrics& of(std::string_view method, std::string_view route);
};

// Measures one request from its construction to its destruction (at the end of the handler's
// coroutine) and counts it under the status the response began with. `metrics` null: nothing.
class RouteTimer {
 public:
  RouteTimer(RouteMetrics* metrics, const http::ResponseWriter& response) noexcept
      : metrics_(metrics), response_(response), start_(TickClock::now()) {}
  ~RouteTimer();
  RouteTimer(const RouteTimer&) = delete;
  RouteTimer& operator=(const RouteTimer&) = delete;

 private:
  RouteMetrics* metrics_;
  const http::ResponseWriter& response_;
  std::uint64_t start_;  // TickClock ticks
};

}  // namespace warren::api
