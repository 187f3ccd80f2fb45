// Formatting and parsing of the memory engine's 24-hex-digit ids.
#include "store/memory/ids.h"

#include <array>

namespace warren::store::memory {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

ShortId format_id(IdParts parts) noexcept {
  std::array<char, kIdLength> text;
  for (int i = 7; i >= 0; --i) {
    text[static_cast<std::size_t>(i)] = kDigits[parts.prefix & 0xF];
    parts.prefix >>= 4;
  }
  for (int i = 23; i >= 8; --i) {
    text[static_cast<std::size_t>(i)] = kDigits[parts.seq & 0xF];
    parts.seq >>= 4;
  }
  return ShortId::from(std::string_view(text.data(), text.size()));
}

std::optional<IdParts> parse_id(std::string_view text) noexcept {
  if (text.size() != kIdLength) return std::nullopt;
  IdParts parts;
  for (std::size_t i = 0; i < kIdLength; ++i) {
    int v = hex_value(text[i]);
    if (v < 0) return std::nullopt;
    if (i < 8) {
      parts.prefix = (parts.prefix << 4) | static_cast<std::uint32_t>(v);
    } else {
      parts.seq = (parts.seq << 4) | static_cast<std::uint64_t>(v);
    }
  }
  return parts;
}

}  // namespace warren::store::memory
