// WebSocket actions on subscriptions (Zaqar api/v2/endpoints.py, api/handler.py): list,
// create, get, delete. subscription_create without a subscriber subscribes this socket: its
// subscription is kept here and routed by the PushHub until its TTL passes or the socket closes.
#include "api/body_decode.h"
#include "api/http_render.h"
#include "api/ws_api.h"
#include "api/ws_support.h"

namespace warren::api {

using boost::asio::awaitable;

namespace {

// datetime.max as seconds since the epoch (see engine/queue_service.cpp).
constexpr std::int64_t kLatestExpirySeconds = 253402300799;

}  // namespace

SocketSubscription* WsConnection::find_socket_subscription(std::string_view id,
                                                           store::TimeMs now) {
  SocketSubscription* s = subscriptions_.find_by_id(id);
  return s != nullptr && s->expires > now ? s : nullptr;
}

void WsConnection::write_socket_subscription(JsonWriter& json, const SocketSubscription& s,
                                             store::TimeMs now) const {
  json.begin_object()
      .key("id")
      .string(s.id())
      .key("source")
      .string(s.queue)
      .key("subscriber")
      .string(fmt::format("websocket:{}", session_.id()))
      .key("ttl")
      .integer(s.ttl_s)
      .key("age")
      .integer(age_seconds(s.created, now))
      .key("options")
      .raw(s.options)
      .key("confirmed")
      .boolean(false)
      .end_object();
}

void WsConnection::drop_socket_subscriptions(std::string_view project, std::string_view queue) {
  if (const SocketSubscription* s = subscriptions_.find(project, queue)) {
    api_.hub().remove_route(session_.loop().index(), *this, s->project, s->queue);
    subscriptions_.erase(*s);
  }
}

awaitable<void> WsConnection::subscription_list(WsCall& call) {
  std::string_view marker;
  std::optional<std::int64_t> limit;
  if (auto paging = page_fields(call.body, marker, limit); !paging) {
    co_return ws_reply_exception(call, paging.error());
  }
  auto page = co_await service_.list_subscriptions(call.scope, call.queue, marker, limit);
  if (!page) {
    const bool storage = page.error().status() >= 500;
    co_return ws_reply_exception(
        call, page.error(),
        storage ? std::optional<std::string_view>("Subscriptions could not be listed.")
                : std::nullopt);
  }
  const store::TimeMs now = service_.now();
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("subscriptions").begin_array();
  for (const store::Subscription& s : page->subscriptions) write_subscription(out, s, now);
  if (marker.empty()) {
    const SocketSubscription* own = subscriptions_.find(call.project, call.queue);
    if (own != nullptr && own->expires > now) write_socket_subscription(out, *own, now);
  }
  out.end_array().end_object();
  ws_reply(call, 200, body);
}

awaitable<void> WsConnection::subscription_create(WsCall& call) {
  auto fields = decode_subscription(call.body_value, false);
  if (!fields) co_return ws_reply_exception(call, fields.error());
  const std::string_view subscriber =
      fields->subscriber ? std::string_view(*fields->subscriber) : std::string_view();
  const std::string created_text = fmt::format("Subscription {} created.", call.queue);

  if (!subscriber.empty()) {
    // A webhook (or other URI) subscription, kept by the store.
    engine::SubscriptionCreateRequest request;
    request.subscriber = std::string(subscriber);
    request.ttl = fields->ttl;
    if (fields->options) request.options = *fields->options;
    // The session's token, copied: the session may authenticate again while this waits.
    const std::string token = session_token_ ? *session_token_ : std::string();
    request.caller.user = call.principal.user;
    request.caller.roles = call.principal.roles;
    if (call.principal.source == auth::Principal::Source::token) request.caller.token = token;
    auto created = co_await service_.create_subscription(call.scope, call.queue, request);
    if (!created) {
      if (created.error().code == Errc::subscription_conflict) {
        co_return ws_reply_text(call, 409, fmt::format("Subscription {} not created.", call.queue));
      }
      const bool storage = created.error().status() >= 500;
      const std::string text = fmt::format("Subscription {} could not be created.", call.queue);
      co_return ws_reply_exception(call, created.error(),
                                   storage ? std::optional<std::string_view>(text) : std::nullopt);
    }
    std::string body;
    JsonWriter(body)
        .begin_object()
        .key("subscription_id")
        .string(created->id.view())
        .key("message")
        .string(created_text)
        .end_object();
    co_return ws_reply(call, 201, body);
  }

  // This socket subscribes.
  const store::TimeMs now = service_.now();
  const std::int64_t ttl = fields->ttl.value_or(service_.limits().default_subscription_ttl);
  if (ttl < api_.options().min_socket_subscription_ttl) {
    co_return ws_reply_exception(call, make_error(Errc::subscription_ttl_too_small,
                                                  api_.options().min_socket_subscription_ttl));
  }
  if (ttl > kLatestExpirySeconds - now / 1000) {
    co_return ws_reply_exception(call, make_error(Errc::subscription_ttl_overflow));
  }
  // One socket holds a bounded number (checked before the queue is made for it).
  if (subscriptions_.find(call.project, call.queue) == nullptr &&
      subscriptions_.size() >= subscriptions_.limit()) {
    subscriptions_.erase_expired(now, [this](const SocketSubscription& s) {
      api_.hub().remove_route(session_.loop().index(), *this, s.project, s.queue);
    });
    if (subscriptions_.size() >= subscriptions_.limit()) {
      co_return ws_reply_exception(
          call, make_error(Errc::ws_subscriptions_limit, subscriptions_.limit()));
    }
  }
  auto queue = co_await service_.create_queue(call.scope, call.queue, "");
  if (!queue) co_return ws_reply_exception(call, queue.error());
  if (closed_) co_return;
  // (This socket's next message is read only once this one is answered: nothing else changed
  // its subscriptions meanwhile.)
  SocketSubscription* existing = subscriptions_.find(call.project, call.queue);
  if (existing == nullptr) existing = subscriptions_.add(call.project, call.queue);
  if (existing == nullptr) {
    co_return ws_reply_exception(call,
                                 make_error(Errc::ws_subscriptions_limit, subscriptions_.limit()));
  }
  existing->ttl_s = ttl;
  existing->created = now;
  existing->expires = now + ttl * 1000;
  existing->options = fields->options.value_or("{}");
  api_.hub().add_route(session_.loop().index(), *this, call.project, call.queue, existing->expires);
  notify_binary_ = call.binary;  // notifications follow the last subscription's encoding
  std::string body;
  JsonWriter(body)
      .begin_object()
      .key("subscription_id")
      .string(existing->id())
      .key("message")
      .string(created_text)
      .end_object();
  ws_reply(call, 201, body);
}

awaitable<void> WsConnection::subscription_get(WsCall& call) {
  const std::string_view id = *string_field(call.body, "subscription_id");
  const store::TimeMs now = service_.now();
  if (const SocketSubscription* own = find_socket_subscription(id, now);
      own != nullptr && own->project == call.project && own->queue == call.queue) {
    std::string body;
    JsonWriter out(body);
    write_socket_subscription(out, *own, now);
    co_return ws_reply(call, 200, body);
  }
  auto subscription = co_await service_.get_subscription(call.scope, call.queue, id);
  if (!subscription) {
    const bool missing = subscription.error().code == Errc::subscription_not_found;
    const std::string text =
        missing ? fmt::format("Subscription {} for queue {} does not exist.", id, call.queue)
                : fmt::format("Cannot retrieve subscription {}.", id);
    co_return ws_reply_exception(call, subscription.error(), text);
  }
  std::string body;
  JsonWriter out(body);
  write_subscription(out, *subscription, service_.now());
  ws_reply(call, 200, body);
}

awaitable<void> WsConnection::subscription_delete(WsCall& call) {
  const std::string_view id = *string_field(call.body, "subscription_id");
  const std::string text = fmt::format("Subscription {} removed.", id);
  if (const SocketSubscription* own = subscriptions_.find_by_id(id);
      own != nullptr && own->project == call.project && own->queue == call.queue) {
    api_.hub().remove_route(session_.loop().index(), *this, own->project, own->queue);
    subscriptions_.erase(*own);
    co_return ws_reply_text(call, 204, text);
  }
  auto deleted = co_await service_.delete_subscription(call.scope, call.queue, id);
  if (!deleted) {
    const std::string failed =
        fmt::format("Subscription {} for queue {} could not be deleted.", id, call.queue);
    co_return ws_reply_exception(call, deleted.error(), failed);
  }
  ws_reply_text(call, 204, text);
}

}  // namespace warren::api
