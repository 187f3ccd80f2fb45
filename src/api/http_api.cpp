// HttpApi: routing and Zaqar's request checks.
#include "api/http_api.h"

#include <cstring>
#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

#include "auth/header_identity.h"
#include "auth/refusal_log.h"
#include "auth/signed_url.h"
#include "engine/names.h"
#include "engine/topics.h"
#include "http/request_scope.h"

namespace warren::api {

// The identity headers of a request, found in one pass; `repeated` names one sent twice (a
// proxy may have checked one copy and the handler would read another: refused).
struct IdentityHeaders {
  auth::Credentials credentials;  // X-Project-ID, X-Roles, X-Auth-Token
  std::optional<std::string_view> client;
  std::string_view repeated;
  bool signed_url = false;  // a valid pre-signature (URL-* headers) came with the request
};

namespace {

using boost::beast::http::verb;
using RouteKind = http::Router<int>::Match::Kind;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// mimeparse.quality('application/json', accept) != 0, as falcon's client_accepts() asks it.
bool accepts_json(std::string_view accept) {
  accept = trim(accept);
  if (accept.empty() || accept == "*/*" || accept == "application/json") return true;
  int best_fitness = -1;
  double best_quality = 0;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    std::string_view range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    double quality = 1;
    const auto semi = range.find(';');
    std::string_view params =
        semi == std::string_view::npos ? std::string_view() : range.substr(semi + 1);
    range = trim(range.substr(0, semi));
    while (!params.empty()) {
      const auto next = params.find(';');
      const std::string_view param = trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        try {
          quality = std::stod(std::string(param.substr(2)));
        } catch (...) {
          return false;  // mimeparse raises ValueError; falcon treats it as not accepted
        }
      }
    }
    if (range == "*") range = "*/*";
    const auto slash = range.find('/');
    if (slash == std::string_view::npos) continue;
    const std::string_view type = trim(range.substr(0, slash));
    const std::string_view subtype = trim(range.substr(slash + 1));
    const bool type_ok = type == "*" || boost::beast::iequals(type, "application");
    const bool subtype_ok = subtype == "*" || boost::beast::iequals(subtype, "json");
    if (!type_ok || !subtype_ok) continue;
    const int fitness = (type == "*" ? 0 : 100) + (subtype == "*" ? 0 : 10);
    if (fitness > best_fitness) {
      best_fitness = fitness;
      best_quality = quality;
    }
  }
  return best_fitness >= 0 && best_quality != 0;
}

// A header name (of the same length) equal to `canonical`, ASCII case-insensitively. Clients
// mostly send the canonical spelling, which a memcmp of constant size settles in a few word
// compares: this runs for every header of every request.
template <std::size_t N>
bool is_header(std::string_view name, const char (&canonical)[N]) noexcept {
  return std::memcmp(name.data(), canonical, N - 1) == 0 ||
         boost::beast::iequals(name, std::string_view(canonical, N - 1));
}

void take(IdentityHeaders& found, std::optional<std::string_view>& into, std::string_view name,
          std::string_view value) noexcept {
  if (into) found.repeated = name;
  into = value;
}

void read_identity_headers(const http::Request& request, IdentityHeaders& found) {
  auth::Credentials& c = found.credentials;
  std::optional<std::string_view> bearer;  // Authorization: Bearer (what Prometheus can send)
  for (const http::Header& h : request.headers) {
    switch (h.name.size()) {  // most headers are none of these: their length says so
      case sizeof("Client-ID") - 1:
        if (is_header(h.name, "Client-ID")) take(found, found.client, "Client-ID", h.value);
        break;
      case sizeof("X-Project-ID") - 1:  // (== sizeof "X-Auth-Token" - 1)
        if (is_header(h.name, "X-Project-ID")) {
          take(found, c.project, "X-Project-ID", h.value);
        } else if (is_header(h.name, "X-Auth-Token")) {
          take(found, c.token, "X-Auth-Token", h.value);
        }
        break;
      case sizeof("X-Roles") - 1:
        if (is_header(h.name, "X-Roles")) take(found, c.roles, "X-Roles", h.value);
        break;
      case sizeof("Authorization") - 1:
        if (is_header(h.name, "Authorization") && h.value.size() > 7 &&
            boost::beast::iequals(h.value.substr(0, 7), "Bearer ")) {
          take(found, bearer, "Authorization", h.value.substr(7));
        }
        break;
      default:
        break;
    }
  }
  // The token as a bearer token when X-Auth-Token is absent.
  if (!c.token && bearer) c.token = bearer;
}

}  // namespace

