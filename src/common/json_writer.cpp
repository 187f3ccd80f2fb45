// JsonWriter: compact JSON output with correct string escaping.
#include "common/json_writer.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <cmath>

namespace warren {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// 1 for the bytes a JSON string must escape: control characters, '"' and '\\'.
constexpr std::array<std::uint8_t, 256> kEscape = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = 1;
  table['"'] = 1;
  table['\\'] = 1;
  return table;
}();


// True if any of the 8 bytes of `word` must be escaped: below 0x20, '"' or '\\' (SWAR tests
// for a zero byte; a borrow can only flag bytes above a true match, which is harmless here).
bool word_needs_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t control = (word - 0x2020202020202020ULL) & ~word & kHigh;
  return (control | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'))) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  // Most strings (ids, names, paths) need no escaping: find the first byte that does, eight
  // bytes at a time, and copy everything before it at once.
  std::size_t i = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    if (word_needs_escape(word)) break;
  }
  while (i < text.size() && kEscape[bytes[i]] == 0) ++i;
  out.reserve(out.size() + text.size() + 2);
  out.push_back('"');
  if (i == text.size()) {
    out.append(text);
    out.push_back('"');
    return;
  }
  std::size_t run = 0;  // start of the current run of bytes copied as they are
  for (; i < text.size(); ++i) {
    const auto c = bytes[i];
    if (kEscape[c] == 0) continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (need_comma_) out_.push_back(',');
}

JsonWriter& JsonWriter::open(char bracket) {
  separate();
  out_.push_back(bracket);
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_.push_back(bracket);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
  separate();
  append_json_string(out_, value);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t value) {
  separate();
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out_.append(digits, static_cast<std::size_t>(end - digits));
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::number(double value) {
  separate();
  if (!std::isfinite(value)) {
    out_.append("null");
  } else {
    char digits[32];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out_.append(digits, static_cast<std::size_t>(end - digits));
  }
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  separate();
  out_.append(value ? "true" : "false");
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_.append("null");
  need_comma_ = true;
  return *this;
}

std::string& JsonWriter::raw_value() {
  separate();
  need_comma_ = true;
  return out_;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
  need_comma_ = true;
  return *this;
}

}  // namespace warren
