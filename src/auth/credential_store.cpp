// CredentialStore: loading, reloading and the per-loop copies.
#include "auth/credential_store.h"

namespace warren::auth {

Result<std::unique_ptr<CredentialStore>> CredentialStore::open(std::string path) {
  std::unique_ptr<CredentialStore> store(new CredentialStore(std::move(path)));
  if (auto loaded = store->reload(); !loaded) return loaded.error();
  return store;
}

Result<void> CredentialStore::reload() {
  auto table = CredentialTable::load(path_);
  if (!table) return table.error();
  auto fresh = std::make_shared<const CredentialTable>(std::move(*table));
  {
    std::lock_guard lock(mutex_);
    table_ = std::move(fresh);
  }
  generation_.fetch_add(1, std::memory_order_release);
  return {};
}

const std::shared_ptr<const CredentialTable>& CredentialStore::current() {
  Snapshot& mine = snapshots_.get();
  if (mine.generation != generation_.load(std::memory_order_acquire)) [[unlikely]]
    refresh(mine);
  return mine.table;
}

void CredentialStore::refresh(Snapshot& mine) {
  std::lock_guard lock(mutex_);
  mine.generation = generation_.load(std::memory_order_acquire);
  // A copy of this loop's own: see the header.
  mine.table = std::make_shared<const CredentialTable>(*table_);
}

}  // namespace warren::auth
