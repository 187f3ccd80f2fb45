// QueueMetadata: parsing, reserved-key rules, defaults and JSON-patch edits.
#include "engine/queue_metadata.h"

#include <algorithm>
#include <array>

#include "common/json_writer.h"
#include "common/loop_local.h"
#include "engine/json.h"
#include "engine/policy_cache.h"

namespace warren::engine {
namespace {

constexpr std::array<std::string_view, 8> kReservedKeys = {
    "_max_messages_post_size",  "_default_message_ttl",          "_default_message_delay",
    "_dead_letter_queue",       "_dead_letter_queue_messages_ttl", "_max_claim_count",
    "_enable_encrypt_messages", "_retry_policy"};

// The reserved keys shown with defaults, in the order Zaqar adds them.
struct ShownDefault {
  std::string_view key;
  enum class Kind { post_size, ttl, delay, null_value, false_value } kind;
};
constexpr std::array<ShownDefault, 7> kShownDefaults = {{
    {"_max_messages_post_size", ShownDefault::Kind::post_size},
    {"_default_message_ttl", ShownDefault::Kind::ttl},
    {"_default_message_delay", ShownDefault::Kind::delay},
    {"_dead_letter_queue", ShownDefault::Kind::null_value},
    {"_dead_letter_queue_messages_ttl", ShownDefault::Kind::null_value},
    {"_max_claim_count", ShownDefault::Kind::null_value},
    {"_enable_encrypt_messages", ShownDefault::Kind::false_value},
}};

std::string default_json(const ShownDefault& d, const Limits& limits) {
  switch (d.kind) {
    case ShownDefault::Kind::post_size: return std::to_string(limits.max_messages_post_size);
    case ShownDefault::Kind::ttl: return std::to_string(limits.default_message_ttl);
    case ShownDefault::Kind::delay: return std::to_string(limits.default_message_delay);
    case ShownDefault::Kind::null_value: return "null";
    case ShownDefault::Kind::false_value: return "false";
  }
  return "null";
}

bool json_truthy(const std::string& value) {
  auto parsed = json::parse_value(value);
  return parsed && json::truthy(parsed->root());
}

// The integer value of a stored member as Python's isinstance(v, int) sees it.
std::optional<std::int64_t> json_int(const std::string* value) {
  if (value == nullptr) return std::nullopt;
  auto parsed = json::parse_value(*value);
  if (!parsed) return std::nullopt;
  return json::as_int(parsed->root());
}

// Zaqar's pattern for an integer key: a truthy non-integer is a type error; any non-null
// value must then lie in [min, max]. A falsy non-integer ("" or 0.0) would crash Zaqar's range
// comparison; it is a type error here.
Result<void> check_int_key(const QueueMetadata& m, std::string_view key, std::int64_t min,
                           std::int64_t max, Errc range_error, std::int64_t arg1,
                           std::int64_t arg2, bool two_args) {
  const std::string* value = m.find(key);
  if (value == nullptr || *value == "null") return {};
  const auto number = json_int(value);
  if (!number) return make_error(Errc::metadata_not_integer, key);
  if (*number < min || *number > max) {
    return two_args ? make_error(range_error, arg1, arg2) : make_error(range_error, arg1);
  }
  return {};
}

}  // namespace

Result<void> validate_retry_policy(json::Element policy_value) {
  if (!json::truthy(policy_value)) return {};
  if (!policy_value.is_object()) return make_error(Errc::retry_policy_not_object);
  const auto policy = json::object_of(policy_value);
  constexpr std::array<std::string_view, 5> kIntegerKeys = {
      "retries_with_no_delay", "minimum_delay_retries", "minimum_delay", "maximum_delay",
      "maximum_delay_retries"};
  std::int64_t min_delay = 5;   // zaqar.common.consts.MINIMUM_DELAY
  std::int64_t max_delay = 30;  // zaqar.common.consts.MAXIMUM_DELAY
  for (std::string_view key : kIntegerKeys) {
    const auto value = json::member(policy, key);
    if (!value) continue;
    const auto number = json::as_int(*value);
    if (json::truthy(*value) && !number) {
      return make_error(Errc::retry_value_not_integer, key);
    }
    if (number && key == "minimum_delay") min_delay = *number;
    if (number && key == "maximum_delay") max_delay = *number;
  }
  if (const auto fn = json::member(policy, "retry_backoff_function"); fn && json::truthy(*fn)) {
    if (!fn->is_string()) return make_error(Errc::retry_backoff_not_string);
    const std::string_view name = json::string_of(*fn);
    if (name != "linear" && name != "arithmetic" && name != "exponential" &&
        name != "geometric") {
      return make_error(Errc::retry_backoff_invalid);
    }
  }
  if (const auto flag = json::member(policy, "ignore_subscription_override");
      flag && json::truthy(*flag) && !flag->is_bool()) {
    return make_error(Errc::retry_override_not_boolean);
  }
  constexpr std::int64_t kLinearInterval = 5;  // zaqar.common.consts.LINEAR_INTERVAL
  if (max_delay < min_delay) return make_error(Errc::retry_delays_inverted);
  if (max_delay - min_delay < 2 * kLinearInterval) return make_error(Errc::retry_delays_invalid);
  return {};
}

namespace {

bool has_adjacent_slashes(std::string_view rest) {
  // re.search(r'/\s*?/', rest)
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '/') continue;
    std::size_t j = i + 1;
    while (j < rest.size() && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\n' ||
                               rest[j] == '\r' || rest[j] == '\f' || rest[j] == '\v')) {
      ++j;
    }
    if (j < rest.size() && rest[j] == '/') return true;
  }
  return false;
}

