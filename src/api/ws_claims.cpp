// WebSocket actions on claims (Zaqar api/v2/endpoints.py): create, get, update, delete.
#include "api/ws_api.h"
#include "api/ws_support.h"

namespace warren::api {

using boost::asio::awaitable;

awaitable<void> WsConnection::claim_create(WsCall& call) {
  engine::ClaimCreateRequest request;
  auto limit = int_field(call.body, "limit");
  if (!limit) co_return ws_reply_exception(call, limit.error());
  auto ttl = int_field(call.body, "ttl");
  if (!ttl) co_return ws_reply_exception(call, ttl.error());
  auto grace = int_field(call.body, "grace");
  if (!grace) co_return ws_reply_exception(call, grace.error());
  request.limit = *limit;
  request.options = engine::ClaimOptions{*ttl, *grace};
  auto claimed = co_await service_.create_claim(call.scope, call.queue, request);
  if (!claimed) co_return ws_reply_exception(call, claimed.error());
  if (claimed->claim_id.empty()) co_return ws_reply(call, 204, R"({"claim_id":null})");
  const store::TimeMs now = service_.now();
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("claim_id").string(claimed->claim_id.view()).key("messages").begin_array();
  for (const store::Message& m : claimed->messages) {
    write_ws_message(out, m, now, claimed->claim_id.view());
  }
  out.end_array().end_object();
  ws_reply(call, 201, body);
}

awaitable<void> WsConnection::claim_get(WsCall& call) {
  const std::string_view claim_id = *string_field(call.body, "claim_id");
  auto claim = co_await service_.get_claim(call.scope, call.queue, claim_id);
  if (!claim) {
    const std::string text = fmt::format("Claim {} does not exist.", claim_id);
    co_return ws_reply_exception(call, claim.error(), text);
  }
  const store::TimeMs now = service_.now();
  std::string body;
  JsonWriter out(body);
  out.begin_object()
      .key("age")
      .integer(now > claim->created ? (now - claim->created) / 1000 : 0)
      .key("ttl")
      .integer(claim->ttl_s)
      .key("messages")
      .begin_array();
  for (const store::Message& m : claim->messages) write_ws_message(out, m, now, claim_id);
  out.end_array().end_object();
  ws_reply(call, 200, body);
}

awaitable<void> WsConnection::claim_update(WsCall& call) {
  const std::string_view claim_id = *string_field(call.body, "claim_id");
  auto ttl = int_field(call.body, "ttl");
  if (!ttl) co_return ws_reply_exception(call, ttl.error());
  auto grace = int_field(call.body, "grace");
  if (!grace) co_return ws_reply_exception(call, grace.error());
  auto updated = co_await service_.update_claim(call.scope, call.queue, claim_id,
                                                engine::ClaimOptions{*ttl, *grace});
  if (!updated) {
    const std::string text = fmt::format("Claim {} does not exist.", claim_id);
    const bool missing = updated.error().code == Errc::claim_not_found;
    co_return ws_reply_exception(call, updated.error(),
                                 missing ? std::optional<std::string_view>(text) : std::nullopt);
  }
  ws_reply_text(call, 204, fmt::format("Claim {} updated.", claim_id));
}

awaitable<void> WsConnection::claim_delete(WsCall& call) {
  const std::string_view claim_id = *string_field(call.body, "claim_id");
  auto deleted = co_await service_.delete_claim(call.scope, call.queue, claim_id);
  if (!deleted) co_return ws_reply_exception(call, deleted.error());
  ws_reply_text(call, 204, fmt::format("Claim {} deleted.", claim_id));
}

}  // namespace warren::api
