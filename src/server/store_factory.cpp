// Storage engine selection.
#include "server/store_factory.h"

#include "store/memory/memory_store.h"

namespace warren::server {

Result<std::unique_ptr<store::Store>> make_store(const StorageOptions& options) {
  if (options.engine == "memory") {
    store::MemoryStoreOptions memory;
    memory.shards = options.memory_shards;
    return store::make_memory_store(memory);
  }
  return make_error(Errc::startup_failed,
                    fmt::format("the {} storage engine is not part of this build", options.engine));
}

}  // namespace warren::server
