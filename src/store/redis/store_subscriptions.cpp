// Subscription operations of the redis engine.
#include "store/redis/keys.h"
#include "store/redis/scripts.h"
#include "store/redis/store_impl.h"

namespace warren::store::redis {

namespace {

// Decodes {id, subscriber, ttl_s, created, expires, options, confirmed} at elements[at].
Subscription decode_subscription(const std::vector<Reply>& e, std::size_t at,
                                 std::string_view queue) {
  Subscription s;
  s.id = ShortId::from(e[at].str);
  s.source = std::string(queue);
  s.subscriber = e[at + 1].str;
  s.ttl_s = e[at + 2].as_int();
  s.created = e[at + 3].as_int();
  s.expires = e[at + 4].as_int();
  s.options = e[at + 5].str;
  s.confirmed = e[at + 6].as_int() != 0;
  return s;
}

}  // namespace

Async<SubscriptionCreated> RedisStore::create_subscription(QueueRef queue,
                                                           const NewSubscription& subscription,
                                                           TimeMs now) {
  keys::QueueKeys qk(queue);
  std::string id = keys::random_id();
  auto cmd = eval(scripts::sub_create, qk);
  cmd.num(now).arg(id).arg(subscription.subscriber).num(subscription.ttl_s);
  cmd.arg(subscription.options).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  const auto& e = reply->elements;
  if (e.size() != 2) co_return make_error(Errc::internal, "Malformed subscription reply");
  if (e[1].as_int() < 0) co_return make_error(Errc::subscription_conflict);
  co_return SubscriptionCreated{ShortId::from(e[0].str), e[1].as_int() == 1};
}

Async<SubscriptionPage> RedisStore::list_subscriptions(QueueRef queue, std::string_view marker,
                                                       int limit, TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::sub_list, qk);
  cmd.num(now).arg(marker).num(limit);
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  const auto& e = reply->elements;
  if (e.size() % 7 != 0) co_return make_error(Errc::internal, "Malformed subscription list");
  SubscriptionPage page;
  for (std::size_t at = 0; at < e.size(); at += 7) {
    page.subscriptions.push_back(decode_subscription(e, at, queue.name));
  }
  co_return page;
}

Async<Subscription> RedisStore::get_subscription(QueueRef queue, std::string_view id,
                                                 TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::sub_get, qk);
  cmd.num(now).arg(id);
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->is_nil() || reply->elements.size() != 7) {
    co_return make_error(Errc::subscription_not_found, id);
  }
  co_return decode_subscription(reply->elements, 0, queue.name);
}

Async<void> RedisStore::update_subscription(QueueRef queue, std::string_view id,
                                            const SubscriptionUpdate& update, TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::sub_update, qk);
  cmd.num(now).arg(id);
  cmd.arg(update.subscriber ? "1" : "0").arg(update.subscriber.value_or(std::string_view()));
  cmd.arg(update.ttl_s ? "1" : "0").num(update.ttl_s.value_or(0));
  cmd.arg(update.options ? "1" : "0").arg(update.options.value_or(std::string_view())).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  switch (reply->as_int()) {
    case 1:
      co_return Result<void>();
    case -1:
      co_return make_error(Errc::subscription_conflict);
    default:
      co_return make_error(Errc::subscription_not_found, id);
  }
}

Async<void> RedisStore::confirm_subscription(QueueRef queue, std::string_view id, bool confirmed,
                                             TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::sub_confirm, qk);
  cmd.num(now).arg(id).arg(confirmed ? "1" : "0").writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->as_int() != 1) co_return make_error(Errc::subscription_not_found, id);
  co_return Result<void>();
}

Async<void> RedisStore::delete_subscription(QueueRef queue, std::string_view id) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::sub_delete, qk);
  cmd.num(0).arg(id).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  co_return Result<void>();
}

Async<void> RedisStore::purge_subscriptions(QueueRef queue) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::sub_purge, qk);
  cmd.num(0).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  co_return Result<void>();
}

}  // namespace warren::store::redis