HttpApi::HttpApi(engine::QueueService& service, auth::Identity& identity,
                 auth::Admission* admission, ApiOptions options)
    : service_(service),
      identity_(identity),
      admission_(admission),
      unmatched_(&RouteMetrics::of("any", "unmatched")),
      options_(std::move(options)) {
  add(verb::get, "/", &HttpApi::get_versions, ApiVersion::v2);
  if (options_.metrics != nullptr) {
    add(verb::get, "/metrics", &HttpApi::get_metrics, ApiVersion::v2, true, true);
  }
  add(verb::get, "/v2/", &HttpApi::get_home, ApiVersion::v2);
  if (options_.enable_v1_1) add(verb::get, "/v1.1/", &HttpApi::get_home_v1_1, ApiVersion::v1_1);
  // Below the version prefix; `v1_1`: served under /v1.1 too (Zaqar's
  // transport/wsgi/v1_1/__init__.py: no queue PATCH, purge, share or subscriptions there).
  struct Entry {
    verb method;
    std::string_view pattern;
    Resource resource;
    bool v1_1 = true;
    bool admin_only = false;
  };
  static const Entry kRoutes[] = {
      {verb::get, "ping", &HttpApi::get_ping},
      {verb::head, "ping", &HttpApi::head_ping},
      {verb::get, "health", &HttpApi::get_health, true, true},
      {verb::get, "queues", &HttpApi::list_queues},
      {verb::put, "queues/{queue_name}", &HttpApi::put_queue},
      {verb::get, "queues/{queue_name}", &HttpApi::get_queue},
      {verb::patch, "queues/{queue_name}", &HttpApi::patch_queue, false},
      {verb::delete_, "queues/{queue_name}", &HttpApi::delete_queue},
      {verb::get, "queues/{queue_name}/stats", &HttpApi::get_stats},
      {verb::post, "queues/{queue_name}/purge", &HttpApi::post_purge, false},
      {verb::post, "queues/{queue_name}/share", &HttpApi::post_share, false},
      {verb::post, "queues/{queue_name}/messages", &HttpApi::post_messages},
      {verb::get, "queues/{queue_name}/messages", &HttpApi::get_messages},
      {verb::delete_, "queues/{queue_name}/messages", &HttpApi::delete_messages},
      {verb::get, "queues/{queue_name}/messages/{message_id}", &HttpApi::get_message},
      {verb::delete_, "queues/{queue_name}/messages/{message_id}", &HttpApi::delete_message},
      {verb::post, "queues/{queue_name}/claims", &HttpApi::post_claim},
      {verb::get, "queues/{queue_name}/claims/{claim_id}", &HttpApi::get_claim},
      {verb::patch, "queues/{queue_name}/claims/{claim_id}", &HttpApi::patch_claim},
      {verb::delete_, "queues/{queue_name}/claims/{claim_id}", &HttpApi::delete_claim},
      {verb::get, "queues/{queue_name}/subscriptions", &HttpApi::list_subscriptions, false},
      {verb::post, "queues/{queue_name}/subscriptions", &HttpApi::post_subscription, false},
      {verb::get, "queues/{queue_name}/subscriptions/{subscription_id}", &HttpApi::get_subscription,
       false},
      {verb::patch, "queues/{queue_name}/subscriptions/{subscription_id}",
       &HttpApi::patch_subscription, false},
      {verb::delete_, "queues/{queue_name}/subscriptions/{subscription_id}",
       &HttpApi::delete_subscription, false},
      {verb::put, "queues/{queue_name}/subscriptions/{subscription_id}/confirm",
       &HttpApi::put_confirm, false},
  };
  // Topics (Zaqar's transport/wsgi/v2_0/__init__.py): v2 only, no claims, share or pop-less
  // differences; each is the queue resource of the same method over the topic namespace.
  static const Entry kTopicRoutes[] = {
      {verb::get, "topics", &HttpApi::list_queues},
      {verb::put, "topics/{topic_name}", &HttpApi::put_queue},
      {verb::get, "topics/{topic_name}", &HttpApi::get_queue},
      {verb::patch, "topics/{topic_name}", &HttpApi::patch_queue},
      {verb::delete_, "topics/{topic_name}", &HttpApi::delete_queue},
      {verb::get, "topics/{topic_name}/stats", &HttpApi::get_stats},
      {verb::post, "topics/{topic_name}/purge", &HttpApi::post_purge},
      {verb::post, "topics/{topic_name}/messages", &HttpApi::post_messages},
      {verb::get, "topics/{topic_name}/messages", &HttpApi::get_messages},
      {verb::delete_, "topics/{topic_name}/messages", &HttpApi::delete_messages},
      {verb::get, "topics/{topic_name}/messages/{message_id}", &HttpApi::get_message},
      {verb::delete_, "topics/{topic_name}/messages/{message_id}", &HttpApi::delete_message},
      {verb::get, "topics/{topic_name}/subscriptions", &HttpApi::list_subscriptions},
      {verb::post, "topics/{topic_name}/subscriptions", &HttpApi::post_subscription},
      {verb::get, "topics/{topic_name}/subscriptions/{subscription_id}", &HttpApi::get_subscription},
      {verb::patch, "topics/{topic_name}/subscriptions/{subscription_id}",
       &HttpApi::patch_subscription},
      {verb::delete_, "topics/{topic_name}/subscriptions/{subscription_id}",
       &HttpApi::delete_subscription},
      {verb::put, "topics/{topic_name}/subscriptions/{subscription_id}/confirm",
       &HttpApi::put_confirm},
  };
  // Pools and flavors (Zaqar's, with `pooling` on): admin routes; pools also under v1.1
  // (Zaqar's v1_1/pools.py: the same resource), flavors v2 only here.
  static const Entry kPoolRoutes[] = {
      {verb::get, "pools", &HttpApi::list_pools},
      {verb::put, "pools/{pool_name}", &HttpApi::put_pool},
      {verb::get, "pools/{pool_name}", &HttpApi::get_pool},
      {verb::patch, "pools/{pool_name}", &HttpApi::patch_pool},
      {verb::delete_, "pools/{pool_name}", &HttpApi::delete_pool},
      {verb::get, "flavors", &HttpApi::list_flavors},
      {verb::put, "flavors/{flavor_name}", &HttpApi::put_flavor},
      {verb::get, "flavors/{flavor_name}", &HttpApi::get_flavor},
      {verb::patch, "flavors/{flavor_name}", &HttpApi::patch_flavor},
      {verb::delete_, "flavors/{flavor_name}", &HttpApi::delete_flavor},
  };
  if (options_.pools != nullptr) {
    for (const Entry& route : kPoolRoutes) {
      add(route.method, fmt::format("/v2/{}", route.pattern), route.resource, ApiVersion::v2,
          options_.pools_admin_only);
      if (options_.enable_v1_1 && route.pattern.starts_with("pools")) {
        add(route.method, fmt::format("/v1.1/{}", route.pattern), route.resource,
            ApiVersion::v1_1, options_.pools_admin_only);
      }
    }
  }
  for (const Entry& route : kTopicRoutes) {
    add(route.method, fmt::format("/v2/{}", route.pattern), route.resource, ApiVersion::v2);
  }
  for (const Entry& route : kRoutes) {
    add(route.method, fmt::format("/v2/{}", route.pattern), route.resource, ApiVersion::v2,
        route.admin_only);
    if (route.v1_1 && options_.enable_v1_1) {
      add(route.method, fmt::format("/v1.1/{}", route.pattern), route.resource, ApiVersion::v1_1,
          route.admin_only);
    }
  }
}

