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

Result<std::unique_ptr<store::Store>> open_pool_engine(const StorageOptions& base,
                                                       std::string_view uri) {
  StorageOptions options = base;
  if (uri == "memory:" || uri == "memory://") {
    options.engine = Engine::memory;
  } else if (uri.starts_with("rocksdb:///") && uri.size() > 11) {
    options.engine = Engine::rocksdb;
    options.rocksdb.path = std::string(uri.substr(10));
  } else if (uri.starts_with("redis://") && uri.size() > 8) {
    options.engine = Engine::redis;
    options.redis.url = std::string(uri);
  } else {
    return make_error(Errc::pool_uri_invalid, uri);
  }
  return make_store(options);
}

}  // namespace warren::server
