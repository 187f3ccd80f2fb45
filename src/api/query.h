// QueryParams: a request's query string decoded as Zaqar's web framework (falcon, with
// auto_parse_qs_csv and without blank values) decodes it: '+' and %XX decoded, blank values
// dropped, comma-separated values split into lists, repeated names gathered.
#pragma once

#include <cstdint>
#include <forward_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"

namespace warren::api {

class QueryParams {
 public:
  QueryParams() = default;
  QueryParams(QueryParams&&) noexcept = default;
  QueryParams& operator=(QueryParams&&) noexcept = default;

  // Views into `query`, which must outlive the result (a request's target does); only values
  // that needed decoding are copied.
  static QueryParams parse(std::string_view query);

  bool has(std::string_view name) const noexcept { return find_last(name) != nullptr; }
  // The last value of `name`.
  std::optional<std::string_view> get(std::string_view name) const;
  // Every value of `name` (a comma list counts as several).
  std::optional<std::vector<std::string_view>> get_list(std::string_view name) const;
  // Python int() syntax; values beyond int64 saturate. Errors: param_not_integer.
  Result<std::optional<std::int64_t>> get_int(std::string_view name) const;
  // true/True/t/yes/y/1/on or false/False/f/no/n/0/off. Errors: param_not_boolean.
  Result<std::optional<bool>> get_bool(std::string_view name) const;

  // One value of one parameter, in request order (a comma list gives one entry per element).
  struct Entry {
    std::string_view name;
    std::string_view value;
  };
  const std::vector<Entry>& entries() const noexcept { return entries_; }

  // Each parameter's name once, in the order of its first appearance.
  std::vector<std::string_view> names() const;

 private:
  const Entry* find_last(std::string_view name) const noexcept;
  std::string_view keep(std::string text);

  std::vector<Entry> entries_;
  std::forward_list<std::string> decoded_;  // backing store of decoded names and values
};

// Percent-decodes `text` ('+' as space when `plus_is_space`). Invalid escapes stay as they are.
std::string percent_decode(std::string_view text, bool plus_is_space);

// Appends `text` percent-encoded for a query value (unreserved characters kept).
void append_query_encoded(std::string& out, std::string_view text);

}  // namespace warren::api
