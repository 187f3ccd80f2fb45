// The credentials file: parsing (simdjson) and lookups.
#include "auth/credentials.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <functional>
#include <openssl/evp.h>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "auth/header_identity.h"
#include "auth/signed_url.h"
#include "common/loop_local.h"

namespace warren::auth {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Error invalid(std::string why) {
  return make_error(Errc::credentials_invalid, std::move(why));
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<TokenDigest> parse_digest(std::string_view hex, std::size_t index) {
  TokenDigest digest{};
  if (hex.size() != digest.size() * 2) {
    return invalid(fmt::format("credentials[{}]: \"sha256\" must be 64 hexadecimal digits", index));
  }
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      return invalid(fmt::format("credentials[{}]: \"sha256\" is not hexadecimal", index));
    }
    digest[i] = static_cast<unsigned char>(high << 4 | low);
  }
  return digest;
}

// A string member, or an error naming where.
Result<std::string_view> string_member(object entry, std::string_view key, std::string_view where,
                                       bool required) {
  element value;
  if (entry[key].get(value) != simdjson::SUCCESS) {
    if (required) return invalid(fmt::format("{}: \"{}\" is missing", where, key));
    return std::string_view();
  }
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) {
    return invalid(fmt::format("{}: \"{}\" must be a string", where, key));
  }
  return text;
}

Result<TokenGrant> parse_token(object entry, std::size_t index) {
  const std::string where = fmt::format("credentials[{}]", index);
  TokenGrant grant;
  for (auto field : entry) {
    static constexpr std::string_view kKnown[] = {"type", "sha256", "project",
                                                  "user", "roles",  "expires"};
    if (std::find(std::begin(kKnown), std::end(kKnown), field.key) == std::end(kKnown)) {
      return invalid(fmt::format("{}: unknown member \"{}\"", where, field.key));
    }
  }
  auto hex = string_member(entry, "sha256", where, true);
  if (!hex) return hex.error();
  auto digest = parse_digest(*hex, index);
  if (!digest) return digest.error();
  grant.digest = *digest;
  auto project = string_member(entry, "project", where, true);
  if (!project) return project.error();
  if (!check_project_id(*project)) {
    return invalid(fmt::format("{}: \"project\" is empty or has control characters", where));
  }
  grant.project = *project;
  auto user = string_member(entry, "user", where, false);
  if (!user) return user.error();
  grant.user = *user;
  element roles;
  if (entry["roles"].get(roles) == simdjson::SUCCESS) {
    simdjson::dom::array list;
    if (roles.get(list) != simdjson::SUCCESS) {
      return invalid(fmt::format("{}: \"roles\" must be a list of strings", where));
    }
    for (element role : list) {
      std::string_view name;
      if (role.get(name) != simdjson::SUCCESS || name.empty() ||
          name.find_first_of(", \t") != std::string_view::npos) {
        return invalid(fmt::format(
            "{}: each role must be a non-empty string without commas or blanks", where));
      }
      if (!grant.roles.empty()) grant.roles += ',';
      grant.roles += name;
    }
  }
  auto expires = string_member(entry, "expires", where, false);
  if (!expires) return expires.error();
  if (!expires->empty()) {
    auto seconds = parse_iso_time(*expires);
    if (!seconds) {
      return invalid(fmt::format("{}: \"expires\" is not an ISO 8601 date-time", where));
    }
    grant.expires_ms = *seconds * 1000;
  }
  return grant;
}

Result<std::optional<std::uint64_t>> limit_member(object limits, std::string_view key,
                                                  std::string_view project) {
  element value;
  if (limits[key].get(value) != simdjson::SUCCESS) return std::optional<std::uint64_t>();
  std::uint64_t number = 0;
  if (value.get(number) != simdjson::SUCCESS) {
    return invalid(fmt::format("projects.{}: \"{}\" must be a non-negative integer", project, key));
  }
  return std::optional<std::uint64_t>(number);
}

Result<LimitOverrides> parse_overrides(object limits, std::string_view project) {
  struct Field {
    std::string_view key;
    std::optional<std::uint64_t> LimitOverrides::*member;
  };
  static constexpr Field kFields[] = {
      {"quota-queues", &LimitOverrides::quota_queues},
      {"quota-messages-per-queue", &LimitOverrides::quota_messages_per_queue},
      {"quota-bytes", &LimitOverrides::quota_bytes},
      {"rate-limit-requests", &LimitOverrides::rate_limit_requests},
      {"rate-limit-posts", &LimitOverrides::rate_limit_posts},
  };
  for (auto field : limits) {
    bool known = false;
    for (const Field& f : kFields) known = known || f.key == field.key;
    if (!known)
      return invalid(fmt::format("projects.{}: unknown limit \"{}\"", project, field.key));
  }
  LimitOverrides overrides;
  for (const Field& f : kFields) {
    auto value = limit_member(limits, f.key, project);
    if (!value) return value.error();
    overrides.*f.member = *value;
  }
  return overrides;
}

}  // namespace

