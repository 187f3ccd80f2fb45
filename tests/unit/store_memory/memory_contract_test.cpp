// The storage contract suite (tests/unit/store) run against the memory engine.
#include "store/memory/memory_store.h"
#include "store_contract.h"

namespace {

using warren::store::make_memory_store;
using warren::store::MemoryStoreOptions;
using warren::store::testing::EngineUnderTest;

EngineUnderTest default_engine() {
  return {"memory", [](boost::asio::io_context&, std::string&) { return make_memory_store(); }};
}

// One shard and no deferred frees: every queue of a test shares a lock and a reap schedule.
EngineUnderTest one_shard_engine() {
  return {"memory_one_shard", [](boost::asio::io_context&, std::string&) {
            MemoryStoreOptions options;
            options.shards = 1;
            options.deferred_free_threshold = 0;
            return make_memory_store(options);
          }};
}

}  // namespace

WARREN_INSTANTIATE_STORE_CONTRACT(Memory, default_engine(), one_shard_engine())
