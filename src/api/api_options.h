// ApiOptions: settings of the request layer that are not engine limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/client_id.h"

namespace warren::metrics {
class Scrape;
}
namespace warren::store::pooled {
class PooledStore;
}
namespace warren::api {

struct ApiOptions {
  // Client-ID must be a UUID (Zaqar's client_id_uuid_safe=strict); otherwise any string of
  // length min..max (client_id_uuid_safe=off).
  engine::ClientIdRules client_id;
  // Key of pre-signed URLs (Zaqar's [signed_url] secret_key); empty: none can be made or used.
  std::string signed_url_secret;
  // Also serve Zaqar's deprecated v1.1 API under /v1.1/ (Zaqar's
  // enable_deprecated_api_versions = 1.1); off by default, as in Zaqar.
  bool enable_v1_1 = false;
  // Serve GET /metrics from this (null: no such route). Open to all under --auth none, else to
  // the admin role only.
  const metrics::Scrape* metrics = nullptr;
  // Serve /v2/pools and /v2/flavors over this pooled store (--pooling; null: no such routes).
  store::pooled::PooledStore* pools = nullptr;
  // The most pools and flavors a listing may ask for (Zaqar's max_pools_per_page and
  // max_flavors_per_page).
  std::int64_t max_pools_per_page = 20;
  std::int64_t max_flavors_per_page = 20;
  // Those routes need the admin role (false under --auth none, where anyone may use them).
  bool pools_admin_only = true;
};

}  // namespace warren::api
