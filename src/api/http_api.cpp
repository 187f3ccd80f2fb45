// HttpApi: routing and Zaqar's request checks.
#include "api/http_api.h"

#include "api/signed_url.h"
#include "engine/names.h"

#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/beast/core/string.hpp>

namespace warren::api {
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
    std::string_view params = semi == std::string_view::npos ? std::string_view() : range.substr(semi + 1);
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

// The identity headers of a request, found in one pass; `repeated` names one sent twice (a
// proxy may have checked one copy and the handler would read another: refused).
struct IdentityHeaders {
  std::optional<std::string_view> project;
  std::optional<std::string_view> client;
  std::string_view repeated;
};

IdentityHeaders identity_headers(const http::Request& request) {
  constexpr std::string_view kProject = "X-Project-ID";
  constexpr std::string_view kClient = "Client-ID";
  IdentityHeaders found;
  for (const http::Header& h : request.headers) {
    if (h.name.size() == kProject.size() && boost::beast::iequals(h.name, kProject)) {
      if (found.project) found.repeated = kProject;
      found.project = h.value;
    } else if (h.name.size() == kClient.size() && boost::beast::iequals(h.name, kClient)) {
      if (found.client) found.repeated = kClient;
      found.client = h.value;
    }
  }
  return found;
}

bool has_admin_role(std::optional<std::string_view> roles) {
  if (!roles) return false;
  std::string_view rest = *roles;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    if (boost::beast::iequals(trim(rest.substr(0, comma)), "admin")) return true;
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return false;
}

}  // namespace

HttpApi::HttpApi(engine::QueueService& service, ApiOptions options)
    : service_(service), options_(std::move(options)) {
  add(verb::get, "/", &HttpApi::get_versions);
  add(verb::get, "/v2/", &HttpApi::get_home);
  add(verb::get, "/v2/ping", &HttpApi::get_ping);
  add(verb::head, "/v2/ping", &HttpApi::head_ping);
  add(verb::get, "/v2/health", &HttpApi::get_health, true);

  add(verb::get, "/v2/queues", &HttpApi::list_queues);
  add(verb::put, "/v2/queues/{queue_name}", &HttpApi::put_queue);
  add(verb::get, "/v2/queues/{queue_name}", &HttpApi::get_queue);
  add(verb::patch, "/v2/queues/{queue_name}", &HttpApi::patch_queue);
  add(verb::delete_, "/v2/queues/{queue_name}", &HttpApi::delete_queue);
  add(verb::get, "/v2/queues/{queue_name}/stats", &HttpApi::get_stats);
  add(verb::post, "/v2/queues/{queue_name}/purge", &HttpApi::post_purge);
  add(verb::post, "/v2/queues/{queue_name}/share", &HttpApi::post_share);

  add(verb::post, "/v2/queues/{queue_name}/messages", &HttpApi::post_messages);
  add(verb::get, "/v2/queues/{queue_name}/messages", &HttpApi::get_messages);
  add(verb::delete_, "/v2/queues/{queue_name}/messages", &HttpApi::delete_messages);
  add(verb::get, "/v2/queues/{queue_name}/messages/{message_id}", &HttpApi::get_message);
  add(verb::delete_, "/v2/queues/{queue_name}/messages/{message_id}", &HttpApi::delete_message);

  add(verb::post, "/v2/queues/{queue_name}/claims", &HttpApi::post_claim);
  add(verb::get, "/v2/queues/{queue_name}/claims/{claim_id}", &HttpApi::get_claim);
  add(verb::patch, "/v2/queues/{queue_name}/claims/{claim_id}", &HttpApi::patch_claim);
  add(verb::delete_, "/v2/queues/{queue_name}/claims/{claim_id}", &HttpApi::delete_claim);

  add(verb::get, "/v2/queues/{queue_name}/subscriptions", &HttpApi::list_subscriptions);
  add(verb::post, "/v2/queues/{queue_name}/subscriptions", &HttpApi::post_subscription);
  add(verb::get, "/v2/queues/{queue_name}/subscriptions/{subscription_id}",
      &HttpApi::get_subscription);
  add(verb::patch, "/v2/queues/{queue_name}/subscriptions/{subscription_id}",
      &HttpApi::patch_subscription);
  add(verb::delete_, "/v2/queues/{queue_name}/subscriptions/{subscription_id}",
      &HttpApi::delete_subscription);
  add(verb::put, "/v2/queues/{queue_name}/subscriptions/{subscription_id}/confirm",
      &HttpApi::put_confirm);

  if (options_.enable_v1_1) add_v1_1_routes();
}

