// The versions and JSON-home documents, generated from tables of Zaqar v2's resources (v1.1's
// home document is the subset it has).
#include "api/home_document.h"

#include <initializer_list>
#include <string>

#include "common/json_writer.h"

namespace warren::api {
namespace {

struct VersionEntry {
  std::string_view id;
  std::string_view status;
  std::string_view updated;
  std::string_view type;
  std::string_view href;
};

constexpr VersionEntry kVersions[] = {
    {"1", "DEPRECATED", "2014-9-11T17:47:05Z", "application/vnd.openstack.messaging-v1+json",
     "/v1/"},
    {"1.1", "DEPRECATED", "2016-7-29T19:47:05Z", "application/vnd.openstack.messaging-v1_1+json",
     "/v1.1/"},
    {"2", "CURRENT", "2014-9-24T04:06:47Z", "application/vnd.openstack.messaging-v2+json",
     "/v2/"},
};

std::string build_versions() {
  std::string out;
  JsonWriter json(out);
  json.begin_object().key("versions").begin_array();
  for (const VersionEntry& v : kVersions) {
    json.begin_object()
        .key("id").string(v.id)
        .key("status").string(v.status)
        .key("updated").string(v.updated)
        .key("media-types").begin_array()
        .begin_object().key("base").string("application/json").key("type").string(v.type)
        .end_object()
        .end_array()
        .key("links").begin_array()
        .begin_object().key("href").string(v.href).key("rel").string("self").end_object()
        .end_array()
        .end_object();
  }
  json.end_array().end_object();
  return out;
}

struct HrefVar {
  std::string_view name;
  std::string_view param;
};

struct Resource {
  std::string_view rel;
  std::string_view href_template;
  std::initializer_list<HrefVar> vars;
  std::initializer_list<std::string_view> allow;
  bool accepts_post;
};

const Resource kResources[] = {
    {"rel/queues", "/v2/queues{?marker,limit,detailed}",
     {{"marker", "param/marker"}, {"limit", "param/queue_limit"}, {"detailed", "param/detailed"}},
     {"GET"}, false},
    {"rel/queue", "/v2/queues/{queue_name}", {{"queue_name", "param/queue_name"}},
     {"GET", "PUT", "DELETE", "PATCH"}, false},
    {"rel/queue_stats", "/v2/queues/{queue_name}/stats", {{"queue_name", "param/queue_name"}},
     {"GET"}, false},
    {"rel/queue_share", "/v2/queues/{queue_name}/share", {{"queue_name", "param/queue_name"}},
     {"POST"}, true},
    {"rel/queue_purge", "/v2/queues/{queue_name}/purge", {{"queue_name", "param/queue_name"}},
     {"POST"}, true},
    {"rel/messages", "/v2/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}",
     {{"queue_name", "param/queue_name"},
      {"marker", "param/marker"},
      {"limit", "param/messages_limit"},
      {"echo", "param/echo"},
      {"include_claimed", "param/include_claimed"}},
     {"GET"}, false},
    {"rel/post_messages", "/v2/queues/{queue_name}/messages",
     {{"queue_name", "param/queue_name"}}, {"POST"}, true},
    {"rel/messages_delete", "/v2/queues/{queue_name}/messages{?ids,pop}",
     {{"queue_name", "param/queue_name"}, {"ids", "param/ids"}, {"pop", "param/pop"}},
     {"DELETE"}, false},
    {"rel/message_delete", "/v2/queues/{queue_name}/messages/{message_id}{?claim}",
     {{"queue_name", "param/queue_name"},
      {"message_id", "param/message_id"},
      {"claim", "param/claim_id"}},
     {"DELETE"}, false},
    {"rel/message_get", "/v2/queues/{queue_name}/messages/{message_id}",
     {{"queue_name", "param/queue_name"}, {"message_id", "param/message_id"}}, {"GET"}, false},
    {"rel/claim", "/v2/queues/{queue_name}/claims/{claim_id}",
     {{"queue_name", "param/queue_name"}, {"claim_id", "param/claim_id"}}, {"GET"}, false},
    {"rel/post_claim", "/v2/queues/{queue_name}/claims{?limit}",
     {{"queue_name", "param/queue_name"}, {"limit", "param/claim_limit"}}, {"POST"}, true},
    {"rel/patch_claim", "/v2/queues/{queue_name}/claims/{claim_id}",
     {{"queue_name", "param/queue_name"}, {"claim_id", "param/claim_id"}}, {"PATCH"}, true},
    {"rel/delete_claim", "/v2/queues/{queue_name}/claims/{claim_id}",
     {{"queue_name", "param/queue_name"}, {"claim_id", "param/claim_id"}}, {"DELETE"}, false},
    {"rel/subscriptions_get", "/v2/queues/{queue_name}/subscriptions{?marker,limit}",
     {{"queue_name", "param/queue_name"},
      {"marker", "param/marker"},
      {"limit", "param/subscription_limit"}},
     {"GET"}, false},
    {"rel/subscriptions_post", "/v2/queues/{queue_name}/subscriptions",
     {{"queue_name", "param/queue_name"}, {"limit", "param/subscription_limit"}}, {"POST"}, true},
    {"rel/subscription", "/v2/queues/{queue_name}/subscriptions/{subscriptions_id}",
     {{"queue_name", "param/queue_name"}, {"subscriptions_id", "param/subscriptions_id"}},
     {"GET", "DELETE"}, false},
    {"rel/subscription_patch", "/v2/queues/{queue_name}/subscriptions/{subscriptions_id}",
     {{"queue_name", "param/queue_name"}, {"subscriptions_id", "param/subscriptions_id"}},
     {"PATCH"}, true},
    {"rel/ping", "/v2/ping", {}, {"GET"}, false},
};

// Zaqar's v1.1 home document lists the v2 resources it has, under /v1.1, and allows only PUT
// and DELETE on rel/queue.
constexpr std::string_view kNotInV1_1[] = {"rel/queue_share", "rel/queue_purge",
                                           "rel/message_get", "rel/subscriptions_get",
                                           "rel/subscriptions_post", "rel/subscription",
                                           "rel/subscription_patch"};
constexpr std::string_view kV2Prefix = "/v2";

bool in_v1_1(std::string_view rel) {
  for (std::string_view absent : kNotInV1_1) {
    if (absent == rel) return false;
  }
  return true;
}

std::string build_home(bool v1_1) {
  std::string out;
  JsonWriter json(out);
  json.begin_object().key("resources").begin_object();
  for (const Resource& r : kResources) {
    if (v1_1 && !in_v1_1(r.rel)) continue;
    std::string href(r.href_template);
    if (v1_1) href.replace(0, kV2Prefix.size(), "/v1.1");
    json.key(r.rel).begin_object().key("href-template").string(href);
    if (r.vars.size() > 0) {
      json.key("href-vars").begin_object();
      for (const HrefVar& v : r.vars) json.key(v.name).string(v.param);
      json.end_object();
    }
    json.key("hints").begin_object().key("allow").begin_array();
    if (v1_1 && r.rel == "rel/queue") {
      json.string("PUT").string("DELETE");
    } else {
      for (std::string_view method : r.allow) json.string(method);
    }
    json.end_array().key("formats").begin_object().key("application/json").begin_object()
        .end_object().end_object();
    if (r.accepts_post) json.key("accept-post").begin_array().string("application/json").end_array();
    json.end_object().end_object();
  }
  json.end_object().end_object();
  return out;
}

}  // namespace

std::string_view versions_document() {
  static const std::string document = build_versions();
  return document;
}

std::string_view home_document() {
  static const std::string document = build_home(false);
  return document;
}

std::string_view home_document_v1_1() {
  static const std::string document = build_home(true);
  return document;
}

}  // namespace warren::api
