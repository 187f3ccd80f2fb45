// The claims of one queue: a slab of claim records addressed by a 4-byte reference (what a
// message record stores), an index from claim number to reference, and the set of claims not
// yet seen expired, which keeps the count of claimed messages exact without visiting messages.
//
// A claim record lives exactly as long as some message names it as its claim: it is created
// with its first message and freed when its last one is deleted, re-claimed or released. So an
// expired claim's id stays visible on its messages (as Zaqar shows a stale claim_id), and a claim
// whose messages are all gone no longer exists (Zaqar's Mongo driver answers 404 for it too).
#pragma once

#include <cstdint>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/types.h"

namespace warren::store::memory {

struct Claim {
  std::uint64_t seq = 0;  // claim number within the queue's incarnation; 0 = free slot
  TimeMs started = 0;     // creation, or the last update_claim
  TimeMs expires = 0;     // the claim holds its messages while now < expires
  std::int64_t ttl_s = 0;
  bool active = false;                  // in the active set: counted in held() until seen expired
  std::vector<std::uint64_t> messages;  // sequence numbers naming this claim, ascending
};

class ClaimTable {
 public:
  // 0 is "no claim": message records store ref = slot + 1.
  static constexpr std::uint32_t kNoClaim = 0;

  // A new claim with no messages yet; returns its reference.
  std::uint32_t create(std::uint64_t seq, TimeMs started, TimeMs expires, std::int64_t ttl_s);

  Claim& at(std::uint32_t ref) noexcept { return slots_[ref - 1]; }
  const Claim& at(std::uint32_t ref) const noexcept { return slots_[ref - 1]; }

  // When the claim `ref` ends (0 for kNoClaim): the per-message keys of the message log.
  TimeMs expires_of(std::uint32_t ref) const noexcept {
    return ref == kNoClaim ? 0 : slots_[ref - 1].expires;
  }

  // The reference of claim number `seq`, or kNoClaim.
  std::uint32_t find(std::uint64_t seq) const noexcept;

  // Adds message `msg` (greater than every message already in it) to the claim.
  void attach(std::uint32_t ref, std::uint64_t msg);
  // Removes message `msg` from the claim, freeing the claim when it was its last message.
  void detach(std::uint32_t ref, std::uint64_t msg) noexcept;
  // Frees the claim whatever its messages (the caller has cleared their references).
  void free(std::uint32_t ref) noexcept;

  // Moves the claim's end (update_claim). A claim seen expired becomes active again.
  void restart(std::uint32_t ref, TimeMs started, TimeMs expires, std::int64_t ttl_s);

  // Retires from the active set every claim that ended at or before `now`; returns how many
  // were retired (bounded by `budget`).
  std::size_t settle(TimeMs now, std::size_t budget = SIZE_MAX) noexcept;

  // The earliest end of an active claim (kNever if none): settle() has work iff it is <= now.
  TimeMs next_expiry() const noexcept {
    return active_.empty() ? std::numeric_limits<TimeMs>::max() : active_.begin()->first;
  }

  // Messages held by active claims: after settle(now), exactly the messages claimed at `now`.
  std::int64_t held() const noexcept { return held_; }

  // Claim records alive (live or expired with messages).
  std::size_t size() const noexcept { return by_seq_.size(); }

 private:
  void deactivate(std::uint32_t ref) noexcept;

  std::vector<Claim> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_seq_;
  std::set<std::pair<TimeMs, std::uint32_t>> active_;  // (expires, ref)
  std::int64_t held_ = 0;
};

}  // namespace warren::store::memory
