// Copying hiredis replies into owned Reply trees.
#include "store/redis/reply.h"

#include <hiredis/hiredis.h>

#include <charconv>

namespace warren::store::redis {

Reply Reply::from_hiredis(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = Type::string;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Type::status;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Type::error;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Type::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Type::array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) {
        out.elements.push_back(from_hiredis(*r.element[i]));
      }
      break;
    default:
      out.type = Type::nil;
      break;
  }
  return out;
}

Reply Reply::failure(std::string why, bool maybe_sent) {
  Reply out;
  out.type = Type::failed;
  out.str = std::move(why);
  out.integer = maybe_sent ? 1 : 0;
  return out;
}

bool Reply::error_is(std::string_view prefix) const noexcept {
  if (type != Type::error) return false;
  std::string_view text(str);
  return text.starts_with(prefix) && (text.size() == prefix.size() || text[prefix.size()] == ' ');
}

std::int64_t Reply::as_int(std::int64_t fallback) const noexcept {
  if (type == Type::integer) return integer;
  if (type == Type::string || type == Type::status) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(str.data(), str.data() + str.size(), v);
    if (ec == std::errc() && p == str.data() + str.size()) return v;
  }
  return fallback;
}

}  // namespace warren::store::redis
