// The memory engine (`warren serve --storage memory`): volatile, fastest, Burrow's "fast,
// in-memory, unreliable" queue type. Implements the whole storage contract (store/store.h).
//
// Design in brief (details at each file):
// - Queues hash over N shards, each with its own mutex (shard.h), so loops working on different
//   queues run in parallel; every operation on one queue is serialised by its shard's lock.
// - A queue's messages are 48-byte records in sequence order (message_log.h); per-chunk minima of
//   each record's "claimable / unclaimed / visible / expires" times in a segment tree
//   (summary_tree.h) make claims, pops, listing pages and expiry O(log n) in the queue's depth,
//   however many messages are claimed, delayed or expired before the first match. Claim expiry
//   needs no event: a record's claimable time simply is its claim's end.
// - Bodies are store::Body (one allocation each); Client-IDs are interned per queue.
// - Ids: 24 lowercase hex digits, 8 of the queue's incarnation and 16 of a sequence number
//   (ids.h); a re-created queue never reuses an id, and a deleted id still works as a marker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "store/store.h"

namespace warren::store {

struct MemoryStoreOptions {
  // Number of shards (rounded up to a power of two). More shards, less contention between
  // threads working on different queues; each costs about 200 bytes when empty.
  std::size_t shards = 64;
  // Seed of queue incarnations and of the subscription id prefix; random when absent. Fixing it
  // makes ids reproducible (tests).
  std::optional<std::uint32_t> seed;
  // A deleted queue with more messages than this is freed by reap() a budget at a time instead
  // of inside delete_queue(), so deleting a deep queue never stalls the calling loop.
  std::size_t deferred_free_threshold = 4096;
  // > 0: posts are refused (storage_full, 503) once the stored messages would take more than
  // this many bytes, each counted as its body plus 64 bytes for its record (about what it takes
  // in memory). Everything else keeps working, so consumers can drain the backlog.
  std::int64_t max_stored_bytes = 0;
};

// A new, empty memory engine.
std::unique_ptr<Store> make_memory_store(MemoryStoreOptions options = {});

}  // namespace warren::store
