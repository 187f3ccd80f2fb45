// KeystoneIdentity: the per-loop cache in front of Keystone.
#include "auth/keystone_identity.h"

#include <algorithm>
#include <vector>

#include "auth/now.h"
#include "auth/refusal_log.h"
#include "common/log.h"

namespace warren::auth {

Identity::Decision KeystoneIdentity::from_entry(const std::shared_ptr<const Entry>& entry,
                                                Principal& principal,
                                                std::optional<Error>& error) const {
  if (!entry->valid) {
    error = make_error(Errc::auth_token_invalid);
    return Decision::refused;
  }
  if (!entry->allowed) {
    error = make_error(Errc::auth_role_missing, roles_.required);
    return Decision::refused;
  }
  principal.project = entry->project;
  principal.user = entry->user;
  principal.roles = entry->roles;
  principal.admin = entry->admin;
  principal.source = Principal::Source::token;
  principal.hold = entry;
  return Decision::decided;
}

Identity::Decision KeystoneIdentity::decide(const Credentials& credentials, Principal& principal,
                                            std::optional<Error>& error) {
  if (!credentials.token || credentials.token->empty()) {
    error = make_error(Errc::auth_token_missing);
    return Decision::refused;
  }
  Cache& cache = caches_.get();
  const auto found = cache.find(digest_token(*credentials.token));
  if (found == cache.end() || found->second->until_ms <= wall_ms()) return Decision::later;
  return from_entry(found->second, principal, error);
}

void KeystoneIdentity::insert(Cache& cache, const TokenDigest& digest,
                              std::shared_ptr<const Entry> entry, std::int64_t now) {
  if (cache.size() >= cache_options_.max_entries && cache.find(digest) == cache.end()) {
    std::erase_if(cache, [now](const auto& item) { return item.second->until_ms <= now; });
    if (cache.size() >= cache_options_.max_entries) {
      // Still full of live entries: drop the quarter that expires soonest.
      std::vector<std::int64_t> untils;
      untils.reserve(cache.size());
      for (const auto& item : cache) untils.push_back(item.second->until_ms);
      auto quarter = untils.begin() + static_cast<std::ptrdiff_t>(untils.size() / 4);
      std::nth_element(untils.begin(), quarter, untils.end());
      const std::int64_t cut = *quarter;
      std::erase_if(cache, [cut](const auto& item) { return item.second->until_ms <= cut; });
    }
  }
  cache.insert_or_assign(digest, std::move(entry));
}

Async<Principal> KeystoneIdentity::authenticate(const Credentials& credentials) {
  Principal principal;
  std::optional<Error> error;
  const Decision cached = decide(credentials, principal, error);
  if (cached == Decision::decided) co_return principal;
  if (cached == Decision::refused) co_return std::move(*error);

  const std::string token(*credentials.token);
  const TokenDigest digest = digest_token(token);
  auto answer = co_await client_.validate(token);
  if (!answer) {
    log_refusal(answer.error(), token, "keystone");
    co_return answer.error();
  }
  const std::int64_t now = wall_ms();
  auto entry = std::make_shared<Entry>();
  if (answer->verdict == KeystoneClient::Verdict::valid && !answer->token.project_id.empty() &&
      answer->token.expires_ms > now) {
    entry->valid = true;
    entry->project = std::move(answer->token.project_id);
    entry->user = std::move(answer->token.user_id);
    entry->roles = std::move(answer->token.roles);
    entry->until_ms = std::min(answer->token.expires_ms, now + cache_options_.cache_seconds * 1000);
    // What the roles allow is decided once per validation, not per request.
    Principal roles_only;
    roles_only.roles = entry->roles;
    entry->allowed = roles_.apply(roles_only).has_value();
    entry->admin = roles_only.admin;
  } else {
    entry->until_ms = now + cache_options_.negative_seconds * 1000;
  }
  std::shared_ptr<const Entry> kept = std::move(entry);
  // (The coroutine resumed on its own loop: this is the cache decide() looked in.)
  insert(caches_.get(), digest, kept, now);
  if (from_entry(kept, principal, error) == Decision::refused) co_return std::move(*error);
  co_return principal;
}

}  // namespace warren::auth
