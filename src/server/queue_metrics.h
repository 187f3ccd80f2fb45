// QueueMetrics: the per-queue gauges of GET /metrics (docs/metrics.md), read from the store when
// scraped: messages free and claimed, body bytes, and the oldest message's age, labelled by
// project and queue for the first `max_queues` queues in (project, name) order, and summed for
// the rest (up to `max_visited` queues in all, past which the scrape says it stopped short).
// A scrape costs one stats call per queue it visits, on the scraping loop, asynchronously.
#pragma once

#include <cstddef>

#include <boost/asio/awaitable.hpp>

#include "engine/clock.h"
#include "metrics/exposition.h"
#include "store/store.h"

namespace warren::server {

class QueueMetrics {
 public:
  // `store` and `clock` must outlive this.
  QueueMetrics(store::Store& store, const engine::Clock& clock, std::size_t max_queues,
               std::size_t max_visited)
      : store_(store), clock_(clock), max_queues_(max_queues), max_visited_(max_visited) {}

  // Writes the families (a store error ends the walk early; what was read is written).
  boost::asio::awaitable<void> collect(metrics::Exposition& out);

 private:
  store::Store& store_;
  const engine::Clock& clock_;
  const std::size_t max_queues_;
  const std::size_t max_visited_;
};

}  // namespace warren::server
