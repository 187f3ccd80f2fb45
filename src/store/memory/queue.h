// One queue of the memory engine: its metadata, messages, claims and interned clients, and every
// message and claim rule of the storage contract (store.h) applied at a given `now`. The caller
// (MemoryStore) serialises access with the queue's shard lock.
//
// Expired messages are invisible at once (every read checks `expires <= now`) and are removed
// lazily by the operation that meets them, by stats() and by reap(); each is removed once, so the
// cost is amortised O(log n) per message and never a sweep of the queue.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "store/memory/claim_table.h"
#include "store/memory/client_table.h"
#include "store/memory/message_log.h"
#include "store/types.h"

namespace warren::store::memory {

// A message leaving its queue for the dead-letter queue, with the TTL and expiry it will have
// there and the claim left behind.
struct DeadLetter {
  Body body;
  TimeMs created = 0;
  TimeMs expires = 0;
  std::uint32_t ttl_s = 0;
  std::uint32_t claim_count = 0;
  std::string client;
};

// What one bounded reap step of a queue did.
struct QueueReap {
  std::size_t messages = 0;  // expired messages removed
  std::size_t claims = 0;    // claim records freed with them (expired claims left no message)
  std::size_t work = 0;      // units of budget used
};

class Queue {
 public:
  Queue(std::uint32_t incarnation, std::string metadata);
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  std::string metadata;       // opaque JSON object text
  TimeMs scheduled = kNever;  // when its shard's reap schedule next visits it (shard-managed)

  std::uint32_t incarnation() const noexcept { return incarnation_; }
  std::size_t size() const noexcept { return log_.size(); }
  // When its earliest message expires (kNever if empty); exact between operations.
  TimeMs next_expiry() const noexcept { return log_.min_key(kExpires); }

  // ---- messages (store.h has the contract of each) ----
  std::vector<ShortId> post(std::string_view client, std::span<const NewMessage> messages,
                            TimeMs now);
  // Appends a message moved here from another queue's claim (dead-letter policy).
  void append(DeadLetter&& letter);
  MessagePage list(const MessageListOptions& options, TimeMs now);
  std::vector<Message> get(std::span<const std::string_view> ids, TimeMs now);
  Result<void> delete_one(std::string_view id, std::optional<std::string_view> claim_id,
                          TimeMs now);
  void delete_many(std::span<const std::string_view> ids, TimeMs now);
  std::vector<Message> pop(int limit, TimeMs now);
  void purge(TimeMs now);
  QueueStats stats(TimeMs now);

  // ---- claims ----
  // Messages the dead-letter policy moves are appended to `moved` for the caller to deliver.
  ClaimResult claim(const ClaimParams& params, TimeMs now, std::vector<DeadLetter>& moved);
  Result<ClaimInfo> get_claim(QueueRef ref, std::string_view claim_id, TimeMs now);
  Result<void> update_claim(QueueRef ref, std::string_view claim_id, std::int64_t ttl_s,
                            std::int64_t grace_s, TimeMs now);
  void release_claim(std::string_view claim_id);

  // ---- maintenance ----
  // Removes expired messages (and claims left with none), at most `budget` of them.
  QueueReap reap(TimeMs now, std::size_t budget);
  // Frees about `budget` messages of a deleted queue; returns how many.
  std::size_t drain(std::size_t budget) noexcept { return log_.drain(budget); }

 private:
  // The sequence number of `id` if it is a well-formed id of this incarnation.
  std::optional<std::uint64_t> own_seq(std::string_view id) const noexcept;
  // The live claim reference named by `claim_id`, or kNoClaim.
  std::uint32_t live_claim(std::string_view claim_id, TimeMs now) const noexcept;
  Message to_message(std::uint64_t seq, const Record& record) const;
  void remove(std::uint64_t seq);
  // Stretches a claimed message so it lives at least until claim_end + grace.
  static void stretch(Record& record, TimeMs claim_end, std::int64_t ttl_s,
                      std::int64_t grace_s) noexcept;

  std::uint32_t incarnation_;
  std::uint64_t last_claim_seq_ = 0;
  ClaimTable claims_;
  ClientTable clients_;
  MessageLog log_{claims_};
};

}  // namespace warren::store::memory
