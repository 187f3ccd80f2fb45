// Identity: the one stage that decides who is calling (a Principal), for every transport: once
// per HTTP request, before any resource runs; once per WebSocket session, from its upgrade
// request's headers (or Zaqar's `authenticate` action), and then per message where the scheme
// lets a message say who it is (--auth none). Asynchronous, so that a remote authority
// (Keystone) can sit behind it, with a synchronous answer for the common case (a header
// identity, a cached token) so that a request pays no coroutine for it.
#pragma once

#include <optional>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "auth/principal.h"
#include "common/errors.h"

namespace warren::auth {

template <class T>
using Async = boost::asio::awaitable<Result<T>>;

// What a transport read of the caller's claims (views into the request or frame).
struct Credentials {
  std::optional<std::string_view> project;  // X-Project-ID
  std::optional<std::string_view> roles;    // X-Roles
  std::optional<std::string_view> token;    // X-Auth-Token
};

class Identity {
 public:
  virtual ~Identity() = default;

  enum class Decision { decided, refused, later };
  // Decides at once when it can: `decided` (the principal is in `principal`), `refused` (why is
  // set in `error`: project_id_missing, project_id_empty, project_id_invalid, not_authorized...;
  // the transport renders it), or `later`: ask authenticate(). (Out-parameters: this runs for
  // every request, and a principal is built in place.)
  virtual Decision decide(const Credentials& credentials, Principal& principal,
                          std::optional<Error>& error) = 0;

  // The principal of `credentials`, waiting for whatever authority the scheme asks (never on
  // an event loop's thread). Runs on the caller's loop and resumes it there.
  virtual Async<Principal> authenticate(const Credentials& credentials) = 0;

  // Whether a WebSocket message's own headers say who sends it (--auth none: each message's
  // X-Project-ID), rather than the session's principal.
  virtual bool per_message() const noexcept = 0;

  // Whether this scheme takes callers at their word (--auth none): then what only needs a
  // caller to be trusted (the metrics) is open to all. Schemes that verify say false.
  virtual bool trusts_headers() const noexcept { return per_message(); }
};

}  // namespace warren::auth
