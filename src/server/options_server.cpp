// `warren serve`'s options of the listener, the HTTP connections and the process.
#include <algorithm>
#include <thread>

#include <boost/program_options.hpp>

#include "server/option_section.h"
#include "server/option_values.h"

namespace warren::server {

namespace po = boost::program_options;

OptionSection server_options(ServeOptions& o) {
  static const ChoiceNames<log::Level> kLevels = {{"debug", log::Level::debug},
                                                  {"info", log::Level::info},
                                                  {"warn", log::Level::warn},
                                                  {"error", log::Level::error}};
  static const ChoiceNames<log::Format> kFormats = {{"text", log::Format::text},
                                                    {"json", log::Format::json}};
  http::ParserLimits& p = o.connection.limits;
  OptionSection section{po::options_description("Server"), nullptr};
  section.description.add_options()
      ("listen", address(o.listen), "address and port: HOST:PORT, [IPv6]:PORT or PORT")
      ("threads", po::value(&o.threads)->default_value(0), "event-loop threads (0: one per core)")
      ("max-connections", po::value(&o.max_connections)->default_value(o.max_connections), "open connections at most; more are answered 503 and closed")
      ("reserved-fds", po::value(&o.reserved_fds)->default_value(o.reserved_fds), "file descriptors kept free for storage and logs; connections are capped at the descriptor limit minus this")
      ("backlog", po::value(&o.backlog)->default_value(o.backlog), "listen backlog of each loop's socket")
      ("max-header-bytes", po::value(&p.max_header_bytes)->default_value(p.max_header_bytes), "request line and headers at most (431 beyond)")
      ("max-target-bytes", po::value(&p.max_target_bytes)->default_value(p.max_target_bytes), "request target at most (414 beyond)")
      ("max-header-count", po::value(&p.max_header_count)->default_value(p.max_header_count), "header fields at most (431 beyond)")
      ("max-body-bytes", po::value(&p.max_body_bytes)->default_value(p.max_body_bytes), "request body at most (413 beyond)")
      ("header-timeout", seconds(o.connection.header_timeout), "seconds a request's headers may take to arrive")
      ("idle-timeout", seconds(o.connection.idle_timeout), "seconds an idle keep-alive connection (or a stalled body or write) is kept")
      ("request-timeout", seconds(o.connection.request_timeout), "seconds a whole request (headers and body) may take to arrive, from its first byte (408 beyond)")
      ("max-buffered-bytes", po::value(&o.max_buffered_bytes)->default_value(o.max_buffered_bytes), "bytes buffered for requests still arriving, over all connections; a request that would pass it gets 503 (0: no bound)")
      ("shutdown-grace", seconds(o.shutdown_grace), "seconds requests in flight get to finish on SIGINT/SIGTERM")
      ("log-level", choice(o.log_level, kLevels), "debug | info | warn | error")
      ("log-format", choice(o.log_format, kFormats), "text | json (one JSON object per line)")
      ("access-log", po::value(&o.access_log)->default_value(o.access_log), "log each HTTP request to this file (appended; reopened on SIGHUP), or - for stderr; empty: no access log")
      ("access-log-sample", po::value(&o.access_log_sample)->default_value(o.access_log_sample), "share of requests the access log records, 0 to 1");
  section.check = [&o]() -> Result<void> {
    const http::ConnectionOptions& c = o.connection;
    using std::chrono::milliseconds;
    if (c.header_timeout <= milliseconds(0) || c.idle_timeout <= milliseconds(0) ||
        c.request_timeout <= milliseconds(0)) {
      return option_error("timeouts must be positive");
    }
    if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
    if (o.max_connections == 0) return option_error("--max-connections must be at least 1");
    if (!(o.access_log_sample >= 0.0 && o.access_log_sample <= 1.0)) {
      return option_error("--access-log-sample must be between 0 and 1");
    }
    if (c.limits.max_header_bytes < 256) {
      return option_error("--max-header-bytes must be at least 256");
    }
    return {};
  };
  return section;
}

}  // namespace warren::server
