// QueueMetadata: a queue's metadata object (members kept in order as compact JSON text), the
// rules on its reserved "_" keys (Zaqar validation.py queue_metadata_putting), the policy they
// set, the defaults shown for them, and JSON-patch edits (queue PATCH).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "common/errors.h"
#include "engine/limits.h"
#include "store/types.h"

namespace warren::engine {

// What the reserved keys of one queue's metadata ask of the engine.
struct QueuePolicy {
  std::int64_t default_ttl = 0;     // _default_message_ttl; 0: the configured default
  std::int64_t max_post_bytes = 0;  // _max_messages_post_size; 0: the configured limit only
  std::int64_t default_delay = 0;   // _default_message_delay; 0: not a delay queue
  store::DeadLetterPolicy dead_letter;

  bool delay_queue() const noexcept { return default_delay != 0; }
};

// One JSON-patch operation of a queue PATCH, already checked for form.
struct MetadataChange {
  enum class Op { add, remove, replace } op;
  std::string key;    // the member named by /metadata/<key>
  std::string value;  // compact JSON text (add, replace)
};

class QueueMetadata {
 public:
  QueueMetadata() = default;

  // `json` must be an object (errors: body_unparseable, body_integer_too_large,
  // body_wrong_type). Empty text is the empty object.
  static Result<QueueMetadata> parse(std::string_view json);

  // Compact JSON text of the object.
  std::string to_json() const;
  // The object with each reserved key whose value is missing or falsy shown as its default
  // (the form of GET/PATCH/detailed listings over HTTP).
  std::string to_json_with_defaults(const Limits& limits) const;

  // Compact JSON of a member's value, or nullptr.
  const std::string* find(std::string_view key) const;
  void set(std::string key, std::string json_value);
  bool remove(std::string_view key);
  bool empty() const noexcept { return members_.empty(); }

  // Checks the reserved keys against Zaqar's rules and `limits`.
  Result<void> validate(const Limits& limits) const;

  // The policy the reserved keys set. Values of the wrong type count as unset.
  QueuePolicy policy() const;

  // Applies queue PATCH operations in order (Zaqar's _do_add/_do_replace/_do_remove):
  // replace or remove of an absent, non-reserved key is a conflict (409).
  Result<void> apply(const std::vector<MetadataChange>& changes);

  // Checks a queue PATCH document (a JSON array of operations) and returns its operations.
  static Result<std::vector<MetadataChange>> parse_patch(std::string_view json);

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

// The policy of stored metadata text, without parsing the common "{}" and with a per-loop
// bounded cache of recent texts (engine/policy_cache.h: a queue's metadata changes rarely;
// posts and claims read it each time).
QueuePolicy policy_of_metadata(std::string_view metadata);

// Zaqar's checks of a _retry_policy object (queue metadata or subscription options).
Result<void> validate_retry_policy(simdjson::dom::element policy);

// True for the metadata keys that have a reserved meaning (and so may be replaced or removed
// even when absent).
bool is_reserved_metadata_key(std::string_view key) noexcept;

}  // namespace warren::engine
