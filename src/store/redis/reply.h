// A Redis reply owned by us (hiredis frees its own reply when the callback returns), or a
// transport failure: the connection could not send the command or lost it before the reply.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace warren::store::redis {

struct Reply {
  enum class Type : std::uint8_t { nil, status, error, integer, string, array, failed };

  Type type = Type::nil;
  std::int64_t integer = 0;  // integer replies; for `failed`: 1 if the command may have run
  std::string str;           // string, status and error text; for `failed`: why
  std::vector<Reply> elements;

  // Deep copy of a hiredis reply.
  static Reply from_hiredis(const redisReply& reply);
  // A transport failure. `maybe_sent`: the command may have reached Redis (its effect unknown).
  static Reply failure(std::string why, bool maybe_sent);

  bool is_error() const noexcept { return type == Type::error; }
  bool is_failed() const noexcept { return type == Type::failed; }
  bool is_nil() const noexcept { return type == Type::nil; }
  // An error reply whose text starts with `prefix` followed by a space or the end ("MOVED").
  bool error_is(std::string_view prefix) const noexcept;
  // The integer of an integer reply, or of a string reply holding digits; `fallback` otherwise.
  std::int64_t as_int(std::int64_t fallback = 0) const noexcept;
};

}  // namespace warren::store::redis
