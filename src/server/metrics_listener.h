// MetricsHandler: the handler of `--metrics-listen HOST:PORT`, a listener that serves GET (and
// HEAD) /metrics and nothing else, without authentication: for a scraper on a private network
// or loopback, apart from the API's port (where /metrics needs the admin role whenever
// authentication is on). Every other request gets 404, another method on /metrics 405.
#pragma once

#include "http/handler.h"
#include "metrics/scrape.h"

namespace warren::server {

class MetricsHandler final : public http::Handler {
 public:
  // `scrape` must outlive this.
  explicit MetricsHandler(const metrics::Scrape& scrape) : scrape_(scrape) {}

  boost::asio::awaitable<void> handle(http::Request& request,
                                      http::ResponseWriter& response) override;

 private:
  const metrics::Scrape& scrape_;
};

}  // namespace warren::server