std::string_view strip(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

// Zaqar's _validate_json_pointer and _decode_json_pointer.
Result<std::vector<std::string>> decode_pointer(std::string_view pointer) {
  const std::string p(pointer);
  if (pointer.empty() || pointer.front() != '/') return make_error(Errc::patch_pointer_no_slash, p);
  if (has_adjacent_slashes(pointer.substr(1))) return make_error(Errc::patch_pointer_adjacent, p);
  if (pointer.size() > 1 && pointer.back() == '/') return make_error(Errc::patch_pointer_trailing, p);
  if (strip(pointer.substr(1)) == "/") return make_error(Errc::patch_pointer_no_token, p);
  for (std::size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] == '~' && (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1'))) {
      return make_error(Errc::patch_pointer_tilde, p);
    }
  }
  std::vector<std::string> parts;
  std::string_view rest = pointer;
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = rest.find('/', start);
    const std::string_view raw = rest.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    std::string part;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && raw[i + 1] == '1') {
        part.push_back('/');
        ++i;
      } else if (raw[i] == '~' && i + 1 < raw.size() && raw[i + 1] == '0') {
        part.push_back('~');
        ++i;
      } else {
        part.push_back(raw[i]);
      }
    }
    parts.emplace_back(strip(part));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

QueuePolicy policy_of_metadata(std::string_view metadata) {
  static LoopLocal<PolicyCache> caches;
  return caches->policy(metadata);
}

bool is_reserved_metadata_key(std::string_view key) noexcept {
  return std::find(kReservedKeys.begin(), kReservedKeys.end() - 1, key) != kReservedKeys.end() - 1;
}

Result<QueueMetadata> QueueMetadata::parse(std::string_view text) {
  QueueMetadata metadata;
  if (text.empty()) return metadata;
  auto document = json::parse_document(text);
  if (!document) return document.error();
  if (!document->root().is_object()) return make_error(Errc::body_wrong_type);
  for (auto field : json::object_of(document->root())) {
    metadata.set(std::string(field.key), json::minify(field.value));
  }
  return metadata;
}

std::string QueueMetadata::to_json() const {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  for (const auto& [key, value] : members_) json.key(key).raw(value);
  json.end_object();
  return out;
}

std::string QueueMetadata::to_json_with_defaults(const Limits& limits) const {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  for (const auto& member : members_) {
    const std::string& key = member.first;
    const auto shown = std::find_if(kShownDefaults.begin(), kShownDefaults.end(),
                                    [&key](const ShownDefault& d) { return d.key == key; });
    if (shown != kShownDefaults.end() && !json_truthy(member.second)) {
      json.key(key).raw(default_json(*shown, limits));
    } else {
      json.key(key).raw(member.second);
    }
  }
  for (const ShownDefault& d : kShownDefaults) {
    if (find(d.key) == nullptr) json.key(d.key).raw(default_json(d, limits));
  }
  json.end_object();
  return out;
}

