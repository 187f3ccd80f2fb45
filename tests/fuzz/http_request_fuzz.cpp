// Fuzz target: the HTTP request path of untrusted bytes — framing (fed in arbitrary pieces,
// with the connection's relocation of unfinished requests), routing, query decoding and the
// Client-ID check. Any crash, sanitizer report or broken invariant is a finding.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "engine/client_id.h"
#include "api/query.h"
#include "http/request_parser.h"
#include "http/router.h"

namespace {

using warren::http::ParseStatus;
using warren::http::RequestParser;

warren::http::Router<int> make_router() {
  using boost::beast::http::verb;
  warren::http::Router<int> r;
  r.add(verb::get, "/v2/queues/{queue_name}/messages/{message_id}", 1);
  r.add(verb::post, "/v2/queues/{queue_name}/messages", 2);
  r.add(verb::get, "/", 3);
  return r;
}

void inspect(const warren::http::Request& request) {
  static const auto router = make_router();
  const auto match = router.match(request.method, request.path);
  if (match.param_count > warren::http::kMaxRouteParams) __builtin_trap();
  const auto query = warren::api::QueryParams::parse(request.query);
  for (const auto& entry : query.entries()) {
    if (!query.has(entry.name)) __builtin_trap();
    (void)query.get_int(entry.name);
    (void)query.get_bool(entry.name);
    (void)query.get_list(entry.name);
  }
  if (const auto client = request.header("Client-ID")) (void)warren::engine::canonical_uuid(*client);
  // Every view must still be readable.
  volatile std::size_t sum = 0;
  for (const auto& h : request.headers) sum = sum + h.name.size() + h.value.size();
  for (char c : request.body) sum = sum + static_cast<unsigned char>(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte chooses the piece size the bytes arrive in.
  const std::size_t piece = 1 + data[0] % 64;
  const std::string stream(reinterpret_cast<const char*>(data + 1), size - 1);
  warren::http::ParserLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_target_bytes = 512;
  limits.max_body_bytes = 4096;
  RequestParser parser(limits);

  // A buffer managed like the connection's: each new piece goes into a fresh allocation holding
  // the unfinished request's bytes first, and the request's views move with them.
  std::unique_ptr<char[]> buffer;
  std::size_t filled = 0;
  std::size_t begin = 0;          // first unconsumed byte
  std::size_t request_begin = 0;  // first byte of the unfinished request
  for (std::size_t at = 0; at < stream.size(); at += piece) {
    const std::size_t take = std::min(piece, stream.size() - at);
    const std::size_t kept = filled - request_begin;
    auto next = std::make_unique<char[]>(kept + take);
    if (kept > 0) {
      std::memcpy(next.get(), buffer.get() + request_begin, kept);
      parser.request().relocate(buffer.get() + request_begin, kept, next.get());
    }
    std::memcpy(next.get() + kept, stream.data() + at, take);
    buffer = std::move(next);  // the old bytes are freed: a stale view would now be caught
    filled = kept + take;
    begin -= request_begin;
    request_begin = 0;
    while (begin < filled) {
      std::size_t used = 0;
      const ParseStatus status =
          parser.feed(std::string_view(buffer.get() + begin, filled - begin), used);
      begin += used;
      if (status == ParseStatus::failed) return 0;
      if (status == ParseStatus::need_more) break;
      inspect(parser.request());
      parser.reset();
      request_begin = begin;
    }
  }
  return 0;
}
