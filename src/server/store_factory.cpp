// Storage engine selection.
#include "server/store_factory.h"

#include "store/memory/memory_store.h"
#include "store/redis/redis_store.h"
#include "store/rocksdb/rocksdb_store.h"

namespace warren::server {

Result<std::unique_ptr<store::Store>> make_store(const StorageOptions& options) {
  switch (options.engine) {
    case Engine::memory:
      return store::make_memory_store(options.memory);
    case Engine::rocksdb: {
      auto made = store::make_rocksdb_store(options.rocksdb);
      if (!made) return made.error();
      return std::unique_ptr<store::Store>(std::move(*made));
    }
    case Engine::redis: {
      auto made = store::redis::make_redis_store(options.redis);
      if (!made) return make_error(Errc::startup_failed, made.error().description);
      return std::move(*made);
    }
  }
  return make_error(Errc::startup_failed, "no storage engine chosen");
}

}  // namespace warren::server
