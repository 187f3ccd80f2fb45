// WebSocket actions on messages (Zaqar api/v2/endpoints.py): list, get, get_many, post,
// delete, delete_many (by ids, or pop).
#include "api/body_decode.h"
#include "api/http_render.h"
#include "api/ws_api.h"
#include "api/ws_support.h"

namespace warren::api {

namespace json = engine::json;
using boost::asio::awaitable;

namespace {

// The string items of a JSON array (other items are skipped, but counted by the caller).
std::vector<std::string_view> strings_of(json::Element array) {
  std::vector<std::string_view> items;
  for (json::Element item : json::array_of(array)) {
    if (item.is_string()) items.push_back(json::string_of(item));
  }
  return items;
}

// The Zaqar "error" text that goes with a message deletion failure.
std::optional<std::string_view> deletion_text(const Error& error) {
  switch (error.code) {
    case Errc::message_not_claimed:
    case Errc::claim_invalid:
    case Errc::message_claimed:
      return error_info(error.code).description;
    default:
      return std::nullopt;
  }
}

}  // namespace

awaitable<void> WsConnection::message_list(WsCall& call) {
  if (!check_client_id(call)) co_return;
  engine::MessageListRequest request;
  if (auto page = page_fields(call.body, request.marker, request.limit); !page) {
    co_return ws_reply_exception(call, page.error());
  }
  request.echo = bool_field(call.body, "echo").value_or(false);
  request.include_claimed = bool_field(call.body, "include_claimed").value_or(false);
  request.include_delayed = bool_field(call.body, "include_delayed").value_or(false);
  auto listed = co_await service_.list_messages(call.scope, call.queue, request);
  if (!listed) co_return ws_reply_exception(call, listed.error());
  const store::TimeMs now = service_.now();
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("messages").begin_array();
  for (const store::Message& m : listed->messages) write_ws_message(out, m, now, {});
  out.end_array().end_object();
  ws_reply(call, 200, body);
}

awaitable<void> WsConnection::message_get(WsCall& call) {
  const std::string_view id = *string_field(call.body, "message_id");
  auto message = co_await service_.get_message(call.scope, call.queue, id);
  if (!message) co_return ws_reply_exception(call, message.error());
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("messages");
  write_ws_message(out, *message, service_.now(), {});
  out.end_object();
  ws_reply(call, 200, body);
}

awaitable<void> WsConnection::message_get_many(WsCall& call) {
  const json::Element ids_value = *field(call.body, "message_ids");
  const std::size_t count = json::array_of(ids_value).size();
  const std::int64_t max = service_.limits().max_messages_per_page;
  if (count == 0 || static_cast<std::int64_t>(count) > max) {
    co_return ws_reply_exception(call, make_error(Errc::limit_range, max));
  }
  const std::vector<std::string_view> ids = strings_of(ids_value);
  std::vector<store::Message> found;
  if (!ids.empty()) {
    auto messages = co_await service_.get_messages(call.scope, call.queue, ids);
    if (!messages) co_return ws_reply_exception(call, messages.error());
    found = std::move(*messages);
  }
  const store::TimeMs now = service_.now();
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("messages").begin_array();
  for (const store::Message& m : found) write_ws_message(out, m, now, {});
  out.end_array().end_object();
  ws_reply(call, 200, body);
}

awaitable<void> WsConnection::message_post(WsCall& call) {
  const json::Element messages = *field(call.body, "messages");
  // Zaqar checks the size of the messages it was given; the JSON text stands for Python's repr.
  const std::size_t size = simdjson::minify(messages).size();
  // The WebSocket API ignores delays (the queue's and the messages'). The Client-ID is checked
  // after the messages, in Zaqar's order; the canonical form it leaves in call.scope reaches
  // the store, which reads the scope after decoding.
  const engine::PostRules rules{.queue_policy = true, .delays = false};
  const engine::QueueService::PostDecoder decode =
      [this, &call](const engine::PostPlan& plan) -> Result<std::vector<engine::MessageInput>> {
    auto decoded = decode_messages(*field(call.body, "messages"), plan);
    if (!decoded) return decoded.error();
    if (auto client = take_client_id(call); !client) return client.error();
    return decoded;
  };
  auto ids = co_await service_.post(call.scope, call.queue, size, rules, decode);
  if (!ids) co_return ws_reply_exception(call, ids.error());
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("message_ids").begin_array();
  for (const store::ShortId& id : *ids) out.string(id.view());
  out.end_array().end_object();
  ws_reply(call, 201, body);
}

awaitable<void> WsConnection::message_delete(WsCall& call) {
  const std::string_view id = *string_field(call.body, "message_id");
  const auto claim = string_field(call.body, "claim_id");
  auto deleted = co_await service_.delete_message(call.scope, call.queue, id, claim);
  if (!deleted) co_return ws_reply_exception(call, deleted.error(), deletion_text(deleted.error()));
  ws_reply(call, 204, "{}");
}

awaitable<void> WsConnection::message_delete_many(WsCall& call) {
  std::optional<std::vector<std::string_view>> ids;
  std::optional<std::vector<std::string_view>> claim_ids;
  std::optional<std::int64_t> pop;
  if (const auto value = field(call.body, "message_ids")) ids = strings_of(*value);
  if (service_.limits().message_delete_with_claim_id) {
    if (const auto value = field(call.body, "claim_ids")) claim_ids = strings_of(*value);
  }
  auto pop_value = int_field(call.body, "pop");
  if (!pop_value) co_return ws_reply_exception(call, pop_value.error());
  pop = *pop_value;
  if (auto valid = service_.check_message_deletion(ids, pop, claim_ids); !valid) {
    co_return ws_reply_exception(call, valid.error());
  }
  if (ids) {
    const std::span<const std::string_view> claims =
        claim_ids ? std::span<const std::string_view>(*claim_ids)
                  : std::span<const std::string_view>();
    auto deleted = co_await service_.delete_messages(call.scope, call.queue, *ids, claims);
    if (!deleted) co_return ws_reply_exception(call, deleted.error());
    co_return ws_reply(call, 204, "{}");
  }
  auto popped = co_await service_.pop_messages(call.scope, call.queue, *pop);
  if (!popped) co_return ws_reply_exception(call, popped.error());
  const store::TimeMs now = service_.now();
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("messages").begin_array();
  for (const store::Message& m : *popped) write_popped_message(out, m, now);
  out.end_array().end_object();
  ws_reply(call, 200, body);
}

}  // namespace warren::api
