// ResponseFramer: status line and the framing headers, then the body by length or by chunks.
#include "bench/http_response.h"

#include <cstring>

namespace warren::bench {
namespace {

constexpr std::size_t kMaxHead = 64 * 1024;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Case-insensitive comparison of a header name with a lowercase literal.
bool name_is(std::string_view name, std::string_view lower_literal) {
  if (name.size() != lower_literal.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (lower(name[i]) != lower_literal[i]) return false;
  }
  return true;
}

// True if the comma-separated header value contains `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view lower_token) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (name_is(item, lower_token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool parse_decimal(std::string_view s, std::uint64_t* out) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty() || s.size() > 18) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

ResponseFramer::Status ResponseFramer::parse_head(std::string_view buf, bool head_request) {
  const char* p = buf.data();
  const std::size_t n = buf.size();
  const void* end_marker = memmem(p, n, "\r\n\r\n", 4);
  if (end_marker == nullptr) return n > kMaxHead ? Status::kError : Status::kIncomplete;
  const std::size_t head_len =
      static_cast<std::size_t>(static_cast<const char*>(end_marker) - p) + 4;

  // Status line: HTTP/1.x SSS reason
  if (head_len < 14 || std::memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ') return Status::kError;
  const bool http10 = p[7] == '0';
  if (p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9') {
    return Status::kError;
  }
  State s;
  s.status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
  s.head_len = head_len;
  s.close = http10;
  bool have_length = false;
  bool chunked = false;

  std::size_t pos =
      static_cast<std::size_t>(static_cast<const char*>(memchr(p, '\n', head_len)) - p) + 1;
  while (pos + 2 <= head_len) {
    const char* line = p + pos;
    const char* eol = static_cast<const char*>(memchr(line, '\n', head_len - pos));
    if (eol == nullptr) return Status::kError;
    std::size_t len = static_cast<std::size_t>(eol - line);
    pos += len + 1;
    if (len > 0 && line[len - 1] == '\r') --len;
    if (len == 0) break;
    // Only names starting with c/t matter: Content-Length, Connection, Transfer-Encoding.
    const char first = lower(line[0]);
    if (first != 'c' && first != 't') continue;
    const char* colon = static_cast<const char*>(memchr(line, ':', len));
    if (colon == nullptr) return Status::kError;
    const std::string_view name(line, static_cast<std::size_t>(colon - line));
    const std::string_view value(colon + 1, len - name.size() - 1);
    if (name_is(name, "content-length")) {
      if (!parse_decimal(value, &s.content_length)) return Status::kError;
      have_length = true;
    } else if (name_is(name, "transfer-encoding")) {
      chunked = has_token(value, "chunked");
    } else if (name_is(name, "connection")) {
      if (has_token(value, "close")) s.close = true;
      if (http10 && has_token(value, "keep-alive")) s.close = false;
    }
  }

  if (head_request || s.status == 204 || s.status == 304 || s.status < 200) {
    s.framing = Framing::kNone;
  } else if (chunked) {
    s.framing = Framing::kChunked;
    s.chunk_pos = head_len;
  } else if (have_length) {
    s.framing = Framing::kLength;
  } else {
    s.framing = Framing::kUntilClose;
    s.close = true;
  }
  s.have_head = true;
  state_ = s;
  return Status::kComplete;
}

ResponseFramer::Status ResponseFramer::parse_chunks(std::string_view buf, bool keep_body,
                                                    std::size_t* end) {
  for (;;) {
    const std::size_t pos = state_.chunk_pos;
    const std::size_t eol = buf.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      return buf.size() - pos > 1024 ? Status::kError : Status::kIncomplete;
    }
    // chunk-size [; extensions]
    std::uint64_t size = 0;
    std::size_t i = pos;
    int digits = 0;
    for (; i < eol; ++i) {
      const char c = lower(buf[i]);
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else {
        break;
      }
      if (++digits > 15) return Status::kError;
      size = size * 16 + static_cast<std::uint64_t>(d);
    }
    if (digits == 0) return Status::kError;
    if (size == 0) {
      // Last chunk, then optional trailers, then a blank line.
      std::size_t t = eol + 2;
      for (;;) {
        const std::size_t tl = buf.find("\r\n", t);
        if (tl == std::string_view::npos) return Status::kIncomplete;
        if (tl == t) {
          *end = tl + 2;
          return Status::kComplete;
        }
        t = tl + 2;
      }
    }
    const std::size_t data = eol + 2;
    if (buf.size() < data + size + 2) return Status::kIncomplete;
    if (buf[data + size] != '\r' || buf[data + size + 1] != '\n') return Status::kError;
    if (keep_body) chunked_body_.append(buf.data() + data, size);
    state_.chunk_pos = data + size + 2;
  }
}

ResponseFramer::Status ResponseFramer::next(std::string_view buf, bool head_request, bool keep_body,
                                            Response* out, std::size_t* consumed) {
  // Interim 1xx responses (100 Continue) are skipped: skipped_ counts their bytes, which are
  // reported as consumed together with the final response.
  for (;;) {
    const std::string_view rest = buf.substr(skipped_);
    if (!state_.have_head) {
      const Status st = parse_head(rest, head_request);
      if (st != Status::kComplete) return st;
      chunked_body_.clear();
    }
    std::size_t end = 0;
    switch (state_.framing) {
      case Framing::kNone:
        end = state_.head_len;
        out->body = {};
        break;
      case Framing::kLength:
        if (rest.size() - state_.head_len < state_.content_length) return Status::kIncomplete;
        end = state_.head_len + state_.content_length;
        out->body = rest.substr(state_.head_len, state_.content_length);
        break;
      case Framing::kChunked: {
        const Status st = parse_chunks(rest, keep_body, &end);
        if (st != Status::kComplete) return st;
        out->body = chunked_body_;
        break;
      }
      case Framing::kUntilClose:
        return Status::kIncomplete;
    }
    const int status = state_.status;
    const bool close = state_.close;
    state_ = State{};
    if (status < 200) {
      skipped_ += end;
      continue;
    }
    out->status = status;
    out->close = close;
    *consumed = skipped_ + end;
    skipped_ = 0;
    return Status::kComplete;
  }
}

bool ResponseFramer::finish_at_eof(std::string_view buf, Response* out) {
  if (!state_.have_head || state_.framing != Framing::kUntilClose) return false;
  out->status = state_.status;
  out->close = true;
  out->body = buf.substr(skipped_ + state_.head_len);
  state_ = State{};
  skipped_ = 0;
  return true;
}

}  // namespace warren::bench
