// KeystoneIdentity: the identity scheme of `--auth keystone`, as Zaqar runs behind
// keystonemiddleware: the request's X-Auth-Token is validated by Keystone (KeystoneClient), the
// token's project is the request's project, its roles decide what it may do (RolePolicy).
//
// Validated tokens are cached by each event loop (by SHA-256 digest; never the token itself)
// until they expire, and at most `cache_seconds`, so a revocation is noticed within that time;
// tokens Keystone refused are cached for `negative_seconds`. A cached answer is decided at once
// (no coroutine); a miss waits for Keystone on the request's own loop. When Keystone is down or
// slow, cached tokens go on unaffected and the others get 503 (auth_unavailable), never 401.
// Each loop's cache holds at most `max_entries` tokens: past that, expired entries go first,
// then the entries that expire soonest.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "auth/credentials.h"
#include "auth/identity.h"
#include "auth/keystone_client.h"
#include "auth/token_identity.h"
#include "common/loop_local.h"

namespace warren::auth {

struct KeystoneCacheOptions {
  std::int64_t cache_seconds = 300;    // --auth-cache-seconds: the longest a validation is trusted
  std::int64_t negative_seconds = 10;  // how long a refused token stays refused without asking
  std::size_t max_entries = 10000;     // per loop
};

class KeystoneIdentity final : public Identity {
 public:
  // `client` must outlive the identity.
  KeystoneIdentity(KeystoneClient& client, RolePolicy roles, KeystoneCacheOptions cache)
      : client_(client), roles_(std::move(roles)), cache_options_(cache) {}

  // Decided from this loop's cache, else `later`. Errors: auth_token_missing,
  // auth_token_invalid, auth_role_missing.
  Decision decide(const Credentials& credentials, Principal& principal,
                  std::optional<Error>& error) override;
  // Asks Keystone. Errors: those of decide(), and auth_unavailable.
  Async<Principal> authenticate(const Credentials& credentials) override;
  bool per_message() const noexcept override { return false; }

 private:
  struct Entry {
    bool valid = false;
    std::string project;
    std::string user;
    std::string roles;
    bool allowed = false;       // holds the required (or the admin) role
    bool admin = false;         // holds the admin role
    std::int64_t until_ms = 0;  // trusted until then
  };
  using Cache = std::unordered_map<TokenDigest, std::shared_ptr<const Entry>, DigestHash>;

  // The principal of a cached entry (decided or refused).
  Decision from_entry(const std::shared_ptr<const Entry>& entry, Principal& principal,
                      std::optional<Error>& error) const;
  void insert(Cache& cache, const TokenDigest& digest, std::shared_ptr<const Entry> entry,
              std::int64_t now);

  KeystoneClient& client_;
  const RolePolicy roles_;
  const KeystoneCacheOptions cache_options_;
  LoopLocal<Cache> caches_;
};

}  // namespace warren::auth
