// The storage contract suite (tests/unit/store) run against the rocksdb engine: every test on a
// fresh database in a temporary directory, with the default --fsync=always (each write waits for
// its group's WAL sync) and with --fsync=never.
#include <memory>
#include <string>

#include "store/rocksdb/rocksdb_store.h"
#include "store_contract.h"
#include "temp_dir.h"

namespace {

using warren::store::FsyncPolicy;
using warren::store::make_rocksdb_store;
using warren::store::RocksStoreOptions;
using warren::store::testing::EngineUnderTest;
using warren::store::testing::TempDir;

// The directory of the test running now; the next test's factory call replaces it (by then the
// fixture has destroyed the store that used it), the last one goes at exit.
std::unique_ptr<TempDir>& current_dir() {
  static std::unique_ptr<TempDir> dir;
  return dir;
}

EngineUnderTest engine(std::string name, FsyncPolicy fsync) {
  return {std::move(name), [fsync](boost::asio::io_context&, std::string& why_not) {
            current_dir() = std::make_unique<TempDir>();
            RocksStoreOptions options;
            options.path = current_dir()->sub("db");
            options.fsync = fsync;
            auto store = make_rocksdb_store(options);
            if (!store) {
              why_not = store.error().description;
              return std::unique_ptr<warren::store::Store>();
            }
            return std::unique_ptr<warren::store::Store>(std::move(*store));
          }};
}

}  // namespace

WARREN_INSTANTIATE_STORE_CONTRACT(RocksDB, engine("rocksdb", FsyncPolicy::always),
                                  engine("rocksdb_fsync_never", FsyncPolicy::never))
