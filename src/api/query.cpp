// Query-string decoding with falcon's rules.
#include "api/query.h"

#include <algorithm>
#include <array>
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
  constexpr char kHexDigits[] = "0123456789ABCDEF";
  static constexpr auto kUnreserved = [] {
    std::array<bool, 256> table{};
    for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
    for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
    for (char c : {'-', '.', '_', '~'}) table[static_cast<unsigned char>(c)] = true;
    return table;
  }();
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (kUnreserved[u]) continue;
    out.append(text.data() + run, i - run);
    out.push_back('%');
    out.push_back(kHexDigits[u >> 4]);
    out.push_back(kHexDigits[u & 0xF]);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

namespace {

bool needs_decoding(std::string_view text) {
  return text.find_first_of("%+") != std::string_view::npos;
}

}  // namespace

std::string_view QueryParams::keep(std::string text) {
  decoded_.push_front(std::move(text));
  return decoded_.front();
}

QueryParams QueryParams::parse(std::string_view query) {
  QueryParams result;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view field = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = field.find('=');
    if (eq == std::string_view::npos || eq == field.size() - 1) continue;  // blank value
    std::string_view name = field.substr(0, eq);
    if (needs_decoding(name)) name = result.keep(percent_decode(name, true));
    const std::string_view raw = field.substr(eq + 1);
    // Comma-separated values are elements of a list (falcon's auto_parse_qs_csv); empty
    // elements are dropped.
    std::size_t start = 0;
    while (true) {
      const auto comma = raw.find(',', start);
      std::string_view element = raw.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      if (!element.empty()) {
        if (needs_decoding(element)) element = result.keep(percent_decode(element, true));
        result.entries_.push_back(Entry{name, element});
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return result;
}

const QueryParams::Entry* QueryParams::find_last(std::string_view name) const noexcept {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

std::vector<std::string_view> QueryParams::names() const {
  std::vector<std::string_view> names;
  for (const Entry& entry : entries_) {
    if (std::find(names.begin(), names.end(), entry.name) == names.end()) {
      names.push_back(entry.name);
    }
  }
  return names;
}

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
  const Entry* entry = find_last(name);
  if (entry == nullptr) return std::nullopt;
  return entry->value;
}

std::optional<std::vector<std::string_view>> QueryParams::get_list(std::string_view name) const {
  std::optional<std::vector<std::string_view>> values;
  for (const Entry& entry : entries_) {
    if (entry.name != name) continue;
    if (!values) values.emplace();
    values->push_back(entry.value);
  }
  return values;
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
