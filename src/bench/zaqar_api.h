// The Zaqar v2 requests the queue workloads send, serialised by hand into the caller's buffer,
// and the few response fields they read back (message ids, claim ids, the keys inside bodies).
// Wire contract: docs/zaqar-v2-api.md.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench/target.h"

namespace warren::bench {

// A random UUID (version 4, with dashes), as Zaqar's Client-ID wants.
std::string random_uuid(std::mt19937_64& rng);

// Builds requests for one client (one Client-ID) of one project.
class ZaqarRequests {
 public:
  ZaqarRequests(const Target& target, std::string project, std::string client_id);

  const std::string& client_id() const noexcept { return client_id_; }
  // "<base>/v2/queues/<queue>".
  std::string queue_path(std::string_view queue) const;

  // Any request: `target` is the path and query; a non-empty body gets Content-Type and
  // Content-Length.
  void request(std::string& out, std::string_view method, std::string_view target,
               std::string_view body = {},
               std::string_view content_type = "application/json") const;

  void ping(std::string& out) const;
  void put_queue(std::string& out, std::string_view queue, std::string_view metadata) const;
  void delete_queue(std::string& out, std::string_view queue) const;
  // `messages` is the whole document, {"messages":[...]}.
  void post_messages(std::string& out, std::string_view queue, std::string_view messages) const;
  void list_messages(std::string& out, std::string_view queue, int limit, std::string_view marker,
                     bool echo, bool include_claimed, bool include_delayed) const;
  void claim(std::string& out, std::string_view queue, int limit, int ttl, int grace) const;
  void delete_message(std::string& out, std::string_view queue, std::string_view id,
                      std::string_view claim_id) const;
  void release_claim(std::string& out, std::string_view queue, std::string_view claim_id) const;

 private:
  std::string base_;    // URL path before /v2
  std::string common_;  // " HTTP/1.1\r\nHost: ...\r\nClient-ID: ...\r\nX-Project-ID: ...\r\n"
  std::string client_id_;
};

// The body of a benchmark message: {"k":"<key>","t":<sent_ns>,"pad":"xxx..."}, padded so the
// whole body is `size` bytes when it can be (never shorter than the key and time need).
std::string message_body(std::string_view key, std::int64_t sent_ns, std::size_t size);

// A message as a listing, claim or pop returned it.
struct ReceivedMessage {
  std::string id;
  std::string claim_id;      // from "href" (?claim_id=) or a "claim_id" field
  std::string key;           // body.k, when the body is one of ours
  std::int64_t sent_ns = 0;  // body.t
  std::string body;          // minified body, when asked for
};

// Parses {"messages":[...], "links":[...]} (listings, claims, pops). `next_marker` gets the
// marker of the "next" link ("" when there is none). Returns false on malformed JSON.
bool parse_messages(std::string_view json, bool keep_bodies, std::vector<ReceivedMessage>* out,
                    std::string* next_marker = nullptr);

// Parses a post's {"resources":["/v2/queues/q/messages/<id>", ...]} into the ids.
bool parse_posted_ids(std::string_view json, std::vector<std::string>* ids);

}  // namespace warren::bench
