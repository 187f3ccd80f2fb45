// POST /v2/queues/{queue}/share: a pre-signed URL for a queue (Zaqar's v2/urls.py).
#include "api/http_api.h"
#include "api/http_support.h"
#include "auth/signed_url.h"
#include "engine/python_repr.h"

namespace warren::api {
namespace {

namespace json = engine::json;

Result<std::vector<std::string>> string_list(json::Element value, Errc not_a_list) {
  if (!value.is_array()) return make_error(not_a_list);
  std::vector<std::string> items;
  for (json::Element item : json::array_of(value)) {
    items.push_back(item.is_string() ? std::string(json::string_of(item)) : json::minify(item));
  }
  return items;
}

}  // namespace

boost::asio::awaitable<void> HttpApi::post_share(HttpCall& call) {
  auto document = required_json_body(call);
  if (!document) co_return write_error(call, document.error());
  const json::Element root = document->root();
  if (!root.is_object()) co_return write_error(call, make_error(Errc::body_wrong_type));
  const auto object = json::object_of(root);

  std::vector<std::string> unknown;
  for (auto field : object) {
    const std::string_view key = field.key;
    if (key != "methods" && key != "expires" && key != "paths") unknown.emplace_back(key);
  }
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    co_return write_error(call, make_error(Errc::share_unknown_keys, engine::python_repr(unknown, true)));
  }

  const std::string_view queue_path = call.path().substr(0, call.path().size() - 6);  // "/share"
  std::vector<std::string> paths;
  if (const auto given = json::member(object, "paths"); given && json::truthy(*given)) {
    auto list = string_list(*given, Errc::share_paths_not_list);
    if (!list) co_return write_error(call, list.error());
    std::vector<std::string> invalid;
    for (const std::string& p : *list) {
      if (p != "messages" && p != "subscriptions" && p != "claims") invalid.push_back(p);
      paths.push_back(fmt::format("{}/{}", queue_path, p));
    }
    if (!invalid.empty()) {
      std::sort(invalid.begin(), invalid.end());
      co_return write_error(call, make_error(Errc::share_invalid_paths, engine::python_repr(invalid, true)));
    }
  } else {
    paths.push_back(fmt::format("{}/messages", queue_path));
  }
  std::vector<std::string> methods;
  if (const auto given = json::member(object, "methods"); given && !given->is_null()) {
    auto list = string_list(*given, Errc::share_methods_not_list);
    if (!list) co_return write_error(call, list.error());
    methods = std::move(*list);
  }
  std::optional<std::string> expires;
  if (const auto given = json::member(object, "expires"); given && !given->is_null()) {
    expires = given->is_string() ? std::string(json::string_of(*given)) : json::minify(*given);
  }

  auto url = auth::create_signed_url(options_.signed_url_secret, std::move(paths), std::move(methods),
                               call.scope.project, expires, service_.now());
  if (!url) co_return write_error(call, url.error());
  JsonWriter out = json_response(call, 200);
  out.begin_object().key("paths").begin_array();
  for (const std::string& p : url->paths) out.string(p);
  out.end_array().key("methods").begin_array();
  for (const std::string& m : url->methods) out.string(m);
  out.end_array()
      .key("project").string(url->project)
      .key("expires").string(url->expires)
      .key("signature").string(url->signature)
      .end_object();
  call.response.finish_body();
}

}  // namespace warren::api