namespace {

// SHA-256 fetched once and a context kept by each loop: a one-shot EVP_Digest() would look the
// algorithm up in OpenSSL's provider tables and allocate a context for every request (about
// 6,000 instructions, more than a whole ping costs).
struct Sha256 {
  Sha256() : md(EVP_MD_fetch(nullptr, "SHA256", nullptr)), context(EVP_MD_CTX_new()) {}
  ~Sha256() {
    EVP_MD_CTX_free(context);
    EVP_MD_free(md);
  }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  EVP_MD* md;
  EVP_MD_CTX* context;
};

// The digests of the tokens a loop saw last (a client sends the same token on every request):
// a direct-mapped table of raw tokens and their digests, so that a request pays a hash and a
// comparison instead of a SHA-256. The comparison takes the same time wherever the bytes differ.
struct DigestMemo {
  static constexpr std::size_t kSlots = 256;
  static constexpr std::size_t kMaxToken = 512;  // longer tokens are not kept
  struct Slot {
    std::string token;
    TokenDigest digest{};
  };
  std::array<Slot, kSlots> slots;
};

struct DigestState {
  Sha256 sha256;
  DigestMemo memo;
};

LoopLocal<DigestState> digest_state;

TokenDigest compute_digest(Sha256& h, std::string_view token) noexcept {
  TokenDigest digest{};
  unsigned int size = 0;
  if (h.md == nullptr || h.context == nullptr ||
      EVP_DigestInit_ex2(h.context, h.md, nullptr) != 1 ||
      EVP_DigestUpdate(h.context, token.data(), token.size()) != 1 ||
      EVP_DigestFinal_ex(h.context, digest.data(), &size) != 1) {
    // Out of memory in OpenSSL: the one-shot form, or an all-zero digest no grant matches.
    EVP_Digest(token.data(), token.size(), digest.data(), &size, EVP_sha256(), nullptr);
  }
  return digest;
}

}  // namespace

bool equal_in_constant_time(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;  // lengths are no secret
  std::uint64_t differ = 0;
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {  // eight bytes at a time, every word looked at
    std::uint64_t x;
    std::uint64_t y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    differ |= x ^ y;
  }
  for (; i < a.size(); ++i) differ |= static_cast<unsigned char>(a[i] ^ b[i]);
  return differ == 0;
}

TokenDigest digest_token(std::string_view token) noexcept {
  DigestState& state = digest_state.get();
  if (token.size() > DigestMemo::kMaxToken) return compute_digest(state.sha256, token);
  DigestMemo::Slot& slot =
      state.memo.slots[std::hash<std::string_view>()(token) % DigestMemo::kSlots];
  if (!slot.token.empty() && equal_in_constant_time(slot.token, token)) return slot.digest;
  const TokenDigest digest = compute_digest(state.sha256, token);
  try {
    slot.token.assign(token);
    slot.digest = digest;
  } catch (...) {
    slot.token.clear();  // out of memory: not kept
  }
  return digest;
}

const TokenGrant* CredentialTable::find_digest(const TokenDigest& digest) const noexcept {
  const auto found = tokens_.find(digest);
  if (found == tokens_.end()) return nullptr;
  // The map's own comparison already matched; this one does not stop at the first differing
  // byte, so nothing about a stored digest leaks through time.
  const auto bytes = [](const TokenDigest& d) {
    return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
  };
  if (!equal_in_constant_time(bytes(found->first), bytes(digest))) return nullptr;
  return &found->second;
}

const TokenGrant* CredentialTable::find_token(std::string_view token) const noexcept {
  return find_digest(digest_token(token));
}

const LimitOverrides* CredentialTable::overrides(std::string_view project) const noexcept {
  if (projects_.empty()) return nullptr;
  const auto found = projects_.find(project);
  return found == projects_.end() ? nullptr : &found->second;
}

Result<CredentialTable> CredentialTable::parse(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element root;
  if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return invalid(fmt::format("not valid JSON ({})", simdjson::error_message(error)));
  }
  object document;
  if (root.get(document) != simdjson::SUCCESS) return invalid("the document must be an object");
  for (auto field : document) {
    if (field.key != "credentials" && field.key != "projects") {
      return invalid(fmt::format("unknown member \"{}\"", field.key));
    }
  }
  CredentialTable table;
  element list;
  if (document["credentials"].get(list) == simdjson::SUCCESS) {
    simdjson::dom::array entries;
    if (list.get(entries) != simdjson::SUCCESS) return invalid("\"credentials\" must be a list");
    std::size_t index = 0;
    for (element item : entries) {
      object entry;
      if (item.get(entry) != simdjson::SUCCESS) {
        return invalid(fmt::format("credentials[{}] must be an object", index));
      }
      auto type = string_member(entry, "type", fmt::format("credentials[{}]", index), true);
      if (!type) return type.error();
      if (*type != "token") {
        return invalid(fmt::format("credentials[{}]: unknown type \"{}\"", index, *type));
      }
      auto grant = parse_token(entry, index);
      if (!grant) return grant.error();
      const TokenDigest digest = grant->digest;
      if (!table.tokens_.emplace(digest, std::move(*grant)).second) {
        return invalid(fmt::format("credentials[{}]: the same token is listed twice", index));
      }
      ++index;
    }
  }
  element projects;
  if (document["projects"].get(projects) == simdjson::SUCCESS) {
    object by_name;
    if (projects.get(by_name) != simdjson::SUCCESS)
      return invalid("\"projects\" must be an object");
    for (auto field : by_name) {
      object limits;
      if (field.value.get(limits) != simdjson::SUCCESS) {
        return invalid(fmt::format("projects.{} must be an object", field.key));
      }
      auto overrides = parse_overrides(limits, field.key);
      if (!overrides) return overrides.error();
      table.projects_.emplace(std::string(field.key), *overrides);
    }
  }
  return table;
}

Result<CredentialTable> CredentialTable::load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return invalid(fmt::format("cannot read {}", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return invalid(fmt::format("cannot read {}", path));
  auto table = parse(text.str());
  if (!table) return invalid(fmt::format("{}: {}", path, table.error().description));
  return table;
}

}  // namespace warren::auth
