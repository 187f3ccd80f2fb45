// HttpApi: Zaqar's v2 HTTP API. Routes each request, runs Zaqar's checks in Zaqar's order
// (form-encoded body, Accept, Client-ID, X-Project-ID, queue name, policy), answers 404 for
// unknown paths and 405 for unknown methods, and calls the resource handler, which decodes the
// request into the engine's request model and renders the result.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_options.h"
#include "api/query.h"
#include "api/route_metrics.h"
#include "auth/admission.h"
#include "auth/identity.h"
#include "common/json_writer.h"
#include "engine/client_id.h"
#include "engine/queue_service.h"
#include "http/handler.h"
#include "http/router.h"

namespace warren::api {

// The API version a route belongs to. v1.1 (Zaqar's deprecated API) shares v2's handlers; they
// branch where v1.1 differs: raw queue metadata, no delay, no queue post-size or TTL defaults.
enum class ApiVersion { v2, v1_1 };

// One request on its way through a resource handler.
struct HttpCall {
  HttpCall(http::Request& r, http::ResponseWriter& w) : request(r), response(w) {}

  http::Request& request;
  http::ResponseWriter& response;
  std::array<std::string_view, http::kMaxRouteParams> params{};
  std::string_view queue;     // decoded {queue_name} or {topic_name}, when the route has one
  auth::Principal principal;  // who calls (every route but "/")
  // scope.project is principal.project; on /v2/topics routes scope.space is the project's topic
  // namespace (engine/topics.h) and `queue` names a topic.
  engine::Scope scope;
  QueryParams query;
  ApiVersion version = ApiVersion::v2;

  // Backing store of scope.space on topic routes, followed by that of `queue` when it was
  // percent-encoded (one string: a request's coroutine frame stays small).
  std::string owned;
  engine::CanonicalUuid client_uuid;

  // The request path without the API prefix's trailing parts, e.g. "/v2/queues/q".
  std::string_view path() const noexcept { return request.path; }
  bool has_body() const noexcept {
    return request.content_length.has_value() || !request.body.empty();
  }
  bool v1_1() const noexcept { return version == ApiVersion::v1_1; }
  bool topic() const noexcept { return scope.topic(); }
};

// The identity headers of a request, read in one pass (http_api.cpp).
struct IdentityHeaders;

class HttpApi final : public http::Handler {
 public:
  // `service`, `identity` and `admission` must outlive the API. `identity` decides who calls
  // (auth/identity.h), `admission` (null: no policy) whether they may (auth/admission.h).
  HttpApi(engine::QueueService& service, auth::Identity& identity, auth::Admission* admission,
          ApiOptions options);

  boost::asio::awaitable<void> handle(http::Request& request,
                                      http::ResponseWriter& response) override;

 private:
  using Resource = boost::asio::awaitable<void> (HttpApi::*)(HttpCall&);
  struct Route {
    Resource resource = nullptr;
    bool has_queue = false;   // {queue_name} or {topic_name} is the first parameter
    bool topic = false;       // under /v2/topics: the first parameter names a topic
    bool admin_only = false;  // needs role:admin (X-Roles)
    ApiVersion version = ApiVersion::v2;
    RouteMetrics* metrics = nullptr;
    bool open_when_trusting = false;  // under a scheme that trusts headers, needs no identity
  };

  void add(boost::beast::http::verb method, std::string_view pattern, Resource resource,
           ApiVersion version, bool admin_only = false, bool open_when_trusting = false);
  // The stages before a resource: Zaqar's checks of the headers, the identity stage,
  // admission, the checks of the target. `refused`: an error response was written;
  // `identity_later`: the identity must be awaited (identify_later), then the rest run
  // (admit_and_check_target); `admission_later`: admission must be awaited (admit_later),
  // then the target checked.
  enum class Front { ok, refused, identity_later, admission_later };
  Front run_front(HttpCall& call, const Route* route);
  boost::asio::awaitable<bool> identify_later(HttpCall& call);
  // False: refused, the error response written.
  boost::asio::awaitable<bool> admit_later(HttpCall& call);
  Front admit_and_check_target(HttpCall& call, const Route* route);
  // Zaqar's before-hooks, before and after the identity stage. False: an error response was
  // written.
  bool check_headers(HttpCall& call, IdentityHeaders& identity);
  // The principal of a request with a valid pre-signature (identity.signed_url), then
  // admission and the target.
  Front admit_signed(HttpCall& call, const IdentityHeaders& identity, const Route* route);
  // Writes the identity stage's refusal; a 401 is also logged (auth/refusal_log.h).
  void refuse_identity(HttpCall& call, const auth::Credentials& credentials, const Error& error);
  bool check_target(HttpCall& call, const Route* route);
  void write_error(HttpCall& call, const Error& error);