const std::string* QueueMetadata::find(std::string_view key) const {
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void QueueMetadata::set(std::string key, std::string json_value) {
  for (auto& [k, v] : members_) {
    if (k == key) {
      v = std::move(json_value);
      return;
    }
  }
  members_.emplace_back(std::move(key), std::move(json_value));
}

bool QueueMetadata::remove(std::string_view key) {
  const auto it = std::find_if(members_.begin(), members_.end(),
                               [&](const auto& member) { return member.first == key; });
  if (it == members_.end()) return false;
  members_.erase(it);
  return true;
}

Result<void> QueueMetadata::validate(const Limits& limits) const {
  if (auto r = check_int_key(*this, "_default_message_ttl", kMinMessageTtl, limits.max_message_ttl,
                             Errc::metadata_default_ttl_range, limits.max_message_ttl,
                             kMinMessageTtl, true);
      !r) {
    return r;
  }
  if (auto r = check_int_key(*this, "_max_messages_post_size", 1, limits.max_messages_post_size,
                             Errc::metadata_max_post_size_range, limits.max_messages_post_size,
                             0, false);
      !r) {
    return r;
  }
  if (const std::string* count = find("_max_claim_count");
      count != nullptr && json_truthy(*count) && !json_int(count)) {
    return make_error(Errc::metadata_not_integer, "_max_claim_count");
  }
  if (auto r = check_int_key(*this, "_dead_letter_queue_messages_ttl", kMinMessageTtl,
                             limits.max_message_ttl, Errc::message_ttl_range,
                             limits.max_message_ttl, kMinMessageTtl, true);
      !r) {
    return r;
  }
  if (auto r = check_int_key(*this, "_default_message_delay", kMinMessageDelay,
                             limits.max_message_delay, Errc::metadata_delay_range,
                             limits.max_message_delay, kMinMessageDelay, true);
      !r) {
    return r;
  }
  if (const std::string* encrypt = find("_enable_encrypt_messages");
      encrypt != nullptr && json_truthy(*encrypt) && *encrypt != "true") {
    return make_error(Errc::metadata_not_boolean, "_enable_encrypt_messages");
  }
  if (const std::string* policy = find("_retry_policy")) {
    if (auto parsed = json::parse_value(*policy)) return validate_retry_policy(parsed->root());
  }
  return {};
}

QueuePolicy QueueMetadata::policy() const {
  QueuePolicy policy;
  if (members_.empty()) return policy;
  policy.default_ttl = json_int(find("_default_message_ttl")).value_or(0);
  policy.max_post_bytes = json_int(find("_max_messages_post_size")).value_or(0);
  policy.default_delay = json_int(find("_default_message_delay")).value_or(0);
  const std::string* dlq = find("_dead_letter_queue");
  const auto max_claims = json_int(find("_max_claim_count"));
  if (dlq != nullptr && max_claims) {
    auto name = json::parse_value(*dlq);
    if (name && name->root().is_string()) {
      policy.dead_letter.queue = std::string(json::string_of(name->root()));
      policy.dead_letter.max_claims = *max_claims;
      if (const auto ttl = json_int(find("_dead_letter_queue_messages_ttl")); ttl && *ttl > 0) {
        policy.dead_letter.message_ttl_s = *ttl;
      }
    }
  }
  return policy;
}

Result<void> QueueMetadata::apply(const std::vector<MetadataChange>& changes) {
  for (const MetadataChange& change : changes) {
    switch (change.op) {
      case MetadataChange::Op::add:
        set(change.key, change.value);
        break;
      case MetadataChange::Op::replace:
        if (find(change.key) == nullptr && !is_reserved_metadata_key(change.key)) {
          return make_error(Errc::patch_replace_missing, change.key);
        }
        set(change.key, change.value);
        break;
      case MetadataChange::Op::remove:
        if (!remove(change.key) && !is_reserved_metadata_key(change.key)) {
          return make_error(Errc::patch_remove_missing, change.key);
        }
        break;
    }
  }
  return {};
}

Result<std::vector<MetadataChange>> QueueMetadata::parse_patch(std::string_view text) {
  auto document = json::parse_document(text);
  if (!document) return document.error();
  if (!document->root().is_array()) return make_error(Errc::body_wrong_type);
  std::vector<MetadataChange> changes;
  for (json::Element raw : json::array_of(document->root())) {
    if (!raw.is_object()) return make_error(Errc::patch_op_not_object);
    const auto object = json::object_of(raw);
    const auto op_value = json::member(object, "op");
    if (!op_value || op_value->is_null()) return make_error(Errc::patch_op_missing);
    const std::string op_text = op_value->is_string() ? std::string(json::string_of(*op_value))
                                                      : json::minify(*op_value);
    MetadataChange change;
    if (op_text == "add") {
      change.op = MetadataChange::Op::add;
    } else if (op_text == "remove") {
      change.op = MetadataChange::Op::remove;
    } else if (op_text == "replace") {
      change.op = MetadataChange::Op::replace;
    } else {
      return make_error(Errc::patch_op_invalid, op_text);
    }
    const auto path_value = json::member(object, "path");
    if (!path_value) return make_error(Errc::patch_path_missing);
    const std::string pointer = path_value->is_string() ? std::string(json::string_of(*path_value))
                                                        : json::minify(*path_value);
    auto path = decode_pointer(pointer);
    if (!path) return path.error();
    if (path->size() != 2) {
      std::string joined;
      for (std::size_t i = 0; i < path->size(); ++i) {
        if (i > 0) joined += '/';
        joined += (*path)[i];
      }
      return make_error(Errc::patch_path_length, joined);
    }
    if (change.op != MetadataChange::Op::remove) {
      const auto value = json::member(object, "value");
      if (!value) return make_error(Errc::patch_value_missing, op_text);
      change.value = json::minify(*value);
      if (lower((*path)[0]) != "metadata") return make_error(Errc::patch_root_not_metadata);
    }
    change.key = std::move((*path)[1]);
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace warren::engine
