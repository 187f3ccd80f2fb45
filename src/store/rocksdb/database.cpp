// Opening the rocksdb engine's database: options, column families, the error an operator sees.
#include "store/rocksdb/database.h"

#include <filesystem>
#include <system_error>

#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>

#include "store/rocksdb/codec.h"
#include "store/rocksdb/info_log.h"

namespace warren::store::rocks {
namespace {

rocksdb::DBOptions db_options(const RocksStoreOptions& options) {
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.paranoid_checks = true;
  o.wal_recovery_mode = options.wal_recovery == WalRecovery::strict
                            ? rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords
                            : rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  o.max_background_jobs = 2;
  // Bounds the log replayed at start-up: older WAL files force their column families to flush.
  o.max_total_wal_size = 256u << 20;
  // Our own information log: RocksDB's asserts when a full disk fails its writes (info_log.h).
  o.info_log = std::make_shared<InfoLog>(options.path, rocksdb::InfoLogLevel::INFO_LEVEL);
  if (options.env) o.env = options.env.get();
  return o;
}

rocksdb::ColumnFamilyOptions cf_options(Cf cf) {
  rocksdb::ColumnFamilyOptions o;
  o.level_compaction_dynamic_level_bytes = true;
  if (cf == kMessages || cf == kClaims) {
    // A queue deletes what it appended: compact tables that fill with tombstones early, so the
    // start-up scan and the disk footprint do not grow with the history of the queue.
    o.table_properties_collector_factories.push_back(
        rocksdb::NewCompactOnDeletionCollectorFactory(8192, 4096));
  }
  return o;
}

std::string explain(const std::string& path, const rocksdb::Status& status) {
  std::string text =
      fmt::format("cannot open the rocksdb store in {}: {}", path, status.ToString());
  if (status.IsCorruption()) {
    text +=
        " (the data is damaged somewhere other than the torn tail of the write-ahead log that a "
        "crash can leave; Warren refuses to guess what was acknowledged. Keep a copy of the "
        "directory; --wal-recovery point-in-time starts from the intact prefix of the log)";
  } else if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
    text += " (is another warren serving this --data-dir?)";
  }
  return text;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const RocksStoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return make_error(Errc::startup_failed, fmt::format("cannot create the data directory {}: {}",
                                                        options.path, ec.message()));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int cf = 0; cf < kCfCount; ++cf) {
    families.emplace_back(cf_name(static_cast<Cf>(cf)), cf_options(static_cast<Cf>(cf)));
  }
  std::unique_ptr<Database> database(new Database());
  database->env_ = options.env;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status =
      rocksdb::DB::Open(db_options(options), options.path, families, &database->handles_, &raw);
  if (!status.ok()) return make_error(Errc::startup_failed, explain(options.path, status));
  database->db_.reset(raw);
  return database;
}

Database::~Database() {
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
}

}  // namespace warren::store::rocks
