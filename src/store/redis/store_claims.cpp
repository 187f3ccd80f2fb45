// Claim operations of the redis engine, and the dead-letter moves a claim can trigger.
#include "store/redis/keys.h"
#include "store/redis/scripts.h"
#include "store/redis/store_impl.h"

namespace warren::store::redis {

Async<ClaimResult> RedisStore::create_claim(QueueRef queue, const ClaimParams& params,
                                            TimeMs now) {
  keys::QueueKeys qk(queue);
  std::string claim_id = keys::random_id();
  const DeadLetterPolicy& dl = params.dead_letter;
  auto cmd = eval(scripts::claim, qk);
  cmd.num(now).arg(claim_id).num(params.limit).num(params.ttl_s).num(params.grace_s);
  cmd.num(dl.active() ? *dl.max_claims : -1).arg(dl.active() ? std::string_view(dl.queue) : "");
  cmd.num(dl.active() && dl.message_ttl_s ? *dl.message_ttl_s : -1).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->elements.size() != 2) co_return make_error(Errc::internal, "Malformed claim reply");
  ClaimResult result;
  auto messages = decode_messages(reply->elements[0], qk.id_suffix());
  if (!messages) co_return messages.error();
  if (!messages->empty()) {
    result.claim_id = ShortId::from(claim_id);
    result.messages = std::move(*messages);
  }
  if (!reply->elements[1].elements.empty()) {
    // The claim itself is done; a move that fails here is retried by a later claim once its
    // lease runs out, so it does not fail the claim.
    (void)co_await move_dead_letters(queue, reply->elements[1], now);
  }
  co_return result;
}

Async<void> RedisStore::move_dead_letters(QueueRef queue, const Reply& entries, TimeMs now) {
  // Entries: id, dead-letter queue, body, client, created, ttl_s, expires, claim count, receive
  // count, body encoding (see claim.lua).
  constexpr std::size_t kFields = 10;
  const auto& e = entries.elements;
  keys::QueueKeys qk(queue);
  auto ack = eval(scripts::dlq_ack, qk);
  ack.num(now).writes();
  bool any = false;
  for (std::size_t at = 0; at + kFields <= e.size(); at += kFields) {
    QueueRef dlq{queue.project, e[at + 1].str};
    keys::QueueKeys dk(dlq);
    auto in = eval(scripts::dlq_in, dk);
    in.num(now).arg(e[at + 2].str).arg(e[at + 3].str).num(e[at + 4].as_int());
    in.num(e[at + 5].as_int()).num(e[at + 6].as_int()).num(e[at + 7].as_int());
    in.num(e[at + 8].as_int()).num(e[at + 9].as_int()).writes();
    auto moved = co_await exec(in);
    if (!moved) co_return moved.error();
    if (!moved->elements.empty() && moved->elements[0].as_int() == 1) {
      co_await index_or_remember(dlq);
    }
    ack.arg(e[at].str);
    any = true;
  }
  if (!any) co_return Result<void>();
  auto acked = co_await exec(ack);
  if (!acked) co_return acked.error();
  co_return Result<void>();
}

Async<ClaimInfo> RedisStore::get_claim(QueueRef queue, std::string_view claim_id, TimeMs now) {
  if (!keys::is_random_id(claim_id)) {
    co_return make_error(Errc::claim_not_found, claim_id, queue.name, queue.project);
  }
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::claim_get, qk);
  cmd.num(now).arg(claim_id);
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->is_nil() || reply->elements.size() != 4) {
    co_return make_error(Errc::claim_not_found, claim_id, queue.name, queue.project);
  }
  ClaimInfo info;
  info.created = reply->elements[0].as_int();
  info.ttl_s = reply->elements[1].as_int();
  info.expires = reply->elements[2].as_int();
  auto messages = decode_messages(reply->elements[3], qk.id_suffix());
  if (!messages) co_return messages.error();
  info.messages = std::move(*messages);
  co_return info;
}

Async<void> RedisStore::update_claim(QueueRef queue, std::string_view claim_id,
                                     std::int64_t ttl_s, std::int64_t grace_s, TimeMs now) {
  if (!keys::is_random_id(claim_id)) {
    co_return make_error(Errc::claim_not_found, claim_id, queue.name, queue.project);
  }
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::claim_update, qk);
  cmd.num(now).arg(claim_id).num(ttl_s).num(grace_s).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->as_int() != 1) {
    co_return make_error(Errc::claim_not_found, claim_id, queue.name, queue.project);
  }
  co_return Result<void>();
}

Async<void> RedisStore::release_claim(QueueRef queue, std::string_view claim_id, TimeMs now) {
  if (!keys::is_random_id(claim_id)) co_return Result<void>();
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::claim_release, qk);
  cmd.num(now).arg(claim_id).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  co_return Result<void>();
}

// ---- per-message visibility ----

Async<void> RedisStore::change_visibility(QueueRef queue, Receipt receipt, TimeMs visible_at,
                                          TimeMs now) {
  keys::QueueKeys qk(queue);
  if (!keys::parse_message_id(receipt.id, qk.id_suffix())) {
    co_return make_error(Errc::message_not_found, receipt.id, queue.name, queue.project);
  }
  const std::int64_t ttl_s = visible_at > now ? (visible_at - now + 999) / 1000 : 0;
  const std::string own_claim = keys::random_id();  // (arg() keeps a view: it must outlive cmd)
  auto cmd = eval(scripts::visibility, qk);
  cmd.num(now).arg(receipt.id.substr(0, 16)).num(receipt.receive_count).num(visible_at);
  cmd.arg(own_claim).num(ttl_s).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  switch (reply->as_int()) {
    case 1:
      co_return Result<void>();
    case -2:
      co_return make_error(Errc::receipt_stale, receipt.id);
    case -3:
      co_return make_error(Errc::message_not_in_flight, receipt.id);
    default:
      co_return make_error(Errc::message_not_found, receipt.id, queue.name, queue.project);
  }
}

Async<bool> RedisStore::delete_received(QueueRef queue, Receipt receipt, TimeMs now) {
  keys::QueueKeys qk(queue);
  if (!keys::parse_message_id(receipt.id, qk.id_suffix())) co_return false;
  auto cmd = eval(scripts::delete_received, qk);
  cmd.num(now).arg(receipt.id.substr(0, 16)).num(receipt.receive_count).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  co_return reply->as_int() == 1;
}

}  // namespace warren::store::redis
