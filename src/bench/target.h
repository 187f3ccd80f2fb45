// Where the load goes: an http:// URL parsed once into a socket address, the Host header value
// and the request target (path and query).
#pragma once

#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

#include "bench/failure.h"

namespace warren::bench {

struct Target {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string host_header;  // "host:port" as the URL wrote it
  std::string base_path;    // path without a trailing slash ("" for "/"), used by queue workloads
  std::string target;       // path and query, "/" when the URL has none
};

// Parses an http:// URL and resolves its host (numeric addresses need no DNS). https is not
// supported: the load generator measures the server, not TLS.
Outcome<Target> parse_target(std::string_view url);

// The servers of `urls`: one URL, or several joined by commas ("http://a:1,http://b:2", the
// nodes of one deployment). A comma not followed by "http://" belongs to the URL (a query).
Outcome<std::vector<Target>> parse_targets(std::string_view urls);

}  // namespace warren::bench
