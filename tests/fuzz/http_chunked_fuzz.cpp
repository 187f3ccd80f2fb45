// Fuzz target: chunked request bodies and their trailers, through RequestParser::feed (the one
// interface the connection uses). The input is the bytes after a fixed request header that says
// "Transfer-Encoding: chunked"; the fuzzer writes the chunks, extensions and trailers itself.
//
// Input layout: byte 0 picks the piece size the stream arrives in (1..64 bytes), byte 1 bit 0
// appends a pipelined "GET /next" request, the rest is the chunked body section.
//
// Properties (a violation traps):
//   1. How the bytes arrive (whole or in pieces) never changes how a request is framed: the
//      complete requests of one arrival are a prefix of the other's, equal in boundaries, fields
//      and bodies. One may stop earlier on an error where the other goes on: whether Beast's
//      header limit counts the request line depends on how the header arrived, it checks a
//      chunk's size against the body limit before its extensions only when the whole chunk line
//      is there, and, once a header has come in pieces, it waits for its end before judging its
//      fields.
//   2. Trailers are never headers: a completed request has exactly the fields of its header.
//   3. A completed chunked request is one RFC 9112 (section 7.1) allows, as decoded by the
//      reference decoder below (written from the grammar, independent of Beast): the same body,
//      ending at the same byte. So a body that the parser completes is never read with other
//      boundaries than the RFC's (no request smuggling through chunk framing).
//   4. A body over the limit never completes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_parser.h"

namespace {

using warren::http::ParseStatus;
using warren::http::RequestParser;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

constexpr std::string_view kHeader =
    "POST /v2/queues/q/messages HTTP/1.1\r\n"
    "Host: warren\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n";
constexpr std::size_t kHeaderFields = 2;
constexpr std::string_view kNext = "GET /next HTTP/1.1\r\nHost: warren\r\n\r\n";
constexpr std::size_t kMaxBody = 4096;

// ---- the reference decoder (RFC 9112 section 7.1, RFC 9110 section 5.6) ----

bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}
bool is_ws(unsigned char c) {
  return c == ' ' || c == '\t';
}
bool is_vchar_or_obs(unsigned char c) {
  return (c >= 0x21 && c <= 0x7E) || c >= 0x80;
}
int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Decoded {
  enum class State { valid, incomplete, invalid } state = State::invalid;
  std::string body;
  std::size_t end = 0;  // bytes of the chunked section
};

class Reference {
 public:
  explicit Reference(std::string_view in) : in_(in) {}

  Decoded run() {
    Decoded out;
    out.state = decode(out.body);
    out.end = at_;
    return out;
  }

 private:
  using State = Decoded::State;

  bool more() const { return at_ < in_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(in_[at_]); }

  // CRLF, or where it should be: incomplete at the end of input, invalid otherwise.
  std::optional<State> crlf() {
    if (in_.size() - at_ < 2) {
      const bool prefix = !more() || peek() == '\r';
      return prefix ? State::incomplete : State::invalid;
    }
    if (in_[at_] != '\r' || in_[at_ + 1] != '\n') return State::invalid;
    at_ += 2;
    return std::nullopt;
  }
  void skip_ws() {
    while (more() && is_ws(peek())) ++at_;
  }
  // 1*tchar; false if none.
  bool token() {
    const std::size_t start = at_;
    while (more() && is_tchar(peek())) ++at_;
    return at_ > start;
  }
  // DQUOTE *( qdtext / quoted-pair ) DQUOTE, at a DQUOTE.
  std::optional<State> quoted_string() {
    ++at_;
    while (more()) {
      const unsigned char c = peek();
      if (c == '"') {
        ++at_;
        return std::nullopt;
      }
      if (c == '\\') {
        ++at_;
        if (!more()) return State::incomplete;
        const unsigned char q = peek();
        if (!is_ws(q) && !is_vchar_or_obs(q)) return State::invalid;
        ++at_;
        continue;
      }
      if (!is_ws(c) && !is_vchar_or_obs(c)) return State::invalid;
      ++at_;
    }
    return State::incomplete;
  }
  // *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), up to the line's CRLF.
  std::optional<State> extensions() {
    for (;;) {
      const std::size_t before = at_;
      skip_ws();
      if (!more()) return State::incomplete;
      if (peek() != ';') {
        at_ = before;  // BWS only before a ';': the caller expects CRLF right here
        return std::nullopt;
      }
      ++at_;
      skip_ws();
      if (!more()) return State::incomplete;
      if (!token()) return State::invalid;
      skip_ws();
      if (!more()) return State::incomplete;
      if (peek() != '=') continue;
      ++at_;
      skip_ws();
      if (!more()) return State::incomplete;
      if (peek() == '"') {
        if (auto s = quoted_string()) return s;
      } else if (!token()) {
        return State::invalid;
      }
    }
  }
  // chunk-size [ chunk-ext ] CRLF; the size in `size`.
  std::optional<State> chunk_line(std::uint64_t& size) {
    size = 0;
    const std::size_t start = at_;
    while (more() && hex_value(peek()) >= 0) {
      // Beyond any body limit: saturate (the grammar has no bound, the limit does).
      size = size > (UINT64_MAX >> 4) ? UINT64_MAX
                                      : size * 16 + static_cast<unsigned>(hex_value(peek()));
      ++at_;
    }
    if (at_ == start) return more() ? State::invalid : State::incomplete;
    if (!more()) return State::incomplete;
    if (auto s = extensions()) return s;
    return crlf();
  }
  // trailer-section CRLF: field lines (obs-fold continuations allowed, as RFC 9112 lets a
  // recipient replace them) up to an empty line.
  std::optional<State> trailers() {
    bool had_field = false;
    for (;;) {
      if (!more()) return State::incomplete;
      if (peek() == '\r') return crlf();
      if (is_ws(peek()) && had_field) {  // obs-fold: a continuation of the last field
        while (more() && (is_ws(peek()) || is_vchar_or_obs(peek()))) ++at_;
        if (auto s = crlf()) return s;
        continue;
      }
      if (!token()) return State::invalid;
      if (!more()) return State::incomplete;
      if (peek() != ':') return State::invalid;
      ++at_;
      while (more() && (is_ws(peek()) || is_vchar_or_obs(peek()))) ++at_;
      if (auto s = crlf()) return s;
      had_field = true;
    }
  }
  State decode(std::string& body) {
    for (;;) {
      std::uint64_t size = 0;
      if (auto s = chunk_line(size)) return *s;
      if (size == 0) break;
      if (size > kMaxBody || body.size() + size > kMaxBody) {
        body.resize(kMaxBody + 1);  // over the limit: only that matters
        return State::valid;
      }
      if (in_.size() - at_ < size) return State::incomplete;
      body.append(in_.substr(at_, size));
      at_ += size;
      if (auto s = crlf()) return *s;
    }
    if (auto s = trailers()) return *s;
    return State::valid;
  }

