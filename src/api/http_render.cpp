// Zaqar v2 HTTP JSON shapes.
#include "api/http_render.h"

#include <ctime>

#include <fmt/format.h>

#include "engine/body_json.h"

namespace warren::api {

std::int64_t age_seconds(store::TimeMs created, store::TimeMs now) noexcept {
  return now > created ? (now - created) / 1000 : 0;
}

std::string iso8601(store::TimeMs time) {
  const std::time_t seconds = static_cast<std::time_t>(time / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void write_message(JsonWriter& json, const store::Message& message, std::string_view queue_path,
                   store::TimeMs now, std::string_view claim_id) {
  json.begin_object().key("id").string(message.id.view()).key("href");
  std::string& out = json.raw_value();
  out.push_back('"');
  out.append(queue_path);
  out.append("/messages/");
  out.append(message.id.view());
  const std::string_view claim = claim_id.empty() ? message.claim_id.view() : claim_id;
  if (!claim.empty()) {
    out.append("?claim_id=");
    out.append(claim);
  }
  out.push_back('"');
  json.key("ttl").integer(message.ttl_s)
      .key("age").integer(age_seconds(message.created, now))
      .key("body");
  engine::write_body(json, message.body).end_object();
}

void write_popped_message(JsonWriter& json, const store::Message& message, store::TimeMs now) {
  json.begin_object()
      .key("id").string(message.id.view())
      .key("age").integer(age_seconds(message.created, now))
      .key("ttl").integer(message.ttl_s)
      .key("body");
  engine::write_body(json, message.body).key("claim_id");
  if (message.claim_id.empty()) {
    json.null();
  } else {
    json.string(message.claim_id.view());
  }
  json.key("claim_count").integer(message.claim_count).end_object();
}

void write_subscription(JsonWriter& json, const store::Subscription& subscription,
                        store::TimeMs now) {
  json.begin_object()
      .key("id").string(subscription.id.view())
      .key("source").string(subscription.source)
      .key("subscriber").string(subscription.subscriber)
      .key("ttl").integer(subscription.ttl_s)
      .key("age").integer(age_seconds(subscription.created, now))
      .key("options").raw(subscription.options.empty() ? std::string_view("{}") : subscription.options)
      .key("confirmed").boolean(subscription.confirmed)
      .end_object();
}

namespace {

void write_mark(JsonWriter& json, std::string_view key, const store::MessageMark& mark,
                std::string_view queue_path, store::TimeMs now) {
  json.key(key).begin_object()
      .key("href").string(fmt::format("{}/messages/{}", queue_path, mark.id.view()))
      .key("age").integer(age_seconds(mark.created, now))
      .key("created").string(iso8601(mark.created))
      .end_object();
}

}  // namespace

void write_stats(JsonWriter& json, const store::QueueStats& stats, std::string_view queue_path,
                 store::TimeMs now) {
  json.begin_object().key("messages").begin_object()
      .key("claimed").integer(stats.counts.claimed)
      .key("free").integer(stats.counts.free)
      .key("total").integer(stats.counts.total);
  if (stats.counts.total > 0 && stats.oldest && stats.newest) {
    write_mark(json, "oldest", *stats.oldest, queue_path, now);
    write_mark(json, "newest", *stats.newest, queue_path, now);
  }
  json.end_object().end_object();
}

}  // namespace warren::api
