// Retry schedules with Zaqar's backoff functions.
#include "notify/retry_policy.h"

#include <cmath>
#include <optional>

#include <simdjson.h>

#include "engine/json.h"

namespace warren::notify {
namespace {

constexpr int kLinearInterval = 5;  // zaqar.common.consts.LINEAR_INTERVAL
constexpr int kMaxRetries = 1000;   // a sane bound on any count a policy gives

// The "_retry_policy" object inside a JSON object text, re-serialised, or nullopt.
std::optional<std::string> policy_object(std::string_view document) {
  if (document.empty()) return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(document.data(), document.size()).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  simdjson::dom::element policy;
  if (!engine::json::get_member(root, "_retry_policy", policy) || !policy.is_object()) {
    return std::nullopt;
  }
  if (policy.get_object().value_unsafe().size() == 0) return std::nullopt;  // {} is falsy
  return simdjson::minify(policy);
}

bool ignores_override(const std::optional<std::string>& policy) {
  if (!policy) return false;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  bool flag = false;
  if (parser.parse(*policy).get(root) != simdjson::SUCCESS) return false;
  simdjson::dom::element member;
  if (!engine::json::get_member(root, "ignore_subscription_override", member) ||
      member.get(flag) != simdjson::SUCCESS) {
    return false;
  }
  return flag;
}

RetryPolicy parse_policy(const std::optional<std::string>& text) {
  RetryPolicy policy;
  if (!text) return policy;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(*text).get(root) != simdjson::SUCCESS) return policy;
  auto read_int = [&](const char* key, int& into) {
    std::int64_t value = 0;
    simdjson::dom::element member;
    if (engine::json::get_member(root, key, member) && member.get(value) == simdjson::SUCCESS &&
        value >= 0 && value <= 1'000'000) {
      into = static_cast<int>(value);
    }
  };
  read_int("retries_with_no_delay", policy.retries_with_no_delay);
  read_int("minimum_delay_retries", policy.minimum_delay_retries);
  read_int("minimum_delay", policy.minimum_delay);
  read_int("maximum_delay", policy.maximum_delay);
  read_int("maximum_delay_retries", policy.maximum_delay_retries);
  std::string_view backoff;
  simdjson::dom::element function;
  if (engine::json::get_member(root, "retry_backoff_function", function) &&
      function.get(backoff) == simdjson::SUCCESS) {
    if (backoff == "linear" || backoff == "arithmetic" || backoff == "geometric" ||
        backoff == "exponential") {
      policy.backoff = std::string(backoff);
    }
  }
  return policy;
}

}  // namespace

RetryPolicy resolve_retry_policy(std::string_view subscription_options,
                                 std::string_view queue_metadata) {
  const auto subscription = policy_object(subscription_options);
  const auto queue = policy_object(queue_metadata);
  if (ignores_override(subscription) || ignores_override(queue)) return parse_policy(queue);
  return parse_policy(subscription ? subscription : queue);
}

std::vector<int> retry_delays(const RetryPolicy& p) {
  std::vector<int> delays;
  auto repeat = [&](int count, int delay) {
    for (int i = 0; i < count && static_cast<int>(delays.size()) < kMaxRetries; ++i) {
      delays.push_back(delay);
    }
  };
  repeat(p.retries_with_no_delay, 0);
  repeat(p.minimum_delay_retries, p.minimum_delay);
  const double min = p.minimum_delay;
  const double max = p.maximum_delay;
  if (p.backoff == "linear") {
    for (int d = p.minimum_delay; d < p.maximum_delay && delays.size() < kMaxRetries;
         d += kLinearInterval) {
      delays.push_back(d);
    }
  } else if (max > min && min > 0) {
    const int x_max = static_cast<int>((max - min) / kLinearInterval);
    if (x_max > 1) {
      if (p.backoff == "arithmetic") {
        const double d = 2.0 * (max - min) / (x_max * (x_max - 1));
        for (int a = 1; a <= x_max; ++a)
          delays.push_back(static_cast<int>(min + (a - 1) * a * d / 2));
      } else {
        const double k = std::pow(10.0, std::log10(max / min) / (x_max - 1));
        for (int a = 1; a <= x_max; ++a) {
          const double v =
              p.backoff == "geometric" ? min * std::pow(k, a - 1) : (min / k) * std::pow(k, a);
          delays.push_back(static_cast<int>(v));
        }
      }
    }
  }
  repeat(p.maximum_delay_retries, p.maximum_delay);
  return delays;
}

}  // namespace warren::notify
