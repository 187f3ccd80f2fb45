// Pre-signed URL creation and verification (HMAC-SHA256 with OpenSSL).
#include "auth/signed_url.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <ctime>

#include <fmt/format.h>

namespace warren::auth {
namespace {

constexpr std::int64_t kDefaultLifetime = 86400;

bool read_digits(std::string_view& text, std::size_t count, int& value) {
  if (text.size() < count) return false;
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  text.remove_prefix(count);
  return true;
}

bool take(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  std::string hex;
  hex.reserve(length * 2);
  constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += items[i];
  }
  return out;
}

// The signed text: Zaqar formats it with a raw string, so each separator is the two characters
// backslash and n, not a newline.
std::string signed_text(const std::vector<std::string>& paths,
                        const std::vector<std::string>& methods, std::string_view project,
                        std::string_view expires) {
  return fmt::format("{}\\n{}\\n{}\\n{}", join(paths), join(methods), project, expires);
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const auto comma = text.find(',');
    items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace

Result<std::int64_t> parse_iso_time(std::string_view original) {
  std::string_view text = original;
  auto fail = [&] { return make_error(Errc::share_expires_unparseable, original); };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 4, year) || !take(text, '-') || !read_digits(text, 2, month) ||
      !take(text, '-') || !read_digits(text, 2, day)) {
    return fail();
  }
  if (!text.empty() && (text.front() == 'T' || text.front() == 't' || text.front() == ' ')) {
    text.remove_prefix(1);
    if (!read_digits(text, 2, hour) || !take(text, ':') || !read_digits(text, 2, minute)) {
      return fail();
    }
    if (take(text, ':')) {
      if (!read_digits(text, 2, second)) return fail();
      if (take(text, '.') || take(text, ',')) {
        std::size_t digits = 0;
        while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
        if (digits == 0) return fail();
        text.remove_prefix(digits);  // fractions of a second do not survive the signed format
      }
    }
  }
  std::int64_t offset = 0;
  if (take(text, 'Z') || take(text, 'z')) {
  } else if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    const int sign = text.front() == '-' ? -1 : 1;
    text.remove_prefix(1);
    int oh = 0, om = 0;
    if (!read_digits(text, 2, oh)) return fail();
    take(text, ':');
    if (!text.empty() && !read_digits(text, 2, om)) return fail();
    offset = sign * (oh * 3600 + om * 60);
  }
  if (!text.empty() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return fail();
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

std::string format_iso_time(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Result<SignedUrl> create_signed_url(std::string_view key, std::vector<std::string> paths,
                                    std::vector<std::string> methods, std::string_view project,
                                    std::optional<std::string_view> expires, std::int64_t now_ms) {
  if (key.empty()) return make_error(Errc::share_no_key);
  if (paths.empty()) return make_error(Errc::share_paths_not_list);
  if (methods.empty()) methods = {"GET"};
  std::int64_t expires_s = now_ms / 1000 + kDefaultLifetime;
  if (expires) {
    std::int64_t as_integer = 0;
    const auto [end, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), as_integer);
    if (ec == std::errc() && end == expires->data() + expires->size() && as_integer != 0) {
      return make_error(Errc::share_expires_integer, as_integer);
    }
    auto parsed = parse_iso_time(*expires);
    if (!parsed) return parsed.error();
    expires_s = *parsed;
  }
  if (expires_s * 1000 <= now_ms) return make_error(Errc::share_expires_past);
  std::sort(paths.begin(), paths.end());
  std::sort(methods.begin(), methods.end());
  SignedUrl url;
  url.expires = format_iso_time(expires_s);
  url.signature = hmac_sha256_hex(key, signed_text(paths, methods, project, url.expires));
  url.paths = std::move(paths);
  url.methods = std::move(methods);
  url.project = std::string(project);
  return url;
}

bool verify_signed_request(std::string_view key, const SignedHeaders& headers,
                           std::string_view method, std::string_view path, std::int64_t now_ms) {
  if (key.empty() || headers.signature.empty()) return false;
  const std::vector<std::string> methods = split(headers.methods);
  const std::vector<std::string> paths = split(headers.paths);
  auto url = create_signed_url(key, paths, methods, headers.project, headers.expires, now_ms);
  if (!url || url->signature.size() != headers.signature.size() ||
      CRYPTO_memcmp(url->signature.data(), headers.signature.data(), url->signature.size()) != 0) {
    return false;
  }
  if (std::find(methods.begin(), methods.end(), method) == methods.end()) return false;
  return std::any_of(paths.begin(), paths.end(), [&](const std::string& p) {
    return !p.empty() && path.find(p) != std::string_view::npos;
  });
}

}  // namespace warren::auth
