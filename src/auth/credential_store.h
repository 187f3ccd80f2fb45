// CredentialStore: the credentials file in force (`--credentials FILE`), reloaded on SIGHUP,
// read by every event loop without a lock. Each loop keeps its own copy of the table, taken when
// it first looks after a reload, so that the principals it hands out (which point into the
// table and hold it) share no reference count with another loop's.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "auth/credentials.h"
#include "common/loop_local.h"

namespace warren::auth {

class CredentialStore {
 public:
  // Loads `path` (errors: credentials_invalid).
  static Result<std::unique_ptr<CredentialStore>> open(std::string path);

  // Reads the file again; on error keeps the table in force and returns why. Any thread.
  Result<void> reload();

  // The table in force, as this loop's copy. Loop thread (or any thread, with a copy of its
  // own). The pointer stays valid while a copy of it is held.
  const std::shared_ptr<const CredentialTable>& current();

  const std::string& path() const noexcept { return path_; }

 private:
  explicit CredentialStore(std::string path) : path_(std::move(path)) {}

  struct Snapshot {
    std::uint64_t generation = 0;
    std::shared_ptr<const CredentialTable> table;
  };
  [[gnu::noinline]] void refresh(Snapshot& mine);

  const std::string path_;
  std::mutex mutex_;
  std::shared_ptr<const CredentialTable> table_;  // guarded by mutex_
  std::atomic<std::uint64_t> generation_{0};      // bumped after table_ changes
  LoopLocal<Snapshot> snapshots_;
};

}  // namespace warren::auth
