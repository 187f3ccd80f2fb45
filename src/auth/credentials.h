// The credentials file of `--auth tokens` (`--credentials FILE`): who may call, for deployments
// without Keystone, and per-project overrides of the limits. A JSON document:
//
//   {"credentials": [
//      {"type": "token", "sha256": "<64 hex digits>", "project": "p1", "user": "alice",
//       "roles": ["member"], "expires": "2027-01-01T00:00:00Z"}],
//    "projects": {"p1": {"quota-queues": 10, "rate-limit-requests": 100}}}
//
// Tokens are kept only as SHA-256 digests: the file never holds a usable secret. "type" keeps
// the format open to other kinds of credentials (access keys, later); an entry of an unknown
// type is an error, not silently skipped, so a file meant for a newer server fails loudly.
// "user", "roles" and "expires" are optional. Parsed whole or not at all (a reload that fails
// keeps the table in force).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/errors.h"

namespace warren::auth {

using TokenDigest = std::array<unsigned char, 32>;  // SHA-256

// SHA-256 of `token`. Each loop remembers the digests of the last tokens it saw (at most 256,
// of up to 512 bytes each), so that a token sent again costs no SHA-256.
TokenDigest digest_token(std::string_view token) noexcept;

// Whether `a` and `b` are equal, in a time that depends on their length only (secrets).
bool equal_in_constant_time(std::string_view a, std::string_view b) noexcept;

// One token's grant.
struct TokenGrant {
  TokenDigest digest{};
  std::string project;
  std::string user;
  std::string roles;                       // comma-separated, as Principal keeps them
  std::optional<std::int64_t> expires_ms;  // none: never
};

// Per-project overrides of the limits' defaults (auth/project_limits.h); unset: the default.
struct LimitOverrides {
  std::optional<std::uint64_t> quota_queues;
  std::optional<std::uint64_t> quota_messages_per_queue;
  std::optional<std::uint64_t> quota_bytes;
  std::optional<std::uint64_t> rate_limit_requests;
  std::optional<std::uint64_t> rate_limit_posts;
};

// Hashes a project name however it is held, so that maps keyed by std::string are looked up
// with a string_view without building a string (C++20's transparent unordered lookup).
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const noexcept {
    return std::hash<std::string_view>()(name);
  }
};
template <class T>
using NameMap = std::unordered_map<std::string, T, NameHash, std::equal_to<>>;

struct DigestHash {
  std::size_t operator()(const TokenDigest& d) const noexcept {
    std::size_t h;
    static_assert(sizeof(h) <= sizeof(TokenDigest));
    __builtin_memcpy(&h, d.data(), sizeof(h));  // a digest is uniformly distributed already
    return h;
  }
};

class CredentialTable {
 public:
  // The grant of `token`, or null. The digest found is compared again in constant time.
  const TokenGrant* find_token(std::string_view token) const noexcept;
  const TokenGrant* find_digest(const TokenDigest& digest) const noexcept;

  // The overrides of `project`, or null.
  const LimitOverrides* overrides(std::string_view project) const noexcept;

  std::size_t token_count() const noexcept { return tokens_.size(); }
  const NameMap<LimitOverrides>& projects() const noexcept { return projects_; }

  // Parses the file's text. Errors: credentials_invalid, saying where and why.
  static Result<CredentialTable> parse(std::string_view text);
  // Reads and parses `path`. Errors: credentials_invalid (unreadable file too).
  static Result<CredentialTable> load(const std::string& path);

 private:
  std::unordered_map<TokenDigest, TokenGrant, DigestHash> tokens_;
  NameMap<LimitOverrides> projects_;
};

}  // namespace warren::auth