// Zaqar's transport/wsgi/v1_1/__init__.py: no queue PATCH, purge, share or subscriptions.
void HttpApi::add_v1_1_routes() {
  add(verb::get, "/v1.1/", &HttpApi::get_home_v1_1);
  add(verb::get, "/v1.1/ping", &HttpApi::get_ping);
  add(verb::head, "/v1.1/ping", &HttpApi::head_ping);
  add(verb::get, "/v1.1/health", &HttpApi::get_health, true);

  add(verb::get, "/v1.1/queues", &HttpApi::list_queues);
  add(verb::put, "/v1.1/queues/{queue_name}", &HttpApi::put_queue);
  add(verb::get, "/v1.1/queues/{queue_name}", &HttpApi::get_queue);
  add(verb::delete_, "/v1.1/queues/{queue_name}", &HttpApi::delete_queue);
  add(verb::get, "/v1.1/queues/{queue_name}/stats", &HttpApi::get_stats);

  add(verb::post, "/v1.1/queues/{queue_name}/messages", &HttpApi::post_messages);
  add(verb::get, "/v1.1/queues/{queue_name}/messages", &HttpApi::get_messages);
  add(verb::delete_, "/v1.1/queues/{queue_name}/messages", &HttpApi::delete_messages);
  add(verb::get, "/v1.1/queues/{queue_name}/messages/{message_id}", &HttpApi::get_message);
  add(verb::delete_, "/v1.1/queues/{queue_name}/messages/{message_id}", &HttpApi::delete_message);

  add(verb::post, "/v1.1/queues/{queue_name}/claims", &HttpApi::post_claim);
  add(verb::get, "/v1.1/queues/{queue_name}/claims/{claim_id}", &HttpApi::get_claim);
  add(verb::patch, "/v1.1/queues/{queue_name}/claims/{claim_id}", &HttpApi::patch_claim);
  add(verb::delete_, "/v1.1/queues/{queue_name}/claims/{claim_id}", &HttpApi::delete_claim);
}

void HttpApi::add(verb method, std::string_view pattern, Resource resource, bool admin_only) {
  const bool has_queue = pattern.find("{queue_name}") != std::string_view::npos;
  const ApiVersion version = pattern.starts_with("/v1.1/") ? ApiVersion::v1_1 : ApiVersion::v2;
  router_.add(method, pattern, Route{resource, has_queue, admin_only, version});
}

void HttpApi::write_error(HttpCall& call, const Error& error) { call.response.error(error); }

bool HttpApi::check_request(HttpCall& call, const Route* route) {
  const http::Request& request = call.request;
  const std::string_view path = request.path;
  const IdentityHeaders identity = identity_headers(request);
  if (!identity.repeated.empty()) {
    write_error(call, make_error(Errc::header_repeated, identity.repeated));
    return false;
  }

  if (const auto signature = request.header("URL-Signature")) {
    const SignedHeaders headers{*signature, request.header("URL-Expires").value_or(""),
                                request.header("URL-Methods").value_or(""),
                                request.header("URL-Paths").value_or(""),
                                identity.project.value_or("")};
    if (!verify_signed_request(options_.signed_url_secret, headers, request.method_text, path,
                               service_.now())) {
      write_error(call, make_error(Errc::signed_url_rejected));
      return false;
    }
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
    if (versioned && !options_.client_id_uuid_safe) {
      if (client->size() < options_.min_client_id_length ||
          client->size() > options_.max_client_id_length) {
        write_error(call, make_error(Errc::client_id_length, options_.min_client_id_length,
                                     options_.max_client_id_length));
        return false;
      }
      call.scope.client = *client;
    } else if (auto uuid = canonical_uuid(*client)) {
      call.client_uuid = *uuid;
      call.scope.client = call.client_uuid.view();
    } else {
      write_error(call, make_error(Errc::client_id_malformed));
      return false;
    }
  }

  if (path != "/") {
    const auto project = identity.project;
    if (!project) {
      write_error(call, make_error(Errc::project_id_missing));
      return false;
    }
    if (auto valid = engine::check_project_id(*project); !valid) {
      write_error(call, valid.error());
      return false;
    }
    call.scope.project = *project;
  }

  const bool has_queue =
      route != nullptr ? route->has_queue
                       : call.params[0].data() != nullptr &&
                             (path.starts_with("/v2/queues/") || path.starts_with("/v1.1/queues/"));
  if (has_queue) {
    std::string_view name = call.params[0];
    if (name.find('%') != std::string_view::npos) {
      call.decoded_queue = percent_decode(name, false);
      name = call.decoded_queue;
    }
    if (call.scope.project.size() > engine::kMaxProjectIdLength || !engine::is_valid_queue_name(name)) {
      write_error(call, make_error(Errc::queue_identification_invalid));
      return false;
    }
    call.queue = name;
  }

  if (route != nullptr && route->admin_only && !has_admin_role(request.header("X-Roles"))) {
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
  if (match.kind == Kind::no_route) {
    response.error(make_error(Errc::route_not_found));
    co_return;
  }
  call.params = match.params;
  const Route* route = match.kind == Kind::found ? match.target : nullptr;
  if (route != nullptr) call.version = route->version;
  if (!check_request(call, route)) co_return;
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
