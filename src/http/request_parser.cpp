// RequestParser: the Beast callbacks that fill a Request, the RFC 9112 checks Beast leaves to its
// user, and the mapping of Beast's errors to Warren's typed errors.
#include "http/request_parser.h"

#include <cctype>
#include <cstring>
#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace warren::http {

namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The origin-form part of an absolute-form target ("http://host:80/v2/x?y" -> "/v2/x?y"), or
// the target itself when it is not absolute-form (RFC 9112 3.2.2: a server MUST accept it).
std::string_view origin_part(std::string_view target) {
  const auto scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos || target.empty() || target.front() == '/') {
    return target;
  }
  const std::string_view scheme = target.substr(0, scheme_end);
  if (!boost::beast::iequals(scheme, "http") && !boost::beast::iequals(scheme, "https")) {
    return target;
  }
  const std::string_view rest = target.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?");
  if (path_start == std::string_view::npos) return "/";
  return rest.substr(path_start);  // "?x" for "http://h?x": the path is then "/"
}

// A Host value that is a uri-host with an optional port: no whitespace, delimiters of other URI
// parts or controls (RFC 9112 3.2: "a Host header field with an invalid field value" is a 400).
bool valid_host(std::string_view host) {
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\') {
      return false;
    }
  }
  return true;
}

}  // namespace

RequestParser::Beast::Beast(RequestParser& owner) : owner_(owner) {
  header_limit(static_cast<std::uint32_t>(owner.limits_.max_header_bytes));
  body_limit(owner.limits_.max_body_bytes);
  eager(true);
}

void RequestParser::Beast::fail(Error error, error_code& ec) {
  custom_error = std::move(error);
  ec = bhttp::error::bad_value;
}

void RequestParser::Beast::on_request_impl(bhttp::verb method, sv method_text, sv target_text,
                                           int version, error_code& ec) {
  Request& r = owner_.request_;
  const std::string_view target = target_text;
  if (target.size() > owner_.limits_.max_target_bytes) {
    return fail(make_error(Errc::http_target_too_long, owner_.limits_.max_target_bytes), ec);
  }
  if (version != 10 && version != 11) return fail(make_error(Errc::http_version_unsupported), ec);
  r.method = method;
  r.method_text = method_text;
  r.target = target;
  r.version = static_cast<unsigned>(version);
  const std::string_view origin = origin_part(target);
  const auto q = origin.find('?');
  r.path = origin.substr(0, q);
  if (r.path.empty()) r.path = "/";
  r.query = q == std::string_view::npos ? std::string_view() : origin.substr(q + 1);
}

void RequestParser::Beast::on_response_impl(int, sv, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // never called for a request parser
}

void RequestParser::Beast::on_field_impl(bhttp::field name, sv name_text, sv value_text,
                                         error_code& ec) {
  // Fields after the header are a chunked body's trailer: read, and dropped. A proxy in front
  // inspects only the header, so nothing in a trailer may act as a request header.
  if (is_header_done()) return;
  Request& r = owner_.request_;
  if (r.headers.size() >= owner_.limits_.max_header_count) {
    return fail(make_error(Errc::http_too_many_headers, owner_.limits_.max_header_count), ec);
  }
  const std::string_view value = value_text;
  r.headers.push_back(Header{name_text, value});
  switch (name) {
    case bhttp::field::host:
      ++host_fields_;
      if (!valid_host(value)) return fail(make_error(Errc::http_malformed, "invalid Host"), ec);
      break;
    case bhttp::field::transfer_encoding:
      if (has_transfer_encoding_) transfer_codings_ += ", ";
      transfer_codings_.append(value);
      has_transfer_encoding_ = true;
      break;
    case bhttp::field::expect: {
      const std::string_view expectation = trim_ows(value);
      if (boost::beast::iequals(expectation, "100-continue")) {
        r.expect_continue = true;
      } else if (!expectation.empty()) {
        return fail(make_error(Errc::http_expectation_failed), ec);
      }
      break;
    }
    default:
      break;
  }
}

