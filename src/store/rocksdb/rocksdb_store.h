// The rocksdb engine (`warren serve --storage rocksdb`, the default): durable queues in an
// embedded RocksDB database. Implements the whole storage contract (store/store.h).
//
// Design in brief (docs/rocksdb.md has the details, the key layout and what each fsync mode can
// lose):
// - The memory engine's index (memory/index.h) serves every operation; it is rebuilt from the
//   database at start-up. Each locked section's changes are encoded into one atomic write and
//   logged in index order (op_journal.h).
// - Group commit (committer.h): one thread writes everything submitted since its last write as
//   one batch with one WAL sync; callers suspend and resume on their own loop when their log
//   position is durable. No event loop touches the disk.
// - Answers wait for the durability of whatever they show, so nothing a client sees can vanish
//   in a crash; a failed write or sync makes the engine read-only (storage_read_only) until it is
//   restarted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/errors.h"
#include "store/store.h"

namespace rocksdb {
class Env;
}

namespace warren::store {

enum class FsyncPolicy {
  always,  // acknowledge after the WAL is synced (group commit); the default
  batch,   // acknowledge after the WAL write; sync at most every fsync_interval
  never,   // acknowledge after the WAL write; never sync explicitly
};

// How to treat a write-ahead log that does not end cleanly when the database opens.
enum class WalRecovery {
  // A torn last record (a write in flight at a crash) is dropped; any other corruption refuses
  // to start, because replaying past it or stopping before it could lose acknowledged writes.
  strict,
  // Recover up to the first corrupt record and drop the rest (operator's last resort).
  point_in_time,
};

struct RocksStoreOptions {
  std::string path = "./data";  // created if missing
  FsyncPolicy fsync = FsyncPolicy::always;
  std::chrono::milliseconds fsync_interval{
      10};  // batch: the longest an acknowledged write stays unsynced
  WalRecovery wal_recovery = WalRecovery::strict;
  std::size_t shards = 64;  // of the in-memory index (memory_store.h)
  std::int64_t max_stored_bytes = 0;  // of the in-memory index (memory_store.h); 0: unbounded
  // Start-up logs its progress every this many messages loaded.
  std::size_t progress_every = 250000;
  // The clock start-up uses to drop expired messages (wall-clock ms); the system clock if empty.
  std::function<TimeMs()> clock;
  // The RocksDB environment (tests inject faults through it); the real file system if null.
  std::shared_ptr<rocksdb::Env> env;
};

// What start-up found (for logs and tests).
struct LoadStats {
  std::int64_t queues = 0;
  std::int64_t messages = 0;
  std::int64_t expired = 0;  // expired messages dropped at load
  std::int64_t claims = 0;
  std::int64_t subscriptions = 0;
  double seconds = 0;
};

// Group-commit counters (for tests and benchmarks).
struct DurabilityStats {
  std::uint64_t sections = 0;  // atomic writes submitted
  std::uint64_t groups = 0;    // RocksDB writes made of them
  std::uint64_t syncs = 0;     // WAL syncs
  std::uint64_t bytes = 0;
};

class RocksStore : public Store {
 public:
  virtual LoadStats load_stats() const = 0;
  virtual DurabilityStats durability_stats() const = 0;
};

// Opens (or creates) the database at options.path and rebuilds the index. Blocks until loaded;
// call it before the event loops start. Errors: startup_failed, with the reason (the directory
// is locked by another process, a record is corrupt, ...).
Result<std::unique_ptr<RocksStore>> make_rocksdb_store(RocksStoreOptions options);

}  // namespace warren::store
