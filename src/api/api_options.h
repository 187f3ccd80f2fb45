// ApiOptions: settings of the request layer that are not engine limits.
#pragma once

#include <cstddef>
#include <string>

namespace warren::api {

struct ApiOptions {
  // Client-ID must be a UUID (Zaqar's client_id_uuid_safe=strict); otherwise any string of
  // length min..max (client_id_uuid_safe=off).
  bool client_id_uuid_safe = true;
  std::size_t min_client_id_length = 10;
  std::size_t max_client_id_length = 36;
  // Key of pre-signed URLs (Zaqar's [signed_url] secret_key); empty: none can be made or used.
  std::string signed_url_secret;
  // Also serve Zaqar's deprecated v1.1 API under /v1.1/ (Zaqar's
  // enable_deprecated_api_versions = 1.1); off by default, as in Zaqar.
  bool enable_v1_1 = false;
};

}  // namespace warren::api