void RequestParser::Beast::check_transfer_coding(error_code& ec) {
  // RFC 9112 6.1: a transfer coding list; chunked must be the final coding and is applied once.
  std::vector<std::string_view> codings;
  std::string_view rest = transfer_codings_;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view coding = trim_ows(rest.substr(0, comma));
    if (!coding.empty()) codings.push_back(coding);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  const auto is_chunked = [](std::string_view c) { return boost::beast::iequals(c, "chunked"); };
  if (owner_.request_.version == 10) {
    // RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
    return fail(make_error(Errc::http_malformed, "Transfer-Encoding in an HTTP/1.0 request"), ec);
  }
  if (codings.empty() || !is_chunked(codings.back())) {
    // RFC 9112 6.3: without chunked last, the body's length cannot be known: 400, and close.
    return fail(make_error(Errc::http_malformed, "Transfer-Encoding must end with chunked"), ec);
  }
  if (std::count_if(codings.begin(), codings.end(), is_chunked) > 1) {
    return fail(make_error(Errc::http_malformed, "chunked applied more than once"), ec);
  }
  if (codings.size() > 1) {
    return fail(make_error(Errc::http_transfer_coding_unsupported, codings.front()), ec);
  }
}

void RequestParser::Beast::on_header_impl(error_code& ec) {
  Request& r = owner_.request_;
  if (r.version == 11 && host_fields_ == 0) {
    return fail(make_error(Errc::http_malformed, "an HTTP/1.1 request needs a Host header"), ec);
  }
  if (host_fields_ > 1) {
    return fail(make_error(Errc::http_malformed, "more than one Host header"), ec);
  }
  if (has_transfer_encoding_) {
    check_transfer_coding(ec);
    if (ec) return;
  }
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
    // Sized to need: the body's length (within the body limit, checked with the header).
    if (r.content_length) owner_.body_buffer_.reserve(static_cast<std::size_t>(*r.content_length));
  }
  owner_.body_buffer_.append(piece);
  return piece.size();
}

void RequestParser::Beast::on_chunk_header_impl(std::uint64_t, sv extensions, error_code& ec) {
  // Beast takes control characters, a bare LF among them, inside a quoted extension value;
  // RFC 9112 allows none, and a front end that ends lines at LF would frame the body otherwise.
  for (const char c : extensions) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
      return fail(make_error(Errc::http_malformed, "control character in a chunk extension"), ec);
    }
  }
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

bool RequestParser::has_bare_lf(std::string_view unconsumed) noexcept {
  const char* const begin = unconsumed.data();
  const char* const end = begin + unconsumed.size();
  for (const char* lf = begin; lf < end;) {
    lf = static_cast<const char*>(std::memchr(lf, '\n', static_cast<std::size_t>(end - lf)));
    if (lf == nullptr) return false;
    if (lf == begin || lf[-1] != '\r') return true;
    ++lf;
  }
  return false;
}

ParseStatus RequestParser::feed(std::string_view input, std::size_t& consumed) {
  consumed = 0;
  auto& beast = *beast_storage_;
  while (!beast.is_done()) {
    const std::string_view rest = input.substr(consumed);
    if (rest.empty()) return ParseStatus::need_more;
    error_code ec;
    const std::size_t used = beast.put(boost::asio::const_buffer(rest.data(), rest.size()), ec);
    consumed += used;
    if (ec == bhttp::error::need_more || (!ec && used == 0 && !beast.is_done())) {
      // What Beast leaves unconsumed is framing (the header, a chunk line, the trailer): it
      // waits there for a CRLF, so a bare LF would stall the request until its deadline.
      if (has_bare_lf(input.substr(consumed))) {
        error_ = make_error(Errc::http_malformed, "bare LF line ending");
        return ParseStatus::failed;
      }
      return ParseStatus::need_more;
    }
    if (ec) {
      fail_from(ec, input);
      return ParseStatus::failed;
    }
  }
  return ParseStatus::complete;
}

void RequestParser::fail_from(const error_code& ec, std::string_view input) {
  auto& beast = *beast_storage_;
  if (beast.custom_error) {
    error_ = std::move(*beast.custom_error);
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
