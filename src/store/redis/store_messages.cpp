// Message operations of the redis engine: post, list, get, delete, pop, purge.
#include "store/redis/keys.h"
#include "store/redis/scripts.h"
#include "store/redis/store_impl.h"

namespace warren::store::redis {

namespace {
constexpr int kListBudget = 1000;  // entries one list call may examine
constexpr int kPurgeBatch = 1000;  // messages one purge call may delete
}  // namespace

Async<std::vector<ShortId>> RedisStore::post_messages(QueueRef queue, std::string_view client,
                                                      std::span<const NewMessage> messages,
                                                      TimeMs now) {
  std::vector<ShortId> ids;
  if (messages.empty()) co_return ids;
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::post, qk);
  cmd.num(now).arg(client).num(static_cast<std::int64_t>(messages.size())).writes();
  for (const NewMessage& m : messages) {
    cmd.arg(m.body).num(m.ttl_s).num(m.delay_s).num(static_cast<std::int64_t>(m.encoding));
  }
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->elements.size() != 2) co_return make_error(Errc::internal, "Malformed post reply");
  if (reply->elements[0].as_int() < 0) {
    co_return make_error(Errc::queue_not_found, queue.name, queue.project);
  }
  if (reply->elements[0].as_int() == 1) {
    // An earlier indexing of the queue failed: list it now. The messages are
    // stored whatever happens here, so a failure to index is not reported as a failed post.
    co_await index_or_remember(queue);
  }
  std::int64_t first = reply->elements[1].as_int();
  ids.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ids.push_back(
        ShortId::from(keys::message_id(first + static_cast<std::int64_t>(i), qk.id_suffix())));
  }
  co_return ids;
}

Async<MessagePage> RedisStore::list_messages(QueueRef queue, const MessageListOptions& options,
                                             TimeMs now) {
  MessagePage page;
  keys::QueueKeys qk(queue);
  std::int64_t after = 0;
  if (!options.marker.empty()) {
    auto seq = keys::parse_message_id(options.marker, qk.id_suffix());
    if (!seq) co_return page;  // an unparseable marker (or another queue's id): empty page
    after = *seq;
  }
  // Each call examines a bounded number of entries (Redis stays responsive behind a long run
  // of hidden messages); continue from where it stopped while the page is short.
  while (static_cast<int>(page.messages.size()) < options.limit) {
    auto cmd = eval(scripts::list, qk);
    cmd.num(now).num(after).num(options.limit - static_cast<int>(page.messages.size()));
    cmd.arg(options.echo_client).arg(options.include_claimed ? "1" : "0");
    cmd.arg(options.include_delayed ? "1" : "0").num(kListBudget);
    auto reply = co_await exec(cmd);
    if (!reply) co_return reply.error();
    const auto& e = reply->elements;
    if (e.size() < 2 || (e.size() - 2) % kMessageFields != 0) {
      co_return make_error(Errc::internal, "Malformed list reply");
    }
    for (std::size_t at = 2; at < e.size(); at += kMessageFields) {
      Message m;
      if (!decode_message(e, at, qk.id_suffix(), m)) co_return make_error(Errc::internal, "Malformed message");
      page.messages.push_back(std::move(m));
    }
    after = e[0].as_int();
    if (e[1].as_int() == 1) break;
  }
  co_return page;
}

Async<std::vector<Message>> RedisStore::get_messages(QueueRef queue,
                                                     std::span<const std::string_view> ids,
                                                     TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::get, qk);
  cmd.num(now);
  bool any = false;
  for (std::string_view id : ids) {
    if (keys::parse_message_id(id, qk.id_suffix())) {
      cmd.arg(id.substr(0, 16));  // the internal id
      any = true;
    }
  }
  if (!any) co_return std::vector<Message>{};
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  co_return decode_messages(*reply, qk.id_suffix());
}

Async<void> RedisStore::delete_message(QueueRef queue, std::string_view id,
                                       std::optional<std::string_view> claim_id, TimeMs now) {
  if (claim_id && !keys::is_random_id(*claim_id)) co_return make_error(Errc::claim_invalid);
  keys::QueueKeys qk(queue);
  if (!keys::parse_message_id(id, qk.id_suffix())) co_return Result<void>();  // no such message
  auto cmd = eval(scripts::delete_one, qk);
  cmd.num(now).arg(id.substr(0, 16)).arg(claim_id.value_or(std::string_view())).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  switch (reply->as_int()) {
    case 1:
      co_return make_error(Errc::message_claimed);
    case 2:
      co_return make_error(Errc::message_not_claimed);
    default:
      co_return Result<void>();
  }
}

Async<void> RedisStore::delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                                        std::span<const std::string_view> claim_ids, TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::delete_many, qk);
  cmd.num(now).num(static_cast<std::int64_t>(claim_ids.size())).writes();
  for (std::string_view claim : claim_ids) cmd.arg(claim);
  bool any = false;
  for (std::string_view id : ids) {
    if (keys::parse_message_id(id, qk.id_suffix())) {
      cmd.arg(id.substr(0, 16));  // the internal id
      any = true;
    }
  }
  if (!any) co_return Result<void>();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->elements.size() == 2 && reply->elements[0].as_int() == 1) {
    co_return make_error(Errc::claim_ids_mismatch, reply->elements[1].str, queue.name,
                         queue.project);
  }
  co_return Result<void>();
}

Async<std::vector<Message>> RedisStore::pop_messages(QueueRef queue, int limit, TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::pop, qk);
  cmd.num(now).num(limit).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  co_return decode_messages(*reply, qk.id_suffix());
}

Async<void> RedisStore::purge_messages(QueueRef queue, TimeMs now) {
  keys::QueueKeys qk(queue);
  for (;;) {
    auto cmd = eval(scripts::purge, qk);
    cmd.num(now).num(kPurgeBatch).writes();
    auto reply = co_await exec(cmd);
    if (!reply) co_return reply.error();
    if (reply->elements.size() != 2 || reply->elements[1].as_int() == 0) break;
  }
  co_return Result<void>();
}

}  // namespace warren::store::redis
