// KeystoneClient: asks Keystone (the identity API v3) who a token belongs to, as
// keystonemiddleware does for Zaqar: with a service token of its own (password authentication of
// the configured service user, scoped to its project), `GET /v3/auth/tokens` with the caller's
// token in X-Subject-Token. Runs on the calling event loop (Beast over Asio, one connection per
// exchange: Keystone's WSGI server closes each one), never blocking it; every exchange is bounded
// by `timeout`. An https:// endpoint is reached over TLS 1.2 or later, its certificate checked
// against the system's trusted CAs (or `ca_file`) and the URL's host name. The service token is
// shared by the loops and fetched again when Keystone says it is no longer good, or shortly before
// it expires. For trust+http(s) subscriptions it also creates trusts (with the caller's token)
// and fetches trust-scoped tokens for the service user (keystone_trust.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include "auth/keystone_trust.h"
#include "common/errors.h"

namespace warren::auth {

struct KeystoneOptions {
  std::string url;                 // the identity endpoint, e.g. http://127.0.0.1:5000/v3
  std::string ca_file;             // https: trusted CAs (PEM); empty: the system's
  std::string user;                // the service user
  std::string password;            // read from --keystone-password-file, never the command line
  std::string project;             // the service user's project
  std::string domain = "Default";  // the user's and the project's domain (by name)
  std::chrono::milliseconds timeout{std::chrono::seconds(5)};  // one exchange, connect to end
  std::size_t max_response_bytes = 1 << 20;
};

// What Keystone says of a valid token.
struct KeystoneToken {
  std::string project_id;
  std::string user_id;
  std::string roles;  // role names, comma-separated
  std::int64_t expires_ms = 0;
};

// The parts of an http:// or https:// URL. Errors: bad_option.
struct HttpUrl {
  std::string host;
  std::string port;  // the scheme's default when the URL names none
  std::string path;  // without a trailing '/'
  bool tls = false;  // https
};
Result<HttpUrl> parse_http_url(std::string_view url);

// Reads Keystone's token document (the body of GET /v3/auth/tokens or POST /v3/auth/tokens).
// Errors: auth_unavailable (a document Keystone would not send).
Result<KeystoneToken> parse_keystone_token(std::string_view body);

class KeystoneClient {
 public:
  // Errors of the URL or of the CA file: bad_option.
  static Result<std::unique_ptr<KeystoneClient>> make(KeystoneOptions options);
  ~KeystoneClient();

  enum class Verdict { valid, invalid };
  struct Answer {
    Verdict verdict = Verdict::invalid;
    KeystoneToken token;  // when valid
  };
  // Whether `token` is valid now, and whose. Errors: auth_unavailable (Keystone cannot be
  // reached or does not answer in time, or refuses the service user).
  boost::asio::awaitable<Result<Answer>> validate(std::string token);

  // Creates a trust from `trust.trustor_user_id` (who holds `caller_token`) to the service user
  // (the trustee: `trust.trustee_user_id` is ignored and filled in) and returns its id. Runs on
  // the caller's loop; `trust`'s views must stay valid until it returns. Errors:
  // auth_token_invalid (Keystone no longer takes the caller's token), trust_refused (Keystone
  // refused the trust: a role the caller lacks on the project, another user's id...),
  // auth_unavailable (Keystone cannot be reached, answers 5xx or refuses the service user).
  boost::asio::awaitable<Result<std::string>> create_trust(std::string caller_token,
                                                           const TrustRequest& trust);

  struct TrustToken {
    std::string token;
    std::int64_t expires_ms = 0;
  };
  // A token of the service user scoped to the trust `trust_id` (password authentication with
  // "scope": {"OS-TRUST:trust": ...}): with impersonation it acts as the trustor, on the
  // trust's project. Runs on whichever executor awaits it (the webhook sender's thread).
  // Errors: trust_refused (Keystone refuses: the trust was deleted, expired or never was),
  // auth_unavailable (Keystone cannot be reached or does not answer in time).
  boost::asio::awaitable<Result<TrustToken>> trust_token(std::string trust_id);

 private:
  KeystoneClient(KeystoneOptions options, HttpUrl url,
                 std::unique_ptr<boost::asio::ssl::context> tls);

  // A service token, fetched if there is none good for another minute.
  boost::asio::awaitable<Result<std::string>> service_token(bool renew);

  const KeystoneOptions options_;
  const HttpUrl url_;
  const std::unique_ptr<boost::asio::ssl::context> tls_;  // https only; shared by the loops
  std::mutex mutex_;                                      // guards the two below (loops share them)
  std::string service_token_;
  std::string service_user_id_;  // the service user's id (the trustee of trusts)
  std::int64_t service_expires_ms_ = 0;
};

}  // namespace warren::auth
