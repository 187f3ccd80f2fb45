// FaultyFs: the real file system, except for write-ahead-log files (*.log), whose appends and
// syncs a test can make fail (disk full, I/O error) or hold at a gate until it opens. Passed to
// the engine as a RocksDB Env (RocksStoreOptions::env).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace warren::store::testing {

class FaultyFs : public rocksdb::FileSystemWrapper {
 public:
  FaultyFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

  static const char* kClassName() { return "WarrenFaultyFs"; }
  const char* Name() const override { return kClassName(); }

  // A RocksDB environment over this file system.
  static std::shared_ptr<rocksdb::Env> env_of(const std::shared_ptr<FaultyFs>& fs) {
    return std::shared_ptr<rocksdb::Env>(rocksdb::NewCompositeEnv(fs).release());
  }

  std::atomic<bool> fail_appends{false};  // WAL appends fail: "No space left on device"
  std::atomic<bool> fail_syncs{false};    // WAL syncs fail: an I/O error
  std::atomic<int> syncs{0};              // WAL syncs that reached the disk

  // While closed, WAL syncs wait at the gate.
  void close_gate() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  void open_gate() {
    {
      std::lock_guard lock(mutex_);
      closed_ = false;
    }
    changed_.notify_all();
  }
  // Waits until a sync is held at the gate; false after `timeout`.
  bool wait_until_held(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return held_ > 0; });
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = target()->NewWritableFile(name, options, result, dbg);
    wrap(name, status, result);
    return status;
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = target()->ReuseWritableFile(name, old_name, options, result, dbg);
    wrap(name, status, result);
    return status;
  }

 private:
  class WalFile : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    WalFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultyFs& fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_.fail_appends) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      return target()->Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_.fail_appends) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      return target()->Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus held = fs_.pass_gate(); !held.ok()) return held;
      rocksdb::IOStatus status = target()->Sync(options, dbg);
      if (status.ok()) ++fs_.syncs;
      return status;
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus held = fs_.pass_gate(); !held.ok()) return held;
      rocksdb::IOStatus status = target()->Fsync(options, dbg);
      if (status.ok()) ++fs_.syncs;
      return status;
    }

   private:
    FaultyFs& fs_;
  };

  static bool is_wal(const std::string& name) {
    return name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0;
  }
  void wrap(const std::string& name, const rocksdb::IOStatus& status,
            std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (status.ok() && is_wal(name)) *result = std::make_unique<WalFile>(std::move(*result), *this);
  }
  rocksdb::IOStatus pass_gate() {
    std::unique_lock lock(mutex_);
    if (closed_) {
      ++held_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !closed_; });
      --held_;
    }
    if (fail_syncs) return rocksdb::IOStatus::IOError("injected: fdatasync failed (EIO)");
    return rocksdb::IOStatus::OK();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  bool closed_ = false;
  int held_ = 0;
};

}  // namespace warren::store::testing
