// Exposition: writes metrics in Prometheus's text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): per family one HELP and one
// TYPE line, then its samples. Families must be written whole, one after another; label values
// and help texts are escaped here. Numbers are written as Prometheus reads them (integers
// exactly, +Inf, NaN).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace warren::metrics {

// Content-Type of the exposition.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

class Exposition {
 public:
  explicit Exposition(std::string& out) : out_(out) {}

  enum class Type { counter, gauge, histogram };
  // Starts the family `name` (a valid metric name; every sample that follows belongs to it).
  void family(std::string_view name, Type type, std::string_view help);

  // One sample: `name` (the family's, or with _bucket/_sum/_count for a histogram), `labels`
  // the inside of a label set, already escaped (as counters keep it: `code="2xx"`), or empty.
  void sample(std::string_view name, std::string_view labels, double value);
  void sample(std::string_view name, std::string_view labels, std::uint64_t value);

  // A histogram's samples (within its family): `cumulative` per bound, then +Inf.
  void histogram(std::string_view name, std::string_view labels, std::span<const double> bounds,
                 std::span<const std::uint64_t> cumulative, double sum, std::uint64_t count);

  // `value` escaped for a label value (backslash, double quote, newline).
  static std::string escape_label(std::string_view value);

 private:
  void start_sample(std::string_view name, std::string_view labels, std::string_view extra);

  std::string& out_;
};

}  // namespace warren::metrics
