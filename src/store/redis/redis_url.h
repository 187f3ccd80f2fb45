// Parsing of the --redis option: redis://HOST:PORT[,HOST:PORT...] (one server, or seeds of a
// Redis Cluster; the scheme may be omitted). Host names are resolved once, here, at start-up,
// so no event loop ever waits on DNS.
#pragma once

#include <string_view>
#include <vector>

#include "common/errors.h"
#include "store/redis/cluster_slots.h"

namespace warren::store::redis {

// The endpoints named by `url`, hosts resolved to numeric addresses (blocking getaddrinfo).
// An error (storage_unavailable) names what is wrong with the URL.
Result<std::vector<Endpoint>> parse_redis_url(std::string_view url);

}  // namespace warren::store::redis
