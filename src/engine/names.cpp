// Queue names.
#include "engine/names.h"

#include "engine/limits.h"

namespace warren::engine {

bool is_valid_queue_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxQueueNameLength || name == "." || name == "..") {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace warren::engine
