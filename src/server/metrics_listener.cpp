// MetricsHandler: /metrics alone.
#include "server/metrics_listener.h"

#include <boost/beast/http/verb.hpp>

#include "http/request.h"
#include "http/response_writer.h"

namespace warren::server {

boost::asio::awaitable<void> MetricsHandler::handle(http::Request& request,
                                                    http::ResponseWriter& response) {
  using boost::beast::http::verb;
  if (request.path != "/metrics") {
    response.error(make_error(Errc::route_not_found));
    co_return;
  }
  if (request.method != verb::get && request.method != verb::head) {
    response.begin(405);
    response.header("allow", "GET, HEAD");
    response.end_with_body("application/json", R"({"title": "405 Method Not Allowed"})");
    co_return;
  }
  const std::string text = co_await scrape_.render_async();
  response.begin(200);
  response.end_with_body(metrics::kContentType, text);
}

}  // namespace warren::server
