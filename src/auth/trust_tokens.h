// Trust-scoped tokens for trust+http(s) webhook deliveries. TrustTokenSource is what the
// webhook sender asks ("a token for this trust"); TrustTokenCache answers from Keystone
// (KeystoneClient::trust_token) and keeps each token until shortly before it expires, by trust
// id, so a busy subscription costs Keystone one authentication per token lifetime, not one per
// message. The cache is bounded: past `max_entries`, expired entries go first, then the half
// that expires soonest. Used from one thread (the sender's); not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "auth/keystone_client.h"
#include "common/errors.h"

namespace warren::auth {

class TrustTokenSource {
 public:
  virtual ~TrustTokenSource() = default;
  // A token that acts for the trust `trust_id`, good for a while yet. Runs on the awaiting
  // executor. Errors: trust_refused (the trust is gone), auth_unavailable (no answer).
  virtual boost::asio::awaitable<Result<std::string>> token(std::string trust_id) = 0;
};

struct TrustTokenCacheOptions {
  std::size_t max_entries = 1000;  // --keystone-trust-token-cache
  // A token is used until this long before it expires (it must still be good when the
  // receiver validates it).
  std::chrono::milliseconds margin{std::chrono::minutes(1)};
};

class TrustTokenCache final : public TrustTokenSource {
 public:
  // `client` must outlive the cache.
  TrustTokenCache(KeystoneClient& client, TrustTokenCacheOptions options)
      : client_(client), options_(options) {}

  boost::asio::awaitable<Result<std::string>> token(std::string trust_id) override;

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::string token;
    std::int64_t use_until_ms = 0;
  };
  void insert(std::string trust_id, Entry entry, std::int64_t now);

  KeystoneClient& client_;
  const TrustTokenCacheOptions options_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace warren::auth
