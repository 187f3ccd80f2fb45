// RequestParser: HTTP/1.x request framing by Beast's basic_parser, used lean, with the checks
// of RFC 9112 that Beast leaves to its user: a Transfer-Encoding other than exactly "chunked"
// (400; 501 for a coding before chunked), HTTP/1.1 without exactly one Host (400), an Expect
// other than 100-continue (417), bare LF line endings in the framing (400, at once, rather than
// waiting for a CR that never comes), trailer fields (read and dropped: never request headers),
// and absolute-form targets (served by their path). Fields are captured as views into the
// caller's buffer, the body too when it arrived whole; a body that arrives in pieces (or
// chunked) is gathered in one buffer sized to need. Limits are enforced here and reported as
// typed errors (400, 413, 414, 417, 431, 501, 505); after an error the framing is lost and the
// connection must close.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/beast/http/basic_parser.hpp>

#include "common/errors.h"
#include "http/request.h"

namespace warren::http {

struct ParserLimits {
  std::size_t max_header_bytes = 16 * 1024;  // request line and fields together -> 431
  std::size_t max_target_bytes = 8 * 1024;   // request-target -> 414
  std::size_t max_body_bytes = 1024 * 1024;  // decoded body -> 413
  std::size_t max_header_count = 100;        // fields -> 431
};

enum class ParseStatus {
  need_more,  // feed again with more bytes (the unconsumed ones first)
  complete,   // request() is a whole request
  failed,     // error() says why; the connection must answer it and close
};

class RequestParser {
 public:
  // `limits` must outlive the parser: each request is parsed under their values at the
  // reset() before it (construction for the first), so a change (a SIGHUP reload of the
  // connection's options) applies from the next reset() on.
  explicit RequestParser(const ParserLimits& limits);
  RequestParser(ParserLimits&&) = delete;  // (a temporary would not outlive it)
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;
  ~RequestParser();

  // Parses the next bytes of the stream. `input` must start with the first byte not consumed
  // before; `consumed` receives how many of its bytes were used. Header views stay pointing
  // into earlier input until the request completes: the caller keeps those bytes (or moves them
  // and calls request().relocate()).
  ParseStatus feed(std::string_view input, std::size_t& consumed);

  // True once the header is parsed and the body is still incomplete.
  bool in_body() const noexcept;
  // True once any byte of the current request was consumed.
  bool started() const noexcept;
  // Bytes the parser holds for a body that arrives in pieces (its buffer's capacity: exactly the
  // Content-Length when there is one).
  std::size_t body_buffer_bytes() const noexcept { return body_buffer_.capacity(); }

  Request& request() noexcept { return request_; }
  const Error& error() const noexcept { return error_; }

  // Starts over for the next request on the same connection.
  void reset();

 private:
  // The Beast parser of one request (Beast parsers are one-shot: re-emplaced per request).
  class Beast final : public boost::beast::http::basic_parser<true> {
   public:
    explicit Beast(RequestParser& owner);
    std::optional<Error> custom_error;  // why a callback failed

   private:
    using sv = boost::beast::string_view;
    void fail(Error error, boost::system::error_code& ec);
    // RFC 9112 6.1/6.3: the request's transfer codings must be exactly "chunked".
    void check_transfer_coding(boost::system::error_code& ec);
    void on_request_impl(boost::beast::http::verb method, sv method_text, sv target, int version,
                         boost::system::error_code& ec) override;
    void on_response_impl(int, sv, int, boost::system::error_code& ec) override;
    void on_field_impl(boost::beast::http::field name, sv name_text, sv value,
                       boost::system::error_code& ec) override;
    void on_header_impl(boost::system::error_code& ec) override;
    void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                           boost::system::error_code& ec) override;
    std::size_t on_body_impl(sv piece, boost::system::error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t size, sv extensions,
                              boost::system::error_code& ec) override;
    std::size_t on_chunk_body_impl(std::uint64_t remain, sv piece,
                                   boost::system::error_code& ec) override;
    void on_finish_impl(boost::system::error_code& ec) override;

    RequestParser& owner_;
    std::size_t host_fields_ = 0;
    std::string transfer_codings_;  // every Transfer-Encoding value, joined with ", "
    bool has_transfer_encoding_ = false;
  };

  // True if the framing bytes Beast left unconsumed hold an LF that no CR precedes.
  static bool has_bare_lf(std::string_view unconsumed) noexcept;

  void fail_from(const boost::system::error_code& ec, std::string_view input);

  const ParserLimits& limits_;
  Request request_;
  std::string body_buffer_;  // pieces of a body that did not arrive whole
  bool body_in_pieces_ = false;
  Error error_;
  std::optional<Beast> beast_storage_;
};

}  // namespace warren::http
