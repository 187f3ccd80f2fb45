// RequestParser: the Beast callbacks that fill a Request, and the mapping of Beast's errors to
// Warren's typed errors.
#include "http/request_parser.h"

#include <cctype>
#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace warren::http {

namespace bhttp = boost::beast::http;
using boost::system::error_code;

RequestParser::Beast::Beast(RequestParser& owner) : owner_(owner) {
  header_limit(static_cast<std::uint32_t>(owner.limits_.max_header_bytes));
  body_limit(owner.limits_.max_body_bytes);
  eager(true);
}

void RequestParser::Beast::fail(Errc code, error_code& ec) {
  custom_error = code;
  custom_failed = true;
  ec = bhttp::error::bad_value;
}

void RequestParser::Beast::on_request_impl(bhttp::verb method, sv method_text, sv target_text, int version,
                            error_code& ec) {
  Request& r = owner_.request_;
  const std::string_view target = target_text;
  if (target.size() > owner_.limits_.max_target_bytes) return fail(Errc::http_target_too_long, ec);
  if (version != 10 && version != 11) return fail(Errc::http_version_unsupported, ec);
  r.method = method;
  r.method_text = method_text;
  r.target = target;
  r.version = static_cast<unsigned>(version);
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

void RequestParser::Beast::on_response_impl(int, sv, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // never called for a request parser
}

void RequestParser::Beast::on_field_impl(bhttp::field name, sv name_text, sv value, error_code& ec) {
  Request& r = owner_.request_;
  if (r.headers.size() >= owner_.limits_.max_header_count) {
    return fail(Errc::http_headers_too_large, ec);
  }
  r.headers.push_back(Header{name_text, value});
  if (name == bhttp::field::expect && boost::beast::iequals(value, "100-continue")) {
    r.expect_continue = true;
  }
}

void RequestParser::Beast::on_header_impl(error_code&) {
  Request& r = owner_.request_;
  r.keep_alive = keep_alive();
  r.upgrade = upgrade();
  if (const auto length = content_length()) r.content_length = *length;
}

void RequestParser::Beast::on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) {}

std::size_t RequestParser::Beast::on_body_impl(sv piece_text, error_code&) {
  Request& r = owner_.request_;
  const std::string_view piece = piece_text;
  // The usual case: the whole body is in this one piece; keep it as a view.
  if (!owner_.body_in_pieces_ && r.body.empty() && r.content_length &&
      piece.size() == *r.content_length) {
    r.body = piece;
    return piece.size();
  }
  if (!owner_.body_in_pieces_) {
    owner_.body_in_pieces_ = true;
    owner_.body_buffer_.clear();
  }
  owner_.body_buffer_.append(piece);
  return piece.size();
}

void RequestParser::Beast::on_chunk_header_impl(std::uint64_t, sv, error_code&) {
  if (!owner_.body_in_pieces_) {
    owner_.body_in_pieces_ = true;
    owner_.body_buffer_.clear();
  }
}

std::size_t RequestParser::Beast::on_chunk_body_impl(std::uint64_t, sv piece, error_code&) {
  owner_.body_buffer_.append(piece.data(), piece.size());
  return piece.size();
}

void RequestParser::Beast::on_finish_impl(error_code&) {
  if (owner_.body_in_pieces_) owner_.request_.body = owner_.body_buffer_;
}

RequestParser::RequestParser(const ParserLimits& limits) : limits_(limits) {
  request_.headers.reserve(16);
  reset();
}

RequestParser::~RequestParser() = default;

void RequestParser::reset() {
  request_.clear();
  body_in_pieces_ = false;
  // Keep a large body buffer from pinning memory on an idle connection.
  if (body_buffer_.capacity() > 64 * 1024) std::string().swap(body_buffer_);
  body_buffer_.clear();
  beast_storage_.emplace(*this);
}

bool RequestParser::in_body() const noexcept {
  return beast_storage_->is_header_done() && !beast_storage_->is_done();
}

bool RequestParser::started() const noexcept { return beast_storage_->got_some(); }

ParseStatus RequestParser::feed(std::string_view input, std::size_t& consumed) {
  consumed = 0;
  auto& beast = *beast_storage_;
  while (!beast.is_done()) {
    const std::string_view rest = input.substr(consumed);
    if (rest.empty()) return ParseStatus::need_more;
    error_code ec;
    const std::size_t used = beast.put(boost::asio::const_buffer(rest.data(), rest.size()), ec);
    consumed += used;
    if (ec == bhttp::error::need_more) return ParseStatus::need_more;
    if (ec) {
      fail_from(ec, input);
      return ParseStatus::failed;
    }
    if (used == 0 && !beast.is_done()) return ParseStatus::need_more;
  }
  return ParseStatus::complete;
}

void RequestParser::fail_from(const error_code& ec, std::string_view input) {
  auto& beast = *beast_storage_;
  if (beast.custom_failed) {
    switch (beast.custom_error) {
      case Errc::http_target_too_long: error_ = make_error(beast.custom_error, limits_.max_target_bytes); break;
      case Errc::http_headers_too_large: error_ = make_error(beast.custom_error, limits_.max_header_bytes); break;
      case Errc::http_version_unsupported: error_ = make_error(beast.custom_error); break;
      default: error_ = make_error(Errc::http_malformed, "invalid header value"); break;
    }
    return;
  }
  if (ec == bhttp::error::header_limit) {
    // A request line that alone exceeds the target limit is a 414, not a 431. Once Beast has
    // reported the request line, the input starts at the fields.
    const auto line_end = input.find("\r\n");
    const std::size_t line = line_end == std::string_view::npos ? input.size() : line_end;
    if (request_.target.empty() && line > limits_.max_target_bytes) {
      error_ = make_error(Errc::http_target_too_long, limits_.max_target_bytes);
    } else {
      error_ = make_error(Errc::http_headers_too_large, limits_.max_header_bytes);
    }
    return;
  }
  if (ec == bhttp::error::bad_version && request_.target.empty()) {
    // Beast knows only HTTP/1.x; another well-formed version is a 505, not a 400.
    const std::string_view line = input.substr(0, input.find("\r\n"));
    const auto space = line.rfind(' ');
    const std::string_view version = space == std::string_view::npos ? line : line.substr(space + 1);
    if (version.size() == 8 && version.starts_with("HTTP/") && std::isdigit(static_cast<unsigned char>(version[5])) &&
        version[6] == '.' && std::isdigit(static_cast<unsigned char>(version[7]))) {
      error_ = make_error(Errc::http_version_unsupported);
      return;
    }
  }
  if (ec == bhttp::error::body_limit) {
    error_ = make_error(Errc::http_body_too_large, limits_.max_body_bytes);
    return;
  }
  error_ = make_error(Errc::http_malformed, ec.message());
}

}  // namespace warren::http
