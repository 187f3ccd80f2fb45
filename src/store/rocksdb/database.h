// Database: the open RocksDB instance of the rocksdb engine with its column families (codec.h),
// opened with the options docs/rocksdb.md explains.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "common/errors.h"
#include "store/rocksdb/codec.h"
#include "store/rocksdb/rocksdb_store.h"

namespace warren::store::rocks {

class Database {
 public:
  // Opens or creates the database at options.path (creating the directory). Errors:
  // startup_failed, naming the path and RocksDB's reason.
  static Result<std::unique_ptr<Database>> open(const RocksStoreOptions& options);
  // Closes the database (everything written is in the WAL or in tables).
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB& db() noexcept { return *db_; }
  // Column family handles indexed by Cf.
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles() const noexcept { return handles_; }
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const noexcept { return handles_[cf]; }

 private:
  Database() = default;

  std::shared_ptr<rocksdb::Env> env_;  // keeps an injected environment alive
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace warren::store::rocks
