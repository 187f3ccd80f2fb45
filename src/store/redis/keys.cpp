// Key names and identifiers of the redis engine (see keys.h).
#include "store/redis/keys.h"

#include <charconv>

#include <fmt/format.h>

#include "common/random.h"

namespace warren::store::redis::keys {

std::string escape_project(std::string_view project) {
  std::string out;
  out.reserve(project.size());
  for (char c : project) {
    if (c == '%' || c == '{' || c == '}' || c == '/') {
      fmt::format_to(std::back_inserter(out), "%{:02X}", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string queue_prefix(QueueRef queue) {
  return fmt::format("w:{{{}/{}}}", escape_project(queue.project), queue.name);
}

QueueKeys::QueueKeys(QueueRef queue) {
  std::string prefix = queue_prefix(queue);
  // FNV-1a, 64 bits: enough to tell queues' ids apart, stable across processes and versions.
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : prefix) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  id_suffix_ = fmt::format("{:016x}", hash);
  prefix_ = prefix.size();
  std::size_t size = prefix_;
  for (auto suffix : kSuffixes) size += prefix_ + 1 + suffix.size();
  text_.reserve(size);  // views below point into text_: it must never reallocate
  text_ = prefix;
  for (std::size_t i = 0; i < kCount; ++i) {
    std::size_t at = text_.size();
    text_ += prefix;
    text_ += ':';
    text_ += kSuffixes[i];
    keys_[i] = std::string_view(text_).substr(at);
  }
}

std::string project_queues(std::string_view project) {
  return fmt::format("w:{{{}}}:queues", escape_project(project));
}

std::string rate_bucket(std::string_view bucket) {
  return fmt::format("w:rate:{{{}}}", escape_project(bucket));
}

std::string internal_id(std::int64_t seq) { return fmt::format("{:016x}", seq); }

std::string message_id(std::int64_t seq, std::string_view suffix) {
  return public_id(internal_id(seq), suffix);
}

std::optional<std::int64_t> parse_message_id(std::string_view id, std::string_view suffix) {
  if (id.size() != 16 + suffix.size() || id.substr(16) != suffix) return std::nullopt;
  id = id.substr(0, 16);
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), value, 16);
  if (ec != std::errc() || value == 0 || value > (std::uint64_t{1} << 53)) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

std::string random_id() {
  const std::uint64_t high = random_u64();
  return fmt::format("{:016x}{:016x}", high, random_u64());
}

bool is_random_id(std::string_view id) noexcept {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace warren::store::redis::keys
