// Request: header lookup and relocation of views.
#include "http/request.h"

#include <cstdint>
#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/beast/core/string.hpp>

namespace warren::http {

std::optional<std::string_view> Request::header(std::string_view name) const noexcept {
  for (const Header& h : headers) {
    // Lengths first: most names differ there, and the comparison stays inline.
    if (h.name.size() == name.size() && boost::beast::iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

void Request::clear() noexcept {
  method = boost::beast::http::verb::unknown;
  method_text = target = path = query = body = {};
  version = 11;
  keep_alive = true;
  expect_continue = false;
  upgrade = false;
  content_length.reset();
  headers.clear();
}

namespace {

void move_view(std::string_view& view, const char* from, std::size_t size, const char* to) {
  const auto at = reinterpret_cast<std::uintptr_t>(view.data());
  const auto begin = reinterpret_cast<std::uintptr_t>(from);
  if (view.data() != nullptr && at >= begin && at < begin + size) {
    view = std::string_view(to + (at - begin), view.size());
  }
}

}  // namespace

void Request::relocate(const char* from, std::size_t size, const char* to) noexcept {
  move_view(method_text, from, size, to);
  move_view(target, from, size, to);
  move_view(path, from, size, to);
  move_view(query, from, size, to);
  move_view(body, from, size, to);
  for (Header& h : headers) {
    move_view(h.name, from, size, to);
    move_view(h.value, from, size, to);
  }
}

}  // namespace warren::http