void HttpApi::add(verb method, std::string_view pattern, Resource resource, ApiVersion version,
                  bool admin_only, bool open_when_trusting) {
  const bool topic = pattern.find("{topic_name}") != std::string_view::npos ||
                     pattern.ends_with("/topics");
  const bool has_queue = topic ? pattern.find("{topic_name}") != std::string_view::npos
                               : pattern.find("{queue_name}") != std::string_view::npos;
  RouteMetrics* metrics = &RouteMetrics::of(boost::beast::http::to_string(method), pattern);
  router_.add(method, pattern,
              Route{resource, has_queue, topic, admin_only, version, metrics, open_when_trusting});
}

void HttpApi::write_error(HttpCall& call, const Error& error) {
  call.response.error(error);
}

bool HttpApi::check_headers(HttpCall& call, IdentityHeaders& identity) {
  const http::Request& request = call.request;
  const std::string_view path = request.path;
  if (!identity.repeated.empty()) {
    write_error(call, make_error(Errc::header_repeated, identity.repeated));
    return false;
  }

  if (const auto signature = request.header("URL-Signature")) {
    const auth::SignedHeaders headers{*signature, request.header("URL-Expires").value_or(""),
                                      request.header("URL-Methods").value_or(""),
                                      request.header("URL-Paths").value_or(""),
                                      identity.credentials.project.value_or("")};
    if (!auth::verify_signed_request(options_.signed_url_secret, headers, request.method_text, path,
                                     service_.now())) {
      write_error(call, make_error(Errc::signed_url_rejected));
      return false;
    }
    identity.signed_url = true;
  }
  if (request.content_length) {
    if (const auto type = request.header("Content-Type");
        type && boost::beast::iequals(trim(*type), "application/x-www-form-urlencoded")) {
      write_error(call, make_error(Errc::urlencoded_body));
      return false;
    }
  }
  if (const auto accept = request.header("Accept"); accept && !accepts_json(*accept)) {
    write_error(call, make_error(Errc::not_acceptable));
    return false;
  }

  const bool versioned = path.starts_with("/v2/") || path.starts_with("/v1.1/");
  const auto client = identity.client;
  if (versioned && !client) {
    write_error(call, make_error(Errc::client_id_missing));
    return false;
  }
  if (client) {
    // Outside the versioned API (the version document) a Client-ID must be a UUID.
    const engine::ClientIdRules strict;
    auto checked =
        engine::check_client_id(*client, versioned ? options_.client_id : strict, call.client_uuid);
    if (!checked) {
      write_error(call, checked.error());
      return false;
    }
    call.scope.client = *checked;
  }
  return true;
}

