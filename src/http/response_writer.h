// ResponseWriter: serialises responses by hand into the connection's output buffer, in request
// order, so all responses to one read leave in one write. Bodies can be written in place (the
// Content-Length is patched afterwards), so a JSON body is never built elsewhere and copied.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace warren::http {

class ResponseWriter {
 public:
  explicit ResponseWriter(std::string& out) noexcept : out_(out) {}

  // Set by the connection before each request.
  void set_head_request(bool head) noexcept { head_ = head; }
  void set_close(bool close) noexcept { close_ = close; }
  void set_keep_alive_header(bool send) noexcept { keep_alive_header_ = send; }
  bool closing() const noexcept { return close_; }

  // Starts a response: status line, Date, and the Connection header the connection needs.
  void begin(int status);
  // The status of the response begun last (0: none yet), for the request's metrics.
  int status() const noexcept { return status_; }
  // One more header (name and value written as given).
  void header(std::string_view name, std::string_view value);
  // A header whose value the caller appends to the returned buffer (no temporary string);
  // end_header() ends it.
  std::string& begin_header(std::string_view name);
  void end_header();

  // Ends the headers of a response without a body (e.g. 204, 304): no Content-Length.
  void end_without_body();
  // Ends the headers and writes `body` with its Content-Type and Content-Length.
  void end_with_body(std::string_view content_type, std::string_view body);

  // Ends the headers with a Content-Length to be patched and returns the buffer to append the
  // body to; finish_body() patches the length. For HEAD the body is dropped again.
  std::string& begin_body(std::string_view content_type);
  void finish_body();

  // A whole error response with Zaqar's error body {"title": ..., "description": ...}
  // (description omitted when empty), Content-Type application/json.
  void error(const Error& error);

  // The error table's code of the last error() (for the access log; forget_error() clears it).
  std::optional<Errc> error_code() const noexcept { return error_code_; }
  void forget_error() noexcept { error_code_.reset(); }

  // Bytes written so far for the current batch.
  std::size_t size() const noexcept { return out_.size(); }

 private:
  std::string& out_;
  bool head_ = false;
  bool close_ = false;
  bool keep_alive_header_ = false;
  int status_ = 0;
  std::optional<Errc> error_code_;
  std::size_t length_at_ = 0;  // where the Content-Length digits go
  std::size_t body_at_ = 0;    // where the body starts
};

// A whole error response that closes the connection, serialised once: for answers written
// outside a connection's normal flow (over the connection limit, header timeout).
std::string canned_error_response(Errc code);

// The Date header value for now ("Sun, 22 Nov 2026 07:24:00 GMT"), cached per thread per second.
std::string_view http_date_now() noexcept;

}  // namespace warren::http
