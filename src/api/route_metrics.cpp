// RouteMetrics: the per-route counters and histograms, made once per process.
#include "api/route_metrics.h"

#include <map>
#include <mutex>
#include <string>

#include <fmt/format.h>

namespace warren::api {
namespace {

// Latency buckets (seconds): 100 µs to 10 s.
constexpr double kBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                              0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};

}  // namespace

RouteMetrics& RouteMetrics::of(std::string_view method, std::string_view route) {
  static std::mutex mutex;
  static auto* const made = new std::map<std::string, RouteMetrics, std::less<>>();
  const std::lock_guard lock(mutex);
  const std::string key = fmt::format("{} {}", method, route);
  if (auto found = made->find(key); found != made->end()) return found->second;
  RouteMetrics& metrics = (*made)[key];
  const std::string labels = fmt::format(R"(method="{}",route="{}")", method, route);
  for (int i = 0; i < 5; ++i) {
    metrics.by_class[i] = &Counter::make(
        "warren_http_requests_total", fmt::format(R"({},code="{}xx")", labels, i + 1),
        "HTTP requests answered by the API, by method, route pattern and status class.");
  }
  metrics.duration = &Histogram::make(
      "warren_http_request_duration_seconds", labels,
      "Time from routing an HTTP request to the end of its handler, by method and route.", kBounds);
  return metrics;
}

RouteTimer::~RouteTimer() {
  if (metrics_ == nullptr) return;
  const std::uint64_t ns = TickClock::to_ns(TickClock::now() - start_);
  detail::CounterCells& cells = *detail::counter_cells;
  const int status = response_.status();
  if (status >= 100 && status < 600) metrics_->by_class[status / 100 - 1]->add_in(cells);
  metrics_->duration->observe_ns_in(cells, ns);
}

}  // namespace warren::api
