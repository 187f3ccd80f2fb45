// Query-string decoding with falcon's rules.
#include "api/query.h"

#include <cstdint>
#include <limits>

namespace warren::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::string_view kTrue[] = {"true", "True", "t", "yes", "y", "1", "on"};
constexpr std::string_view kFalse[] = {"false", "False", "f", "no", "n", "0", "off"};

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void append_query_encoded(std::string& out, std::string_view text) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                            (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' || u == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
}

QueryParams QueryParams::parse(std::string_view query) {
  QueryParams result;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view field = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = field.find('=');
    if (eq == std::string_view::npos || eq == field.size() - 1) continue;  // blank value
    const std::string name = percent_decode(field.substr(0, eq), true);
    const std::string_view raw = field.substr(eq + 1);
    Param* param = nullptr;
    for (Param& p : result.params_) {
      if (p.name == name) param = &p;
    }
    if (param == nullptr) {
      result.params_.push_back(Param{name, {}});
      param = &result.params_.back();
    }
    if (raw.find(',') != std::string_view::npos) {
      std::string_view rest = raw;
      while (true) {
        const auto comma = rest.find(',');
        const std::string_view element = rest.substr(0, comma);
        if (!element.empty()) param->values.push_back(percent_decode(element, true));
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
    } else {
      param->values.push_back(percent_decode(raw, true));
    }
    if (param->values.empty()) result.params_.pop_back();
  }
  return result;
}

const QueryParams::Param* QueryParams::find(std::string_view name) const noexcept {
  for (const Param& p : params_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
  const Param* p = find(name);
  if (p == nullptr) return std::nullopt;
  return std::string_view(p->values.back());
}

std::optional<std::vector<std::string_view>> QueryParams::get_list(std::string_view name) const {
  const Param* p = find(name);
  if (p == nullptr) return std::nullopt;
  return std::vector<std::string_view>(p->values.begin(), p->values.end());
}

Result<std::optional<std::int64_t>> QueryParams::get_int(std::string_view name) const {
  const auto text = get(name);
  if (!text) return std::optional<std::int64_t>();
  // Python's int(): surrounding whitespace, a sign, digits with single underscores between
  // them, any magnitude. Beyond int64 the value saturates, so the caller's range check (not a
  // parse error) answers, as Zaqar's does for e.g. limit=99999999999999999999.
  std::string_view digits = *text;
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  const auto first = digits.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return make_error(Errc::param_not_integer, name);
  digits = digits.substr(first, digits.find_last_not_of(kSpace) - first + 1);
  bool negative = false;
  if (digits.front() == '+' || digits.front() == '-') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.front() == '_' || digits.back() == '_') {
    return make_error(Errc::param_not_integer, name);
  }
  constexpr std::uint64_t kMaxMagnitude = 9223372036854775808ULL;  // 2^63
  std::uint64_t magnitude = 0;
  char previous = '0';
  for (const char c : digits) {
    if (c == '_') {
      if (previous == '_') return make_error(Errc::param_not_integer, name);
    } else if (c >= '0' && c <= '9') {
      const auto digit = static_cast<std::uint64_t>(c - '0');
      magnitude = magnitude > (kMaxMagnitude - digit) / 10 ? kMaxMagnitude : magnitude * 10 + digit;
    } else {
      return make_error(Errc::param_not_integer, name);
    }
    previous = c;
  }
  std::int64_t value = 0;
  if (negative) {
    value = magnitude >= kMaxMagnitude ? std::numeric_limits<std::int64_t>::min()
                                       : -static_cast<std::int64_t>(magnitude);
  } else {
    value = magnitude >= kMaxMagnitude ? std::numeric_limits<std::int64_t>::max()
                                       : static_cast<std::int64_t>(magnitude);
  }
  return std::optional<std::int64_t>(value);
}

Result<std::optional<bool>> QueryParams::get_bool(std::string_view name) const {
  const auto text = get(name);
  if (!text) return std::optional<bool>();
  for (std::string_view t : kTrue) {
    if (*text == t) return std::optional<bool>(true);
  }
  for (std::string_view f : kFalse) {
    if (*text == f) return std::optional<bool>(false);
  }
  return make_error(Errc::param_not_boolean, name);
}

}  // namespace warren::api