HttpApi::Front HttpApi::run_front(HttpCall& call, const Route* route) {
  // Zaqar's checks in Zaqar's order: the headers, then who is calling (the identity stage,
  // where X-Project-ID is read), then admission and the target.
  IdentityHeaders identity;
  read_identity_headers(call.request, identity);
  if (!check_headers(call, identity)) return Front::refused;
  if (call.request.path == "/") return check_target(call, route) ? Front::ok : Front::refused;
  if (route != nullptr && route->open_when_trusting && identity_.trusts_headers()) {
    return Front::ok;
  }
  if (identity.signed_url) return admit_signed(call, identity, route);
  std::optional<Error> refused;
  switch (identity_.decide(identity.credentials, call.principal, refused)) {
    case auth::Identity::Decision::refused:
      refuse_identity(call, identity.credentials, *refused);
      return Front::refused;
    case auth::Identity::Decision::later:
      return Front::identity_later;
    case auth::Identity::Decision::decided:
      break;
  }
  return admit_and_check_target(call, route);
}

boost::asio::awaitable<bool> HttpApi::identify_later(HttpCall& call) {
  IdentityHeaders identity;
  read_identity_headers(call.request, identity);
  auto principal = co_await identity_.authenticate(identity.credentials);
  if (!principal) {
    refuse_identity(call, identity.credentials, principal.error());
    co_return false;
  }
  call.principal = *principal;
  co_return true;
}

HttpApi::Front HttpApi::admit_signed(HttpCall& call, const IdentityHeaders& identity,
                                     const Route* route) {
  // A valid pre-signature stands for authentication, whatever the scheme (as in Zaqar): the
  // caller acts for the project the URL was signed for, on the paths and methods it names
  // only (checked with the signature), with no roles.
  const std::string_view project = identity.credentials.project.value_or("");
  if (auto valid = auth::check_project_id(project); !valid) {
    write_error(call, valid.error());
    return Front::refused;
  }
  call.principal.project = project;
  call.principal.source = auth::Principal::Source::signed_url;
  return admit_and_check_target(call, route);
}

