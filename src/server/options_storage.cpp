// `warren serve`'s options of the storage engines, bound to each engine's own options.
#include <unistd.h>

#include <boost/program_options.hpp>

#include "server/option_section.h"
#include "server/option_values.h"

namespace warren::server {

namespace po = boost::program_options;

namespace {

// --max-stored-bytes=auto: half the machine's physical memory (the rest for connections,
// buffers, the queues themselves and everything else on the machine); 0 if unknown.
std::int64_t half_of_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<std::int64_t>(pages) * page_size / 2;
}

}  // namespace

OptionSection storage_options(ServeOptions& o) {
  static const ChoiceNames<Engine> kEngines = {
      {"memory", Engine::memory}, {"rocksdb", Engine::rocksdb}, {"redis", Engine::redis}};
  static const ChoiceNames<store::FsyncPolicy> kFsync = {{"always", store::FsyncPolicy::always},
                                                         {"batch", store::FsyncPolicy::batch},
                                                         {"never", store::FsyncPolicy::never}};
  static const ChoiceNames<store::WalRecovery> kRecovery = {
      {"strict", store::WalRecovery::strict},
      {"point-in-time", store::WalRecovery::point_in_time}};
  StorageOptions& s = o.storage;
  auto fsync_ms = std::make_shared<std::int64_t>(s.rocksdb.fsync_interval.count());
  auto max_stored = std::make_shared<ByteSize>();
  auto pool_refresh_ms = std::make_shared<std::int64_t>(s.pools.refresh_interval.count());
  OptionSection section{po::options_description("Storage"), nullptr};
  section.description.add_options()
      ("storage", choice(s.engine, kEngines), "engine: memory | rocksdb | redis")
      ("data-dir", po::value(&s.rocksdb.path)->default_value(s.rocksdb.path), "rocksdb: directory of the database")
      ("fsync", choice(s.rocksdb.fsync, kFsync), "rocksdb: always (acknowledge after the WAL sync; concurrent writes share one) | batch (acknowledge, sync within --fsync-interval-ms) | never (leave syncing to the OS)")
      ("fsync-interval-ms", po::value(fsync_ms.get())->default_value(*fsync_ms), "rocksdb, --fsync=batch: sync at most this often")
      ("wal-recovery", choice(s.rocksdb.wal_recovery, kRecovery), "rocksdb: strict (refuse to start on a corrupt log, past a torn last record) | point-in-time (start from the intact prefix)")
      ("redis", po::value(&s.redis.url)->default_value(s.redis.url), "redis: redis://HOST:PORT[,HOST:PORT...] (several: a Redis Cluster)")
      ("redis-wait-replicas", po::value(&s.redis.wait_replicas)->default_value(0), "redis: after each write, WAIT for this many replicas (narrows the failover loss window)")
      ("max-stored-bytes", po::value(max_stored.get())->default_value(*max_stored), "memory, rocksdb: posts get 503 once stored messages would take more than this (each its body + 64 bytes); sizes like 512MB or 4GiB; auto: half the machine's memory; 0: unbounded")
      ("memory-shards", po::value(&s.memory.shards)->default_value(s.memory.shards), "memory, rocksdb: lock shards of the in-memory index")
      ("pooling", po::bool_switch(&s.pooling), "serve Zaqar's pools and flavors (/v2/pools, /v2/flavors): queues created with a flavor live on a pool of it, the rest on this engine, which keeps the catalog (docs/pools.md)")
      ("pool-refresh-ms", po::value(pool_refresh_ms.get())->default_value(*pool_refresh_ms), "--pooling: reload pools and catalog from this engine at least this often (other nodes' changes)")
      ("max-pools", po::value(&s.pools.max_pools)->default_value(s.pools.max_pools), "--pooling: the most pools there may be")
      ("pool-default-flavor", po::value(&s.pools.default_flavor), "--pooling: place queues created without a flavor on the pools of this flavor (Zaqar's rule for them) instead of this engine")
      ("pool-catalog-max", po::value(&s.pools.max_catalog_entries)->default_value(s.pools.max_catalog_entries), "--pooling: the most catalog entries (pooled queues) a reload reads");
  section.check = [&s, fsync_ms, max_stored, pool_refresh_ms]() -> Result<void> {
    if (*pool_refresh_ms < 100 || *pool_refresh_ms > 3600000) {
      return option_error("--pool-refresh-ms must lie within 100..3600000");
    }
    s.pools.refresh_interval = std::chrono::milliseconds(*pool_refresh_ms);
    if (s.pools.max_pools < 1 || s.pools.max_pools > 1000) {
      return option_error("--max-pools must lie within 1..1000");
    }
    if (*fsync_ms < 1 || *fsync_ms > 60000) {
      return option_error("--fsync-interval-ms must lie within 1..60000");
    }
    s.rocksdb.fsync_interval = std::chrono::milliseconds(*fsync_ms);
    s.rocksdb.shards = s.memory.shards;
    s.memory.max_stored_bytes = max_stored->value ? *max_stored->value : half_of_memory();
    s.rocksdb.max_stored_bytes = s.memory.max_stored_bytes;
    return {};
  };
  return section;
}

}  // namespace warren::server
