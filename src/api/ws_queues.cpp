// WebSocket actions on queues (Zaqar api/v2/endpoints.py): list, create, delete, get, stats,
// purge; and the node actions ping_node and get_home_doc.
#include "api/home_document.h"
#include "api/http_render.h"
#include "api/ws_api.h"
#include "api/ws_support.h"

namespace warren::api {

namespace json = engine::json;
using boost::asio::awaitable;

awaitable<void> WsConnection::queue_list(WsCall& call) {
  engine::QueueListRequest request;
  if (auto page = page_fields(call.body, request.marker, request.limit); !page) {
    co_return ws_reply_exception(call, page.error());
  }
  request.detailed = bool_field(call.body, "detailed").value_or(false);
  auto listed = co_await service_.list_queues(call.scope, request);
  if (!listed) {
    const bool storage = listed.error().status() >= 500;
    co_return ws_reply_exception(
        call, listed.error(),
        storage ? std::optional<std::string_view>("Queues could not be listed.") : std::nullopt);
  }
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("queues").begin_array();
  for (const store::QueueEntry& queue : listed->queues) {
    out.begin_object().key("name").string(queue.name);
    if (request.detailed) out.key("metadata").raw(queue.metadata.empty() ? "{}" : queue.metadata);
    out.end_object();
  }
  out.end_array().end_object();
  ws_reply(call, 200, body);
}

awaitable<void> WsConnection::queue_create(WsCall& call) {
  std::string metadata;
  if (const auto value = field(call.body, "metadata")) {
    metadata = simdjson::minify(*value);
    if (auto size = service_.check_queue_metadata_size(metadata.size()); !size) {
      co_return ws_reply_exception(call, size.error());
    }
    if (!value->is_object()) co_return ws_reply_exception(call, make_error(Errc::body_wrong_type));
  }
  auto created = co_await service_.create_queue(call.scope, call.queue, metadata);
  if (!created) {
    const std::string text = fmt::format("Queue {} could not be created.", call.queue);
    const bool storage = created.error().status() >= 500;
    co_return ws_reply_exception(call, created.error(),
                                 storage ? std::optional<std::string_view>(text) : std::nullopt);
  }
  ws_reply_text(call, *created ? 201 : 204, fmt::format("Queue {} created.", call.queue));
}

awaitable<void> WsConnection::queue_delete(WsCall& call) {
  auto deleted = co_await service_.delete_queue(call.scope, call.queue);
  if (!deleted) {
    const std::string text = fmt::format("Queue {} could not be deleted.", call.queue);
    co_return ws_reply_exception(call, deleted.error(), text);
  }
  ws_reply_text(call, 204, fmt::format("Queue {} removed.", call.queue));
}

awaitable<void> WsConnection::queue_get(WsCall& call) {
  auto metadata = co_await service_.get_queue_metadata(call.scope, call.queue);
  if (!metadata) {
    const std::string text = fmt::format("Cannot retrieve queue {}.", call.queue);
    co_return ws_reply_exception(call, metadata.error(), text);
  }
  ws_reply(call, 200, metadata->to_json());
}

awaitable<void> WsConnection::queue_get_stats(WsCall& call) {
  const std::string text = fmt::format("Cannot retrieve queue {} stats.", call.queue);
  auto exists = co_await service_.queue_exists(call.scope, call.queue);
  if (!exists) co_return ws_reply_exception(call, exists.error(), text);
  if (!*exists) {
    co_return ws_reply(call, 404, R"({"messages":{"claimed":0,"free":0,"total":0}})");
  }
  auto stats = co_await service_.queue_stats(call.scope, call.queue);
  if (!stats) co_return ws_reply_exception(call, stats.error(), text);
  const store::TimeMs now = service_.now();
  std::string body;
  JsonWriter out(body);
  out.begin_object()
      .key("messages")
      .begin_object()
      .key("claimed")
      .integer(stats->counts.claimed)
      .key("free")
      .integer(stats->counts.free)
      .key("total")
      .integer(stats->counts.total);
  auto mark = [&](std::string_view name, const std::optional<store::MessageMark>& m) {
    if (!m) return;
    out.key(name)
        .begin_object()
        .key("id")
        .string(m->id.view())
        .key("age")
        .integer(age_seconds(m->created, now))
        .key("created")
        .string(iso8601(m->created))
        .end_object();
  };
  mark("oldest", stats->oldest);
  mark("newest", stats->newest);
  out.end_object().end_object();
  ws_reply(call, 200, body);
}

awaitable<void> WsConnection::queue_purge(WsCall& call) {
  bool messages = true;
  bool subscriptions = true;
  if (const auto types = field(call.body, "resource_types")) {
    messages = subscriptions = false;
    for (json::Element item : json::array_of(*types)) {
      const std::string_view name = item.is_string() ? json::string_of(item) : std::string_view();
      messages = messages || name == "messages";
      subscriptions = subscriptions || name == "subscriptions";
    }
  }
  auto purged = co_await service_.purge_queue(call.scope, call.queue, messages, subscriptions);
  if (!purged) co_return ws_reply_exception(call, purged.error());
  if (subscriptions) drop_socket_subscriptions(call.project, call.queue);
  ws_reply(call, 204, "{}");
}

awaitable<void> WsConnection::ping_node(WsCall& call) {
  auto alive = co_await service_.ping();
  if (!alive) co_return ws_reply_exception(call, alive.error());
  ws_reply(call, 204, "{}");
}

awaitable<void> WsConnection::get_home_doc(WsCall& call) {
  ws_reply(call, 200, home_document());
  co_return;
}

}  // namespace warren::api
