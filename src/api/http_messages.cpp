// Message resources: post, list, get by ids, bulk delete and pop, get one, delete one.
#include "api/body_decode.h"
#include "api/http_api.h"
#include "api/http_render.h"
#include "api/http_support.h"
#include "engine/python_repr.h"

namespace warren::api {

boost::asio::awaitable<void> HttpApi::post_messages(HttpCall& call) {
  const http::Request& request = call.request;
  std::optional<std::size_t> length;
  if (request.content_length) {
    length = static_cast<std::size_t>(*request.content_length);
  } else if (!request.body.empty()) {
    length = request.body.size();  // chunked: the decoded size counts
  }
  // Zaqar v1.1 knows neither delays nor the queue's own size limit and default TTL.
  const engine::PostRules rules{.queue_policy = !call.v1_1(), .delays = !call.v1_1()};
  const engine::QueueService::PostDecoder decode = [&request](const engine::PostPlan& plan) {
    return decode_post_document(request.body, plan);
  };
  auto ids = co_await service_.post(call.scope, call.queue, length, rules, decode);
  if (!ids) co_return write_error(call, ids.error());
  write_posted(call, *ids);
}

void HttpApi::write_posted(HttpCall& call, const std::vector<store::ShortId>& ids) {
  call.response.begin(201);
  std::string& location = call.response.begin_header("location");
  location.append(call.path());
  location.append("?ids=");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) location.push_back(',');
    location.append(ids[i].view());
  }
  call.response.end_header();
  std::string& body = call.response.begin_body("application/json");
  body.append("{\"resources\":[");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.push_back('"');
    body.append(call.path());
    body.push_back('/');
    body.append(ids[i].view());
    body.push_back('"');
  }
  body.append("]}");
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::get_messages(HttpCall& call) {
  const QueryParams& query = call.query;
  const std::string_view base = queue_path(call.path(), 1);
  if (const auto ids = query.get_list("ids")) {
    auto found = co_await service_.get_messages(call.scope, call.queue, *ids);
    if (!found) co_return write_error(call, found.error());
    if (found->empty()) {
      co_return write_error(call, make_error(Errc::messages_not_found, engine::python_repr(*ids),
                                             call.queue, call.scope.project));
    }
    const store::TimeMs now = service_.now();
    JsonWriter json = json_response(call, 200);
    json.begin_object().key("messages").begin_array();
    for (const store::Message& message : *found) write_message(json, message, base, now);
    json.end_array().end_object();
    call.response.finish_body();
    co_return;
  }

  engine::MessageListRequest request;
  auto limit = query.get_int("limit");
  if (!limit) co_return write_error(call, limit.error());
  auto echo = query.get_bool("echo");
  if (!echo) co_return write_error(call, echo.error());
  auto include_claimed = query.get_bool("include_claimed");
  if (!include_claimed) co_return write_error(call, include_claimed.error());
  request.marker = query.get("marker").value_or("");
  request.limit = *limit;
  request.echo = echo->value_or(false);
  request.include_claimed = include_claimed->value_or(false);
  if (!call.v1_1()) {  // v1.1 knows no delays
    auto include_delayed = query.get_bool("include_delayed");
    if (!include_delayed) co_return write_error(call, include_delayed.error());
    request.include_delayed = include_delayed->value_or(false);
  }

  auto result = co_await service_.list_messages(call.scope, call.queue, request);
  if (!result) co_return write_error(call, result.error());
  const store::TimeMs now = service_.now();
  JsonWriter json = json_response(call, 200);
  json.begin_object().key("messages").begin_array();
  for (const store::Message& message : result->messages) write_message(json, message, base, now);
  json.end_array().key("links").begin_array();
  if (!result->messages.empty()) {
    NextLink link;
    link.keep(query, "marker");
    link.keep_int(query, "limit");
    link.keep_bool(query, "echo");
    link.keep_bool(query, "include_claimed");
    if (!call.v1_1()) {
      link.keep_bool(query, "include_delayed");
      // Zaqar lists a queue without a delay as if include_delayed=true had been asked.
      if (result->include_delayed) link.set("include_delayed", "true");
    }
    link.set("marker", result->messages.back().id.view());
    link.write(json, call.path());
  }
  json.end_array().end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::delete_messages(HttpCall& call) {
  const QueryParams& query = call.query;
  const auto ids = query.get_list("ids");
  std::optional<std::vector<std::string_view>> claim_ids;
  if (service_.limits().message_delete_with_claim_id) claim_ids = query.get_list("claim_ids");
  auto pop = query.get_int("pop");
  if (!pop) co_return write_error(call, pop.error());
  if (auto valid = service_.check_message_deletion(ids, *pop, claim_ids); !valid) {
    co_return write_error(call, valid.error());
  }
  if (ids) {
    const std::vector<std::string_view> no_claims;
    auto deleted = co_await service_.delete_messages(call.scope, call.queue, *ids,
                                                     claim_ids ? *claim_ids : no_claims);
    if (!deleted) co_return write_error(call, deleted.error());
    co_return write_empty(call.response, 204);
  }
  auto popped = co_await service_.pop_messages(call.scope, call.queue, **pop);
  if (!popped) co_return write_error(call, popped.error());
  const store::TimeMs now = service_.now();
  JsonWriter json = json_response(call, 200);
  json.begin_object().key("messages").begin_array();
  for (const store::Message& message : *popped) write_popped_message(json, message, now);
  json.end_array().end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::get_message(HttpCall& call) {
  auto message = co_await service_.get_message(call.scope, call.queue, call.params[1]);
  if (!message) co_return write_error(call, message.error());
  JsonWriter json = json_response(call, 200);
  write_message(json, *message, queue_path(call.path(), 2), service_.now());
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::delete_message(HttpCall& call) {
  const auto claim_id = call.query.get("claim_id");
  auto deleted = co_await service_.delete_message(call.scope, call.queue, call.params[1], claim_id);
  if (!deleted) co_return write_error(call, deleted.error());
  write_empty(call.response, 204);
}

}  // namespace warren::api
