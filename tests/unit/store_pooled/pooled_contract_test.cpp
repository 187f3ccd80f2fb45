// The storage contract suite (tests/unit/store) run through the pooled store: once with every
// queue on the home store (no flavor), once with every queue placed on one of two pools (the
// default flavor), so routing keeps every promise of the contract either way.
#include "run_sync.h"
#include "store/memory/memory_store.h"
#include "store/pooled/pooled_store.h"
#include "store_contract.h"

namespace {

using warren::store::make_memory_store;
using warren::store::Store;
using warren::store::pooled::EngineOpener;
using warren::store::pooled::PooledStore;
using warren::store::pooled::PooledStoreOptions;
using warren::store::pooled::PoolRecord;
using warren::store::testing::EngineUnderTest;
using warren::store::testing::run_sync;

EngineOpener memory_opener() {
  return [](std::string_view) -> warren::Result<std::unique_ptr<Store>> {
    return make_memory_store();
  };
}

EngineUnderTest home_engine() {
  return {"pooled_home", [](boost::asio::io_context&, std::string&) -> std::unique_ptr<Store> {
            auto store = std::make_unique<PooledStore>(make_memory_store(), memory_opener(),
                                                       PooledStoreOptions{});
            if (!store->load()) return nullptr;
            return store;
          }};
}

// One pool of the default flavor: every queue is placed on it. (With several pools, a
// dead-letter queue the store creates by itself may not be its source's: see docs/pools.md.)
EngineUnderTest pooled_engine() {
  return {"pooled_pools", [](boost::asio::io_context& io, std::string&) -> std::unique_ptr<Store> {
            PooledStoreOptions options;
            options.default_flavor = "all";
            auto store =
                std::make_unique<PooledStore>(make_memory_store(), memory_opener(), options);
            if (!store->load()) return nullptr;
            auto put = run_sync(io, store->put_pool(PoolRecord{"only", "memory:", 1, "all", "{}"}));
            if (!put) return nullptr;
            return store;
          }};
}

}  // namespace

WARREN_INSTANTIATE_STORE_CONTRACT(Pooled, home_engine(), pooled_engine())
