// Zaqar request serialisation and response field extraction (simdjson DOM).
#include "bench/zaqar_api.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace warren::bench {
namespace {

// The value of query parameter `name` in a URL or path ("" when absent).
std::string query_param(std::string_view url, std::string_view name) {
  const std::size_t q = url.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = url.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    if (item.size() > name.size() && item.substr(0, name.size()) == name &&
        item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

simdjson::dom::parser& parser() {
  thread_local simdjson::dom::parser p;
  return p;
}

}  // namespace

std::string random_uuid(std::mt19937_64& rng) {
  const std::uint64_t a = rng(), b = rng();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

ZaqarRequests::ZaqarRequests(const Target& target, std::string project, std::string client_id)
    : base_(target.base_path), client_id_(std::move(client_id)) {
  common_ = fmt::format(" HTTP/1.1\r\nHost: {}\r\nClient-ID: {}\r\nX-Project-ID: {}\r\n",
                        target.host_header, client_id_, project);
}

std::string ZaqarRequests::queue_path(std::string_view queue) const {
  return fmt::format("{}/v2/queues/{}", base_, queue);
}

void ZaqarRequests::request(std::string& out, std::string_view method, std::string_view target,
                            std::string_view body, std::string_view content_type) const {
  out.append(method).append(" ").append(target).append(common_);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    fmt::format_to(std::back_inserter(out), "Content-Type: {}\r\nContent-Length: {}\r\n",
                   content_type, body.size());
  }
  out.append("\r\n").append(body);
}

void ZaqarRequests::ping(std::string& out) const {
  request(out, "GET", base_ + "/v2/ping");
}

void ZaqarRequests::put_queue(std::string& out, std::string_view queue,
                              std::string_view metadata) const {
  request(out, "PUT", queue_path(queue), metadata);
}

void ZaqarRequests::delete_queue(std::string& out, std::string_view queue) const {
  request(out, "DELETE", queue_path(queue));
}

void ZaqarRequests::post_messages(std::string& out, std::string_view queue,
                                  std::string_view messages) const {
  request(out, "POST", queue_path(queue) + "/messages", messages);
}

void ZaqarRequests::list_messages(std::string& out, std::string_view queue, int limit,
                                  std::string_view marker, bool echo, bool include_claimed,
                                  bool include_delayed) const {
  std::string target = fmt::format("{}/messages?limit={}", queue_path(queue), limit);
  if (echo) target += "&echo=true";
  if (include_claimed) target += "&include_claimed=true";
  if (include_delayed) target += "&include_delayed=true";
  if (!marker.empty()) fmt::format_to(std::back_inserter(target), "&marker={}", marker);
  request(out, "GET", target);
}

void ZaqarRequests::claim(std::string& out, std::string_view queue, int limit, int ttl,
                          int grace) const {
  request(out, "POST", fmt::format("{}/claims?limit={}", queue_path(queue), limit),
          fmt::format(R"({{"ttl":{},"grace":{}}})", ttl, grace));
}

void ZaqarRequests::delete_message(std::string& out, std::string_view queue, std::string_view id,
                                   std::string_view claim_id) const {
  std::string target = fmt::format("{}/messages/{}", queue_path(queue), id);
  if (!claim_id.empty()) fmt::format_to(std::back_inserter(target), "?claim_id={}", claim_id);
  request(out, "DELETE", target);
}

void ZaqarRequests::release_claim(std::string& out, std::string_view queue,
                                  std::string_view claim_id) const {
  request(out, "DELETE", fmt::format("{}/claims/{}", queue_path(queue), claim_id));
}

std::string message_body(std::string_view key, std::int64_t sent_ns, std::size_t size) {
  std::string body = fmt::format(R"({{"k":"{}","t":{},"pad":")", key, sent_ns);
  const std::size_t tail = 2;  // "}
  if (body.size() + tail < size) body.append(size - body.size() - tail, 'x');
  body += "\"}";
  return body;
}

bool parse_messages(std::string_view json, bool keep_bodies, std::vector<ReceivedMessage>* out,
                    std::string* next_marker) {
  simdjson::dom::element doc;
  if (parser().parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) return false;
  simdjson::dom::array messages;
  if (doc["messages"].get_array().get(messages) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element m : messages) {
    ReceivedMessage r;
    std::string_view s;
    if (m["id"].get_string().get(s) == simdjson::SUCCESS) r.id = std::string(s);
    if (m["href"].get_string().get(s) == simdjson::SUCCESS) {
      r.claim_id = query_param(s, "claim_id");
      if (r.id.empty()) {
        std::string_view path = s.substr(0, s.find('?'));
        r.id = std::string(path.substr(path.rfind('/') + 1));
      }
    }
    if (r.claim_id.empty() && m["claim_id"].get_string().get(s) == simdjson::SUCCESS) {
      r.claim_id = std::string(s);
    }
    simdjson::dom::element body;
    if (m["body"].get(body) == simdjson::SUCCESS) {
      simdjson::dom::object obj;
      if (body.get_object().get(obj) == simdjson::SUCCESS) {
        if (obj["k"].get_string().get(s) == simdjson::SUCCESS) r.key = std::string(s);
        std::int64_t t;
        if (obj["t"].get_int64().get(t) == simdjson::SUCCESS) r.sent_ns = t;
      }
      if (keep_bodies) r.body = simdjson::minify(body);
    }
    out->push_back(std::move(r));
  }
  if (next_marker != nullptr) {
    next_marker->clear();
    simdjson::dom::array links;
    if (doc["links"].get_array().get(links) == simdjson::SUCCESS) {
      for (simdjson::dom::element l : links) {
        std::string_view rel, href;
        if (l["rel"].get_string().get(rel) == simdjson::SUCCESS && rel == "next" &&
            l["href"].get_string().get(href) == simdjson::SUCCESS) {
          *next_marker = query_param(href, "marker");
        }
      }
    }
  }
  return true;
}

bool parse_posted_ids(std::string_view json, std::vector<std::string>* ids) {
  simdjson::dom::element doc;
  if (parser().parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) return false;
  simdjson::dom::array resources;
  if (doc["resources"].get_array().get(resources) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element r : resources) {
    std::string_view s;
    if (r.get_string().get(s) != simdjson::SUCCESS) return false;
    ids->emplace_back(s.substr(s.rfind('/') + 1));
  }
  return true;
}

}  // namespace warren::bench
