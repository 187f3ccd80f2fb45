// TrustTokenCache: a bounded map from trust id to a token still good for a while.
#include "auth/trust_tokens.h"

#include <algorithm>
#include <vector>

#include "auth/now.h"

namespace warren::auth {

boost::asio::awaitable<Result<std::string>> TrustTokenCache::token(std::string trust_id) {
  std::int64_t now = wall_ms();
  if (const auto found = entries_.find(trust_id); found != entries_.end()) {
    if (found->second.use_until_ms > now) co_return found->second.token;
    entries_.erase(found);
  }
  // (Two deliveries of one trust that miss together both ask: at most the subscriber's
  // concurrency, and the later answer is kept.)
  auto fresh = co_await client_.trust_token(trust_id);
  if (!fresh) co_return fresh.error();
  now = wall_ms();
  const std::int64_t use_until = fresh->expires_ms - options_.margin.count();
  // A token that expires sooner than the margin is used once, never kept.
  if (use_until > now) insert(std::move(trust_id), Entry{fresh->token, use_until}, now);
  co_return std::move(fresh->token);
}

void TrustTokenCache::insert(std::string trust_id, Entry entry, std::int64_t now) {
  if (options_.max_entries == 0) return;
  if (entries_.size() >= options_.max_entries && !entries_.contains(trust_id)) {
    std::erase_if(entries_, [now](const auto& item) { return item.second.use_until_ms <= now; });
    if (entries_.size() >= options_.max_entries) {
      // Still full of live tokens: drop the half that expires soonest.
      std::vector<std::int64_t> untils;
      untils.reserve(entries_.size());
      for (const auto& item : entries_) untils.push_back(item.second.use_until_ms);
      auto half = untils.begin() + static_cast<std::ptrdiff_t>(untils.size() / 2);
      std::nth_element(untils.begin(), half, untils.end());
      const std::int64_t cut = *half;
      std::erase_if(entries_, [cut](const auto& item) { return item.second.use_until_ms <= cut; });
    }
  }
  entries_.insert_or_assign(std::move(trust_id), std::move(entry));
}

}  // namespace warren::auth
