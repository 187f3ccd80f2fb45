// Queue names and project ids.
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

Result<void> check_project_id(std::string_view project) {
  if (project.empty()) return make_error(Errc::project_id_empty);
  for (const char c : project) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return make_error(Errc::project_id_invalid);
  }
  return {};
}

}  // namespace warren::engine
