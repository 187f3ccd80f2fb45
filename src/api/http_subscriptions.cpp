// Subscription resources: list, create, get, update, delete, confirm.
#include "api/body_decode.h"
#include "api/http_api.h"
#include "api/http_render.h"
#include "api/http_support.h"

namespace warren::api {
namespace {

// The subscription a POST asks for ("subscriber" required).
Result<engine::SubscriptionCreateRequest> subscription_request(engine::json::Element document) {
  auto fields = decode_subscription(document, true);
  if (!fields) return fields.error();
  engine::SubscriptionCreateRequest request;
  request.subscriber = fields->subscriber.value_or("");
  if (request.subscriber.empty()) return make_error(Errc::subscription_param_missing, "subscriber");
  request.ttl = fields->ttl;
  if (fields->options) request.options = *fields->options;
  return request;
}

// Who creates the subscription, for a subscriber type that acts on their behalf later (a
// trust+ subscriber's Keystone trust). The token is the one the identity stage verified (a
// duplicated X-Auth-Token never gets this far); a signed URL or a header identity has none.
engine::Caller caller_of(const HttpCall& call) {
  engine::Caller caller;
  caller.user = call.principal.user;
  caller.roles = call.principal.roles;
  if (call.principal.source == auth::Principal::Source::token) {
    caller.token = call.request.header("X-Auth-Token").value_or("");
  }
  return caller;
}

}  // namespace

boost::asio::awaitable<void> HttpApi::list_subscriptions(HttpCall& call) {
  auto limit = call.query.get_int("limit");
  if (!limit) co_return write_error(call, limit.error());
  const std::string_view marker = call.query.get("marker").value_or("");
  auto page = co_await service_.list_subscriptions(call.scope, call.queue, marker, *limit);
  if (!page) co_return write_error(call, page.error());
  const store::TimeMs now = service_.now();
  JsonWriter json = json_response(call, 200);
  json.begin_object().key("subscriptions").begin_array();
  for (const store::Subscription& s : page->subscriptions) write_subscription(json, s, now);
  json.end_array().key("links").begin_array();
  if (!page->subscriptions.empty()) {
    NextLink link;
    link.keep(call.query, "marker");
    link.keep_int(call.query, "limit");
    link.set("marker", page->subscriptions.back().id.view());
    link.write(json, call.path());
  }
  json.end_array().end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::post_subscription(HttpCall& call) {
  auto document = optional_json_body(call);
  if (!document) co_return write_error(call, document.error());
  auto empty = engine::json::parse_document("{}");
  // A refused request is still handed on: the engine creates the queue first, as Zaqar does.
  Result<engine::SubscriptionCreateRequest> request =
      subscription_request(*document ? (*document)->root() : empty->root());
  if (request) request->caller = caller_of(call);
  auto created = co_await service_.create_subscription(call.scope, call.queue, request);
  if (!created) {
    if (created.error().code == Errc::subscription_conflict) {
      const Error conflict = make_error(Errc::subscription_exists);
      json_response(call, 409, call.path()).begin_object().key("title").string(conflict.title())
          .key("description").string(conflict.description).end_object();
      call.response.finish_body();
      co_return;
    }
    co_return write_error(call, created.error());
  }
  json_response(call, 201, call.path()).begin_object().key("subscription_id")
      .string(created->id.view()).end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::get_subscription(HttpCall& call) {
  auto subscription = co_await service_.get_subscription(call.scope, call.queue, call.params[1]);
  if (!subscription) co_return write_error(call, subscription.error());
  JsonWriter json = json_response(call, 200);
  write_subscription(json, *subscription, service_.now());
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::patch_subscription(HttpCall& call) {
  auto document = optional_json_body(call);
  if (!document) co_return write_error(call, document.error());
  auto empty = engine::json::parse_document("{}");
  auto fields = decode_subscription(*document ? (*document)->root() : empty->root(), false);
  if (!fields) co_return write_error(call, fields.error());
  if (!fields->subscriber && !fields->ttl && !fields->options) {
    co_return write_error(call, make_error(Errc::subscription_update_failed, call.params[1]));
  }
  store::SubscriptionUpdate update;
  if (fields->subscriber) update.subscriber = *fields->subscriber;
  if (fields->ttl) update.ttl_s = *fields->ttl;
  if (fields->options) update.options = *fields->options;
  auto updated = co_await service_.update_subscription(call.scope, call.queue, call.params[1], update);
  if (!updated) co_return write_error(call, updated.error());
  write_empty(call.response, 204, call.path());
}

boost::asio::awaitable<void> HttpApi::delete_subscription(HttpCall& call) {
  auto deleted = co_await service_.delete_subscription(call.scope, call.queue, call.params[1]);
  if (!deleted) co_return write_error(call, deleted.error());
  write_empty(call.response, 204);
}

boost::asio::awaitable<void> HttpApi::put_confirm(HttpCall& call) {
  auto document = optional_json_body(call);
  if (!document) co_return write_error(call, document.error());
  auto empty = engine::json::parse_document("{}");
  auto confirmed = decode_confirmation(*document ? (*document)->root() : empty->root());
  if (!confirmed) co_return write_error(call, confirmed.error());
  auto done = co_await service_.confirm_subscription(call.scope, call.queue, call.params[1], *confirmed);
  if (!done) co_return write_error(call, done.error());
  write_empty(call.response, 204, call.path());
}

}  // namespace warren::api
