// Client-ID checks (Zaqar transport/validation.py): a UUID in any form Python's uuid.UUID()
// accepts, or, with strict checking off, any string of a configured length.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace warren::api {

// The 32 lowercase hex digits of a UUID written as Python's uuid.UUID() accepts it ("urn:" and
// "uuid:" prefixes, braces and hyphens anywhere are ignored; 32 hex digits must remain), or
// nullopt. Two spellings of one UUID give the same canonical text, as Zaqar compares UUIDs.
struct CanonicalUuid {
  std::array<char, 32> hex{};
  std::string_view view() const noexcept { return {hex.data(), hex.size()}; }
};
std::optional<CanonicalUuid> canonical_uuid(std::string_view text);

}  // namespace warren::api