  // System (http_system.cpp)
  boost::asio::awaitable<void> get_versions(HttpCall& call);
  boost::asio::awaitable<void> get_home(HttpCall& call);
  boost::asio::awaitable<void> get_home_v1_1(HttpCall& call);
  boost::asio::awaitable<void> get_ping(HttpCall& call);
  boost::asio::awaitable<void> head_ping(HttpCall& call);
  boost::asio::awaitable<void> get_metrics(HttpCall& call);
  boost::asio::awaitable<void> get_health(HttpCall& call);
  // Queues (http_queues.cpp); the same resources serve topics (call.topic()), as do those of
  // messages and subscriptions below: a topic is a queue of another namespace (docs/topics.md).
  boost::asio::awaitable<void> list_queues(HttpCall& call);
  boost::asio::awaitable<void> put_queue(HttpCall& call);
  boost::asio::awaitable<void> get_queue(HttpCall& call);
  boost::asio::awaitable<void> patch_queue(HttpCall& call);
  boost::asio::awaitable<void> delete_queue(HttpCall& call);
  boost::asio::awaitable<void> get_stats(HttpCall& call);  // also a topic's
  boost::asio::awaitable<void> post_purge(HttpCall& call);
  // Pre-signed URLs (http_share.cpp)
  boost::asio::awaitable<void> post_share(HttpCall& call);
  // Messages (http_messages.cpp)
  boost::asio::awaitable<void> post_messages(HttpCall& call);
  // 201 {"resources":[hrefs]} with Location <path>?ids=...
  void write_posted(HttpCall& call, const std::vector<store::ShortId>& ids);
  boost::asio::awaitable<void> get_messages(HttpCall& call);
  boost::asio::awaitable<void> delete_messages(HttpCall& call);
  boost::asio::awaitable<void> get_message(HttpCall& call);
  boost::asio::awaitable<void> delete_message(HttpCall& call);
  // Claims (http_claims.cpp)
  boost::asio::awaitable<void> post_claim(HttpCall& call);
  boost::asio::awaitable<void> get_claim(HttpCall& call);
  boost::asio::awaitable<void> patch_claim(HttpCall& call);
  boost::asio::awaitable<void> delete_claim(HttpCall& call);
  // Subscriptions (http_subscriptions.cpp)
  boost::asio::awaitable<void> list_subscriptions(HttpCall& call);
  boost::asio::awaitable<void> post_subscription(HttpCall& call);
  boost::asio::awaitable<void> get_subscription(HttpCall& call);
  boost::asio::awaitable<void> patch_subscription(HttpCall& call);
  boost::asio::awaitable<void> delete_subscription(HttpCall& call);
  boost::asio::awaitable<void> put_confirm(HttpCall& call);
  // Pools and flavors (http_pools.cpp), with --pooling only (options_.pools).
  boost::asio::awaitable<void> list_pools(HttpCall& call);
  boost::asio::awaitable<void> get_pool(HttpCall& call);
  boost::asio::awaitable<void> put_pool(HttpCall& call);
  boost::asio::awaitable<void> patch_pool(HttpCall& call);
  boost::asio::awaitable<void> delete_pool(HttpCall& call);
  boost::asio::awaitable<void> list_flavors(HttpCall& call);
  boost::asio::awaitable<void> get_flavor(HttpCall& call);
  boost::asio::awaitable<void> put_flavor(HttpCall& call);
  boost::asio::awaitable<void> patch_flavor(HttpCall& call);
  boost::asio::awaitable<void> delete_flavor(HttpCall& call);
  // The flavor {name, capabilities, pool_list, href} of call.params[0], as `status`.
  void write_flavor(HttpCall& call, int status);

  engine::QueueService& service_;
  auth::Identity& identity_;
  auth::Admission* admission_;
  RouteMetrics* unmatched_;  // requests no route matched (404, 405)
  ApiOptions options_;
  http::Router<Route> router_;
};

}  // namespace warren::api
