// Builds the storage engine `--storage` names, and those pool URIs name.
#pragma once

#include <memory>

#include "common/errors.h"
#include "server/serve_options.h"
#include "store/store.h"

namespace warren::server {

// The engine for `options`. Errors: startup_failed (with the reason).
Result<std::unique_ptr<store::Store>> make_store(const StorageOptions& options);

// The engine a pool URI names (docs/pools.md), with `base`'s settings otherwise:
// redis://HOST:PORT[,HOST:PORT...] (a Redis Cluster when several), rocksdb:///PATH (an
// absolute path), memory: (this process only). Errors: pool_uri_invalid for any other form;
// the engine's own when it cannot be opened.
Result<std::unique_ptr<store::Store>> open_pool_engine(const StorageOptions& base,
                                                       std::string_view uri);

}  // namespace warren::server
