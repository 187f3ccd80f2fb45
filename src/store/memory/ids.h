// Identifiers of the memory engine. Message, claim and subscription ids are 24 lowercase hex
// digits: 8 of a prefix (a queue's incarnation, or the store's nonce for subscriptions) and 16 of
// a sequence number. Fixed width makes text order equal numeric order, so a message id is also
// its marker, and an id from a deleted queue never matches its re-created successor.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "store/types.h"

namespace warren::store::memory {

struct IdParts {
  std::uint32_t prefix = 0;  // incarnation of the queue (or the store's subscription nonce)
  std::uint64_t seq = 0;     // position in that incarnation's sequence, from 1
};

inline constexpr std::size_t kIdLength = 24;

// The 24-digit text of `parts`.
ShortId format_id(IdParts parts) noexcept;

// The parts of a well-formed id (exactly 24 lowercase hex digits), else nullopt.
std::optional<IdParts> parse_id(std::string_view text) noexcept;

}  // namespace warren::store::memory
