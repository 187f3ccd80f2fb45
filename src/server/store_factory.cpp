// Storage engine selection.
#include "server/store_factory.h"

#include "store/memory/memory_store.h"
#include "store/redis/redis_store.h"
#include "store/rocksdb/rocksdb_store.h"

namespace warren::server {

Result<std::unique_ptr<store::Store>> make_store(const StorageOptions& options) {
  if (options.engine == "memory") {
    store::MemoryStoreOptions memory;
    memory.shards = options.memory_shards;
    return store::make_memory_store(memory);
  }
  if (options.engine == "rocksdb") {
    store::RocksStoreOptions rocksdb;
    rocksdb.path = options.data_dir;
    rocksdb.fsync = options.fsync == "batch"   ? store::FsyncPolicy::batch
                    : options.fsync == "never" ? store::FsyncPolicy::never
                                               : store::FsyncPolicy::always;
    rocksdb.fsync_interval = options.fsync_batch_interval;
    rocksdb.wal_recovery = options.wal_recovery == "point-in-time"
                               ? store::WalRecovery::point_in_time
                               : store::WalRecovery::strict;
    rocksdb.shards = options.memory_shards;
    auto made = store::make_rocksdb_store(std::move(rocksdb));
    if (!made) return made.error();
    return std::unique_ptr<store::Store>(std::move(*made));
  }
  if (options.engine == "redis") {
    store::redis::RedisStoreOptions redis;
    redis.url = redis_url(options);
    redis.wait_replicas = options.redis_wait_replicas;
    auto made = store::redis::make_redis_store(redis);
    if (!made) return make_error(Errc::startup_failed, made.error().description);
    return std::move(*made);
  }
  return make_error(Errc::startup_failed,
                    fmt::format("the {} storage engine is not part of this build", options.engine));
}

std::string redis_url(const StorageOptions& options) {
  return options.redis_urls.empty() ? std::string("redis://127.0.0.1:6379") : options.redis_urls;
}

}  // namespace warren::server
