// Client-ID checks (Zaqar transport/validation.py): a UUID in any form Python's uuid.UUID()
// accepts, or, with strict checking off, any string of a configured length.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "common/errors.h"

namespace warren::engine {

// The 32 lowercase hex digits of a UUID written as Python's uuid.UUID() accepts it ("urn:" and
// "uuid:" prefixes, braces and hyphens anywhere are ignored; 32 hex digits must remain), or
// nullopt. Two spellings of one UUID give the same canonical text, as Zaqar compares UUIDs.
struct CanonicalUuid {
  std::array<char, 32> hex{};
  std::string_view view() const noexcept { return {hex.data(), hex.size()}; }
};
std::optional<CanonicalUuid> canonical_uuid(std::string_view text);

// Zaqar's Client-ID rules: client_id_uuid_safe, and the length bounds when it is off.
struct ClientIdRules {
  bool uuid_safe = true;
  std::size_t min_length = 10;
  std::size_t max_length = 36;
};

// The one Client-ID check of every transport. With rules.uuid_safe, `text` must be a UUID and
// its canonical text is returned (held in `storage`, which must outlive the view); otherwise any
// text of min..max bytes is returned as sent. Errors: client_id_malformed, client_id_length.
Result<std::string_view> check_client_id(std::string_view text, const ClientIdRules& rules,
                                         CanonicalUuid& storage);

}  // namespace warren::engine
