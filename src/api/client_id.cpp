// UUID canonicalisation with Python's uuid.UUID() leniency.
#include "api/client_id.h"

#include <string>

namespace warren::api {

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

std::optional<CanonicalUuid> canonical_uuid(std::string_view text) {
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

}  // namespace warren::api
