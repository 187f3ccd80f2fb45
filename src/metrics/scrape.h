// Scrape: one whole exposition of the process: every counter and histogram (common/counters.h)
// grouped into families by name, the process metrics, and the gauges the composition root
// registers (open connections, stored bytes, ...), each read at the moment of the scrape.
// Counting never waits on a scrape; a scrape sums the loops' copies without stopping them.
#pragma once

#include <functional>

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/exposition.h"

namespace warren::metrics {

class Scrape {
 public:
  // Writes one family (or several) of gauges when scraped; runs on the scraping loop, so it must
  // be quick and must not block.
  using Collector = std::function<void(Exposition&)>;

  // Writes gauges it must ask for (the store's per-queue counts): awaited on the scraping loop,
  // must not block it.
  using AsyncCollector = std::function<boost::asio::awaitable<void>(Exposition&)>;

  // Adds a collector; for set-up (before serving), the collector's captures outliving this.
  void add(Collector collector);
  void add_async(AsyncCollector collector);

  // The whole exposition text without the asynchronous collectors.
  std::string render() const;
  // The whole exposition text.
  boost::asio::awaitable<std::string> render_async() const;

 private:
  std::vector<Collector> collectors_;
  std::vector<AsyncCollector> async_collectors_;
};

}  // namespace warren::metrics
