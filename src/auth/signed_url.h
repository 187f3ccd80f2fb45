// Pre-signed URLs (Zaqar's common/urls.py): a queue owner shares access to one queue's
// messages, subscriptions or claims, for some methods, until a time, by an HMAC-SHA256 over
// those facts keyed with the server's secret. Requests carry the signature in URL-* headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"

namespace warren::auth {

struct SignedUrl {
  std::vector<std::string> paths;    // sorted
  std::vector<std::string> methods;  // sorted
  std::string project;
  std::string expires;  // "YYYY-MM-DDTHH:MM:SS" (UTC)
  std::string signature;  // lowercase hex
};

// Seconds since the epoch of an ISO 8601 date-time as oslo's parse_isotime reads it
// ("2016-01-01", "2016-01-01T10:00:00", fractions, "Z" or "+HH:MM" offsets). Errors:
// share_expires_unparseable.
Result<std::int64_t> parse_iso_time(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS" of `seconds` since the epoch (UTC).
std::string format_iso_time(std::int64_t seconds);

// Signs `paths` and `methods` (sorted here) for `project` until `expires` (default: a day after
// `now_ms`). Errors as Zaqar's create_signed_url: share_no_key (empty key),
// share_expires_integer, share_expires_unparseable, share_expires_past.
Result<SignedUrl> create_signed_url(std::string_view key, std::vector<std::string> paths,
                                    std::vector<std::string> methods, std::string_view project,
                                    std::optional<std::string_view> expires, std::int64_t now_ms);

// The URL-* headers of one request.
struct SignedHeaders {
  std::string_view signature;
  std::string_view expires;
  std::string_view methods;  // comma-separated
  std::string_view paths;    // comma-separated
  std::string_view project;
};

// True if the headers carry a valid, unexpired signature made with `key` that allows `method`
// on `path`. Paths are matched as literal substrings (Zaqar uses them as regular expressions,
// before checking the signature; a signed path is always a literal one).
bool verify_signed_request(std::string_view key, const SignedHeaders& headers,
                           std::string_view method, std::string_view path, std::int64_t now_ms);

}  // namespace warren::auth
