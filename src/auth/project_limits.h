// ProjectLimits: what each project may use (docs/security.md, "Quotas and rate limits"): the
// defaults of `--quota-*` and `--rate-limit-*` (0: unlimited), overridden per project by the
// credentials file's "projects" section. As the admission stage it refuses a request over the
// project's request rate (429 with Retry-After); the engine's quota hook (server/) asks it for
// the quotas and for the post rate, which counts messages. The rates' buckets are kept by a
// RateCounter: in process, or in the shared store of a deployment of several servers.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "auth/admission.h"
#include "auth/credential_store.h"
#include "auth/rate_counter.h"

namespace warren::auth {

struct Limits {
  std::uint64_t quota_queues = 0;              // queues per project
  std::uint64_t quota_messages_per_queue = 0;  // messages held by one queue
  std::uint64_t quota_bytes = 0;               // body bytes held by one queue
  std::uint64_t rate_limit_requests = 0;       // requests per second, every API
  std::uint64_t rate_limit_posts = 0;          // messages posted per second

  bool any() const noexcept {
    return quota_queues || quota_messages_per_queue || quota_bytes || rate_limit_requests ||
           rate_limit_posts;
  }
};

class ProjectLimits final : public Admission {
 public:
  // `overrides` (null: none) and `rates` must outlive this.
  ProjectLimits(Limits defaults, CredentialStore* overrides, RateCounter& rates)
      : defaults_(defaults), overrides_(overrides), rates_(rates) {}

  // The limits of `project`: its overrides over the defaults. Loop thread.
  Limits of(std::string_view project);

  // The request rate (Admission). Errors: rate_limited, with retry_after.
  Decision decide(const Principal& principal, std::optional<Error>& refused) override;
  boost::asio::awaitable<std::optional<Error>> admit_later(const Principal& principal) override;

  // Takes `count` messages from `project`'s post rate (`limits`: of(project)): nullopt if
  // taken. Errors: rate_limited.
  boost::asio::awaitable<std::optional<Error>> take_posts(std::string project, Limits limits,
                                                          std::uint64_t count);

  // Whether any project can be limited at all (defaults, or a credentials file that may
  // override them): without, the server installs no admission stage and no quota hook.
  bool may_limit() const noexcept { return defaults_.any() || overrides_ != nullptr; }

 private:
  const Limits defaults_;
  CredentialStore* const overrides_;
  RateCounter& rates_;
};

}  // namespace warren::auth