  std::string_view in_;
  std::size_t at_ = 0;
};

// ---- the parser under test ----

struct Event {
  ParseStatus status = ParseStatus::need_more;
  std::size_t end = 0;  // stream offset after a complete request
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  warren::Errc error{};  // a failure's
  friend bool operator==(const Event&, const Event&) = default;
};

// The complete requests of a parse (property 1 compares those).
std::vector<Event> completed(std::vector<Event> events) {
  std::erase_if(events, [](const Event& e) { return e.status != ParseStatus::complete; });
  return events;
}

// True if one list is a prefix of the other.
bool one_prefixes_the_other(const std::vector<Event>& a, const std::vector<Event>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin());
}

// Feeds `stream` in pieces of `piece` bytes (everything at once if 0), as the connection does:
// each feed gets every unconsumed byte received so far. The stream never moves, so the
// request's views stay valid.
std::vector<Event> parse(std::string_view stream, std::size_t piece) {
  warren::http::ParserLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_target_bytes = 512;
  limits.max_body_bytes = kMaxBody;
  RequestParser parser(limits);
  std::vector<Event> events;
  std::size_t begin = 0;
  std::size_t received = 0;
  while (received < stream.size()) {
    received = piece == 0 ? stream.size() : std::min(stream.size(), received + piece);
    while (begin < received) {
      std::size_t used = 0;
      const ParseStatus status = parser.feed(stream.substr(begin, received - begin), used);
      check(used <= received - begin);
      begin += used;
      if (status == ParseStatus::need_more) break;
      Event e;
      e.status = status;
      e.end = begin;
      if (status == ParseStatus::failed) {
        e.error = parser.error().code;
        events.push_back(std::move(e));
        return events;
      }
      const warren::http::Request& r = parser.request();
      e.target = r.target;
      for (const auto& h : r.headers) e.headers.emplace_back(h.name, h.value);
      e.body = r.body;
      events.push_back(std::move(e));
      parser.reset();
    }
  }
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const bool pipelined = (data[1] & 1) != 0;
  const std::string_view section(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string stream(kHeader);
  stream.append(section);
  if (pipelined) stream.append(kNext);

  const std::vector<Event> whole = parse(stream, 0);
  check(one_prefixes_the_other(completed(parse(stream, piece)), completed(whole)));  // 1

  // The reference sees what follows the header: the fuzzer's bytes and the pipelined request.
  const Decoded reference = Reference(std::string_view(stream).substr(kHeader.size())).run();
  if (whole.empty() || whole.front().status != ParseStatus::complete) return 0;
  const Event& first = whole.front();
  check(first.target == "/v2/queues/q/messages");
  check(first.headers.size() == kHeaderFields);  // 2
  check(first.headers[0].first == "Host" && first.headers[1].first == "Transfer-Encoding");
  check(reference.state == Decoded::State::valid);  // 3
  check(reference.body.size() <= kMaxBody);         // 4
  check(first.body == reference.body);
  check(first.end == kHeader.size() + reference.end);
  return 0;
}
