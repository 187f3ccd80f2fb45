// Request: one parsed HTTP/1.x request. Every string is a view into the connection's read
// buffer (or, for a body that arrived in pieces, its body buffer), valid until the handler
// returns; nothing is allocated per request once a connection's vectors have grown.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/beast/http/verb.hpp>

namespace warren::http {

class RequestScope;

struct Header {
  std::string_view name;
  std::string_view value;
};

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string_view method_text;
  std::string_view target;  // the request-target as sent
  std::string_view path;    // target up to '?', not percent-decoded
  std::string_view query;   // after '?', without it; "" if none
  unsigned version = 11;    // 10 or 11
  bool keep_alive = true;
  bool expect_continue = false;
  bool upgrade = false;     // "Connection: upgrade" with an Upgrade header
  std::optional<std::uint64_t> content_length;
  std::string_view body;
  std::vector<Header> headers;  // in arrival order
  // Set by the connection for the handler: cancellation of this request (request_scope.h).
  // Null where nothing can cancel it (requests built by tests).
  RequestScope* scope = nullptr;

  // The first header named `name` (ASCII case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const noexcept;

  // Forgets the previous request, keeping the vectors' capacity.
  void clear() noexcept;

  // Re-points every view into [from, from + size) at the same offset within `to`: the
  // connection calls it after copying an unfinished request's bytes from `from` to `to`.
  void relocate(const char* from, std::size_t size, const char* to) noexcept;
};

}  // namespace warren::http
