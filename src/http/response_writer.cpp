// ResponseWriter: status lines, headers, patched Content-Length, Zaqar error bodies.
#include "http/response_writer.h"

#include <charconv>
#include <cstring>
#include <ctime>

#include <boost/beast/http/status.hpp>
#include <fmt/format.h>

#include "common/counters.h"
#include "common/json_writer.h"
#include "common/loop_local.h"

namespace warren::http {
namespace {

// Responses by status class, 1xx to 5xx (canned ones included: each is built as it is sent).
Counter responses_by_class[] = {
    {"warren_http_responses_total", R"(code="1xx")", "HTTP responses sent, by status class."},
    {"warren_http_responses_total", R"(code="2xx")", "HTTP responses sent, by status class."},
    {"warren_http_responses_total", R"(code="3xx")", "HTTP responses sent, by status class."},
    {"warren_http_responses_total", R"(code="4xx")", "HTTP responses sent, by status class."},
    {"warren_http_responses_total", R"(code="5xx")", "HTTP responses sent, by status class."},
};

// Content-Length is written as this many characters, right-aligned with spaces before the
// digits (optional whitespace is allowed before a field value), then patched in place.
constexpr std::size_t kLengthWidth = 10;

void append_status_line(std::string& out, int status) {
  out.append("HTTP/1.1 ");
  char digits[4];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, status);
  out.append(digits, static_cast<std::size_t>(end - digits));
  out.push_back(' ');
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  out.append(reason.data(), reason.size());
  out.append("\r\n");
}

// The Date header's text, made once per second on each loop.
struct DateCache {
  std::time_t second = 0;
  char text[32] = {};
  std::size_t size = 0;
};
LoopLocal<DateCache> date_caches;

}  // namespace

std::string_view http_date_now() noexcept {
  DateCache& cache = date_caches.get();
  const std::time_t now = std::time(nullptr);
  if (now != cache.second) {
    cache.second = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    cache.size = std::strftime(cache.text, sizeof cache.text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  }
  return {cache.text, cache.size};
}

std::string canned_error_response(Errc code) {
  std::string out;
  ResponseWriter writer(out);
  writer.set_close(true);
  writer.error(make_error(code));
  return out;
}

void ResponseWriter::begin(int status) {
  status_ = status;
  if (status >= 100 && status < 600) responses_by_class[status / 100 - 1].add();
  append_status_line(out_, status);
  out_.append("Date: ");
  out_.append(http_date_now());
  out_.append("\r\n");
  if (close_) {
    out_.append("Connection: close\r\n");
  } else if (keep_alive_header_) {
    out_.append("Connection: keep-alive\r\n");
  }
}

void ResponseWriter::header(std::string_view name, std::string_view value) {
  begin_header(name).append(value);
  end_header();
}

std::string& ResponseWriter::begin_header(std::string_view name) {
  out_.append(name);
  out_.append(": ");
  return out_;
}

void ResponseWriter::end_header() {
  out_.append("\r\n");
}

void ResponseWriter::end_without_body() {
  out_.append("\r\n");
}

// Header names Zaqar sets are written in lower case, as falcon writes them: Zaqar's functional
// tests compare them case-sensitively (`'location' in set(resp.headers.keys())`).
void ResponseWriter::end_with_body(std::string_view content_type, std::string_view body) {
  out_.append("content-type: ");
  out_.append(content_type);
  out_.append("\r\nContent-Length: ");
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, body.size());
  out_.append(digits, static_cast<std::size_t>(end - digits));
  out_.append("\r\n\r\n");
  if (!head_) out_.append(body);
}

std::string& ResponseWriter::begin_body(std::string_view content_type) {
  out_.append("content-type: ");
  out_.append(content_type);
  out_.append("\r\nContent-Length: ");
  length_at_ = out_.size();
  out_.append(kLengthWidth, ' ');
  out_.append("\r\n\r\n");
  body_at_ = out_.size();
  return out_;
}

void ResponseWriter::finish_body() {
  const std::size_t length = out_.size() - body_at_;
  char digits[kLengthWidth];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, length);
  const auto count = static_cast<std::size_t>(end - digits);
  std::memcpy(out_.data() + length_at_ + kLengthWidth - count, digits, count);
  if (head_) out_.resize(body_at_);
}

void ResponseWriter::error(const Error& error) {
  error_code_ = error.code;
  begin(error.status());
  // RFC 9110: a 401 names the scheme that would be accepted (the token of X-Auth-Token, as
  // keystonemiddleware's "Keystone" does), and a refusal may say when to come back.
  if (error.status() == 401) header("WWW-Authenticate", "Token realm=\"warren\"");
  if (error.retry_after) header("Retry-After", fmt::format("{}", *error.retry_after));
  std::string& body = begin_body("application/json");
  JsonWriter json(body);
  json.begin_object().key("title").string(error.title());
  if (!error.shown_description().empty()) json.key("description").string(error.shown_description());
  json.end_object();
  finish_body();
}

}  // namespace warren::http