void HttpApi::refuse_identity(HttpCall& call, const auth::Credentials& credentials,
                              const Error& error) {
  if (error.status() == 401) {
    auth::log_refusal(error, credentials.token.value_or(""),
                      call.request.scope != nullptr ? call.request.scope->peer_address() : "");
  }
  write_error(call, error);
}

HttpApi::Front HttpApi::admit_and_check_target(HttpCall& call, const Route* route) {
  call.scope.project = call.principal.project;
  if (admission_ != nullptr) {
    std::optional<Error> refused;
    switch (admission_->decide(call.principal, refused)) {
      case auth::Admission::Decision::refused:
        write_error(call, *refused);
        return Front::refused;
      case auth::Admission::Decision::later:
        return Front::admission_later;
      case auth::Admission::Decision::admitted:
        break;
    }
  }
  return check_target(call, route) ? Front::ok : Front::refused;
}

boost::asio::awaitable<bool> HttpApi::admit_later(HttpCall& call) {
  auto refused = co_await admission_->admit_later(call.principal);
  if (refused) {
    write_error(call, *refused);
    co_return false;
  }
  co_return true;
}

bool HttpApi::check_target(HttpCall& call, const Route* route) {
  const std::string_view path = call.request.path;
  // (A method no route has still gets Zaqar's checks of the name before its 405.)
  const bool topic = route != nullptr ? route->topic
                                      : call.params[0].data() != nullptr &&
                                            path.starts_with("/v2/topics/");
  const bool has_queue =
      route != nullptr ? route->has_queue
                       : call.params[0].data() != nullptr &&
                             (topic || path.starts_with("/v2/queues/") ||
                              path.starts_with("/v1.1/queues/"));
  std::size_t space_size = 0;
  if (topic) {
    call.owned = engine::topic_space(call.scope.project);
    space_size = call.owned.size();
  }
  if (has_queue) {
    std::string_view name = call.params[0];
    const bool encoded = name.find('%') != std::string_view::npos;
    if (encoded) call.owned += percent_decode(name, false);
    if (encoded) name = std::string_view(call.owned).substr(space_size);
    if (call.scope.project.size() > engine::kMaxProjectIdLength ||
        !engine::is_valid_queue_name(name)) {
      write_error(call, make_error(topic ? Errc::topic_identification_invalid
                                         : Errc::queue_identification_invalid));
      return false;
    }
    call.queue = name;
  }
  if (topic) call.scope.space = std::string_view(call.owned).substr(0, space_size);

  if (route != nullptr && route->admin_only && !call.principal.admin) {
    write_error(call, make_error(Errc::not_authorized));
    return false;
  }
  return true;
}

boost::asio::awaitable<void> HttpApi::handle(http::Request& request,
                                             http::ResponseWriter& response) {
  const auto match = router_.match(request.method, request.path);
  using Kind = http::Router<Route>::Match::Kind;
  HttpCall call{request, response};
  const Route* route = match.kind == Kind::found ? match.target : nullptr;
  RouteTimer timer(route != nullptr ? route->metrics : unmatched_, response);
  if (match.kind == Kind::no_route) {
    response.error(make_error(Errc::route_not_found));
    co_return;
  }
  call.params = match.params;
  if (route != nullptr) call.version = route->version;
  // (The stages run in plain functions: every local of this coroutine lives in its frame.)
  Front front = run_front(call, route);
  if (front == Front::identity_later) {
    const bool identified = co_await identify_later(call);
    front = identified ? admit_and_check_target(call, route) : Front::refused;
  }
  if (front == Front::admission_later) {
    const bool admitted = co_await admit_later(call);
    front = admitted && check_target(call, route) ? Front::ok : Front::refused;
  }
  if (front == Front::refused) co_return;
  if (route == nullptr) {
    if (request.method == verb::options) {
      response.begin(200);
      response.header("allow", match.allow);
      response.end_with_body("application/json", "");
    } else {
      response.begin(405);
      response.header("allow", match.allow);
      std::string& body = response.begin_body("application/json");
      JsonWriter(body).begin_object().key("title").string("405 Method Not Allowed").end_object();
      response.finish_body();
    }
    co_return;
  }
  if (!request.query.empty()) call.query = QueryParams::parse(request.query);
  co_await (this->*(route->resource))(call);
}

}  // namespace warren::api
