// Claim records of one queue and the exact count of claimed messages.
#include "store/memory/claim_table.h"

#include <algorithm>

namespace warren::store::memory {

std::uint32_t ClaimTable::create(std::uint64_t seq, TimeMs started, TimeMs expires,
                                 std::int64_t ttl_s) {
  std::uint32_t ref;
  if (!free_slots_.empty()) {
    ref = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slots_.emplace_back();
    free_slots_.reserve(slots_.size());  // so that free() never allocates
    ref = static_cast<std::uint32_t>(slots_.size());
  }
  Claim& claim = at(ref);
  claim.seq = seq;
  claim.started = started;
  claim.expires = expires;
  claim.ttl_s = ttl_s;
  claim.active = true;
  claim.messages.clear();
  by_seq_.emplace(seq, ref);
  active_.emplace(expires, ref);
  return ref;
}

std::uint32_t ClaimTable::find(std::uint64_t seq) const noexcept {
  auto it = by_seq_.find(seq);
  return it == by_seq_.end() ? kNoClaim : it->second;
}

void ClaimTable::attach(std::uint32_t ref, std::uint64_t msg) {
  Claim& claim = at(ref);
  claim.messages.push_back(msg);
  if (claim.active) ++held_;
}

void ClaimTable::detach(std::uint32_t ref, std::uint64_t msg) noexcept {
  Claim& claim = at(ref);
  auto it = std::lower_bound(claim.messages.begin(), claim.messages.end(), msg);
  if (it == claim.messages.end() || *it != msg) return;
  claim.messages.erase(it);
  if (claim.active) --held_;
  if (claim.messages.empty()) free(ref);
}

void ClaimTable::free(std::uint32_t ref) noexcept {
  Claim& claim = at(ref);
  deactivate(ref);
  by_seq_.erase(claim.seq);
  claim.seq = 0;
  claim.messages.clear();
  claim.messages.shrink_to_fit();
  // Never fails: capacity for every slot is reserved when the slot is created.
  free_slots_.push_back(ref);
}

void ClaimTable::restart(std::uint32_t ref, TimeMs started, TimeMs expires, std::int64_t ttl_s) {
  Claim& claim = at(ref);
  deactivate(ref);
  claim.started = started;
  claim.expires = expires;
  claim.ttl_s = ttl_s;
  active_.emplace(expires, ref);
  claim.active = true;
  held_ += static_cast<std::int64_t>(claim.messages.size());
}

std::size_t ClaimTable::settle(TimeMs now, std::size_t budget) noexcept {
  std::size_t retired = 0;
  while (retired < budget && !active_.empty() && active_.begin()->first <= now) {
    deactivate(active_.begin()->second);
    ++retired;
  }
  return retired;
}

void ClaimTable::deactivate(std::uint32_t ref) noexcept {
  Claim& claim = at(ref);
  if (!claim.active) return;
  active_.erase({claim.expires, ref});
  held_ -= static_cast<std::int64_t>(claim.messages.size());
  claim.active = false;
}

}  // namespace warren::store::memory
