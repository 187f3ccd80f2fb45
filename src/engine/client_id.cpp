// UUID canonicalisation with Python's uuid.UUID() leniency.
#include "engine/client_id.h"

#include <array>
#include <cstdint>
#include <string>

namespace warren::engine {

namespace {

std::string replace_all(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, what.size(), what) == 0) {
      i += what.size();
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

}  // namespace

namespace {

// Hex digit value, or -1.
constexpr std::array<std::int8_t, 256> kHex = [] {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
  return table;
}();

// The usual spelling, 8-4-4-4-12 hex digits, without the general path's copies.
std::optional<CanonicalUuid> canonical_hyphenated(std::string_view text) {
  constexpr char kLower[] = "0123456789abcdef";
  CanonicalUuid uuid;
  std::size_t count = 0;
  for (std::size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const std::int8_t v = kHex[static_cast<unsigned char>(text[i])];
    if (v < 0) return std::nullopt;
    uuid.hex[count++] = kLower[v];
  }
  return uuid;
}

// The compact spelling zaqarclient sends: 32 hex digits.
std::optional<CanonicalUuid> canonical_compact(std::string_view text) {
  constexpr char kLower[] = "0123456789abcdef";
  CanonicalUuid uuid;
  for (std::size_t i = 0; i < 32; ++i) {
    const std::int8_t v = kHex[static_cast<unsigned char>(text[i])];
    if (v < 0) return std::nullopt;
    uuid.hex[i] = kLower[v];
  }
  return uuid;
}

}  // namespace

std::optional<CanonicalUuid> canonical_uuid(std::string_view text) {
  if (text.size() == 36) {
    if (auto uuid = canonical_hyphenated(text)) return uuid;
  } else if (text.size() == 32) {
    return canonical_compact(text);
  }
  // uuid.UUID(hex): hex.replace('urn:', '').replace('uuid:', '').strip('{}').replace('-', '')
  // then exactly 32 hex digits. (Python's int() would also take '0x' or '_'; we do not.)
  std::string stripped;
  std::string_view s = text;
  if (text.find(':') != std::string_view::npos) {
    stripped = replace_all(replace_all(text, "urn:"), "uuid:");
    s = stripped;
  }
  while (!s.empty() && (s.front() == '{' || s.front() == '}')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '{' || s.back() == '}')) s.remove_suffix(1);
  CanonicalUuid uuid;
  std::size_t count = 0;
  for (const char c : s) {
    if (c == '-') continue;
    if (count == 32) return std::nullopt;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
      uuid.hex[count++] = c;
    } else if (c >= 'A' && c <= 'F') {
      uuid.hex[count++] = static_cast<char>(c - 'A' + 'a');
    } else {
      return std::nullopt;
    }
  }
  if (count != 32) return std::nullopt;
  return uuid;
}

Result<std::string_view> check_client_id(std::string_view text, const ClientIdRules& rules,
                                         CanonicalUuid& storage) {
  if (!rules.uuid_safe) {
    if (text.size() < rules.min_length || text.size() > rules.max_length) {
      return make_error(Errc::client_id_length, rules.min_length, rules.max_length);
    }
    return text;
  }
  const auto uuid = canonical_uuid(text);
  if (!uuid) return make_error(Errc::client_id_malformed);
  storage = *uuid;
  return storage.view();
}

}  // namespace warren::engine
