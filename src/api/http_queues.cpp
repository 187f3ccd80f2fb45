// Queue resources: list, create, metadata get/patch, delete, stats, purge; the same for topics
// (call.topic(): a queue of the topic namespace), as Zaqar's topic.py mirrors its queues.py.
#include <algorithm>
#include <charconv>
#include <span>

#include "api/body_decode.h"
#include "api/http_api.h"
#include "api/http_render.h"
#include "api/http_support.h"
#include "engine/queue_metadata.h"

namespace warren::api {
namespace {

constexpr std::string_view kPatchMediaType = "application/openstack-messaging-v2.0-json-patch";
// The parameters a queue listing reads, in the order it reads them (v1.1: the first three; a
// topic listing: the first four, any other is a metadata filter).
constexpr std::string_view kListParams[] = {"marker", "limit", "detailed", "name", "with_count"};

// A metadata filter value from the query: an integer if it reads as one, else a string.
std::string filter_json(std::string_view value) {
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec == std::errc() && end == value.data() + value.size() && !value.empty()) {
    return std::to_string(number);
  }
  std::string out;
  append_json_string(out, value);
  return out;
}

}  // namespace

boost::asio::awaitable<void> HttpApi::list_queues(HttpCall& call) {
  engine::QueueListRequest request;
  const QueryParams& query = call.query;
  // v1.1 reads marker, limit and detailed only: no name filter, count or metadata filters.
  const std::span<const std::string_view> params =
      call.v1_1()    ? std::span(kListParams).first(3)
      : call.topic() ? std::span(kListParams).first(4)
                     : std::span(kListParams);
  auto limit = query.get_int("limit");
  if (!limit) co_return write_error(call, limit.error());
  auto detailed = query.get_bool("detailed");
  if (!detailed) co_return write_error(call, detailed.error());
  request.marker = query.get("marker").value_or("");
  request.limit = *limit;
  request.detailed = detailed->value_or(false);
  if (!call.v1_1()) {
    request.name_contains = query.get("name").value_or("");
    if (!call.topic()) {
      auto with_count = query.get_bool("with_count");
      if (!with_count) co_return write_error(call, with_count.error());
      request.with_count = with_count->value_or(false);
    }
    for (const std::string_view name : query.names()) {
      if (std::find(params.begin(), params.end(), name) != params.end()) continue;
      request.filters.emplace_back(std::string(name), filter_json(*query.get(name)));
    }
  }

  auto result = co_await service_.list_queues(call.scope, request);
  if (!result) co_return write_error(call, result.error());

  JsonWriter json = json_response(call, 200);
  json.begin_object().key(call.topic() ? "topics" : "queues").begin_array();
  for (const store::QueueEntry& queue : result->queues) {
    json.begin_object().key("href").string(fmt::format("{}/{}", call.path(), queue.name))
        .key("name").string(queue.name);
    if (request.detailed) {
      auto metadata = engine::QueueMetadata::parse(queue.metadata);
      if (!metadata) {
        json.key("metadata").raw("{}");
      } else if (call.v1_1()) {
        json.key("metadata").raw(metadata->to_json());
      } else {
        json.key("metadata").raw(metadata->to_json_with_defaults(service_.limits()));
      }
    }
    json.end_object();
  }
  json.end_array().key("links").begin_array();
  if (!result->queues.empty()) {
    NextLink link;
    for (std::string_view name : params) {
      if (name == "limit") {
        link.keep_int(query, name);
      } else if (name == "detailed" || name == "with_count") {
        link.keep_bool(query, name);
      } else {
        link.keep(query, name);
      }
    }
    link.set("marker", result->next_marker);
    link.write(json, call.path());
  }
  json.end_array();
  if (result->count && *result->count != 0) json.key("count").integer(*result->count);
  json.end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::put_queue(HttpCall& call) {
  if (call.request.content_length) {
    if (auto size = service_.check_queue_metadata_size(*call.request.content_length); !size) {
      co_return write_error(call, size.error());
    }
  }
  // An array is a document Zaqar reads but does not accept as metadata.
  auto created = co_await service_.create_queue(call.scope, call.queue, call.request.body);
  if (!created) co_return write_error(call, created.error());
  write_empty(call.response, *created ? 201 : 204, call.path());
}

boost::asio::awaitable<void> HttpApi::get_queue(HttpCall& call) {
  auto metadata = co_await service_.get_queue_metadata(call.scope, call.queue);
  if (!metadata) co_return write_error(call, metadata.error());
  call.response.begin(200);
  // v1.1 shows the metadata as stored; v2 adds the reserved keys' defaults.
  call.response.end_with_body("application/json",
                              call.v1_1() ? metadata->to_json()
                                          : metadata->to_json_with_defaults(service_.limits()));
}

boost::asio::awaitable<void> HttpApi::patch_queue(HttpCall& call) {
  if (call.request.content_length) {
    if (auto size = service_.check_queue_metadata_size(*call.request.content_length); !size) {
      co_return write_error(call, std::move(size.error()).retitled(Errc::invalid_body));
    }
  }
  if (call.request.header("Content-Type").value_or("") != kPatchMediaType) {
    co_return write_error(call, make_error(Errc::patch_media_type));
  }
  if (call.request.body.empty()) co_return write_error(call, make_error(Errc::patch_body_empty));
  auto metadata = co_await service_.patch_queue(call.scope, call.queue, call.request.body);
  if (!metadata && call.topic() && metadata.error().code == Errc::queue_not_found) {
    co_return write_error(call, make_error(Errc::topic_not_found, call.queue, call.scope.project));
  }
  if (!metadata) co_return write_error(call, metadata.error());
  call.response.begin(200);
  call.response.end_with_body("application/json",
                              metadata->to_json_with_defaults(service_.limits()));
}

boost::asio::awaitable<void> HttpApi::delete_queue(HttpCall& call) {
  auto deleted = co_await service_.delete_queue(call.scope, call.queue);
  if (!deleted) co_return write_error(call, deleted.error());
  write_empty(call.response, 204);
}

boost::asio::awaitable<void> HttpApi::get_stats(HttpCall& call) {
  auto stats = co_await service_.queue_stats(call.scope, call.queue);
  if (!stats) co_return write_error(call, stats.error());
  JsonWriter json = json_response(call, 200);
  write_stats(json, *stats, queue_path(call.path(), 1), service_.now());
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::post_purge(HttpCall& call) {
  PurgeTargets targets;
  auto document = optional_json_body(call);
  if (!document) co_return write_error(call, document.error());
  if (*document) {
    auto decoded = decode_purge((*document)->root());
    if (!decoded) co_return write_error(call, decoded.error());
    targets = *decoded;
  }
  auto purged =
      co_await service_.purge_queue(call.scope, call.queue, targets.messages, targets.subscriptions);
  if (!purged) co_return write_error(call, purged.error());
  write_empty(call.response, 204);
}

}  // namespace warren::api
