// Builds the storage engine `--storage` names.
#pragma once

#include <memory>

#include "common/errors.h"
#include "server/serve_options.h"
#include "store/store.h"

namespace warren::server {

// The engine for `options`. Errors: startup_failed (with the reason).
Result<std::unique_ptr<store::Store>> make_store(const StorageOptions& options);

}  // namespace warren::server
