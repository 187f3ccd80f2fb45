// Start-up of the rocksdb engine: reads the whole database once, in key order, and rebuilds the
// in-memory index (queues, then claims, then messages, then subscriptions), logging progress.
// Expired messages and subscriptions are dropped instead of loaded, and deleted from disk with
// whatever else the scan finds dead (claims no message names, records of a vanished queue).
// A record that does not decode stops the start-up with its key: the engine refuses to guess.
#pragma once

#include <cstdint>

#include "common/errors.h"
#include "store/memory/index.h"
#include "store/rocksdb/database.h"
#include "store/rocksdb/rocksdb_store.h"

namespace warren::store::rocks {

struct Loaded {
  LoadStats stats;
  // The store-wide counters the committer continues from.
  std::uint32_t next_incarnation = 0;
  std::uint32_t subscription_nonce = 0;
  std::uint64_t last_subscription = 0;
};

// Fills `index` (fresh, tracking changes) from `database`. A new database is stamped with the
// format version and the index's counters first.
Result<Loaded> load_index(Database& database, memory::Index& index,
                          const RocksStoreOptions& options, TimeMs now);

}  // namespace warren::store::rocks
