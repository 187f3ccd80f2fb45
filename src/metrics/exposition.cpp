// Exposition: the text format's lines and escaping.
#include "metrics/exposition.h"

#include <cmath>

#include <fmt/format.h>

namespace warren::metrics {

namespace {

// HELP text escaping: backslash and newline.
void append_help(std::string& out, std::string_view help) {
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

}  // namespace

void Exposition::family(std::string_view name, Type type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_help(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += type == Type::counter ? " counter\n" : type == Type::gauge ? " gauge\n" : " histogram\n";
}

void Exposition::start_sample(std::string_view name, std::string_view labels,
                              std::string_view extra) {
  out_ += name;
  if (!labels.empty() || !extra.empty()) {
    out_ += '{';
    out_ += labels;
    if (!labels.empty() && !extra.empty()) out_ += ',';
    out_ += extra;
    out_ += '}';
  }
  out_ += ' ';
}

void Exposition::sample(std::string_view name, std::string_view labels, double value) {
  start_sample(name, labels, "");
  append_number(out_, value);
  out_ += '\n';
}

void Exposition::sample(std::string_view name, std::string_view labels, std::uint64_t value) {
  start_sample(name, labels, "");
  fmt::format_to(std::back_inserter(out_), "{}\n", value);
}

void Exposition::histogram(std::string_view name, std::string_view labels,
                           std::span<const double> bounds,
                           std::span<const std::uint64_t> cumulative, double sum,
                           std::uint64_t count) {
  const std::string bucket = std::string(name) + "_bucket";
  std::string le;
  for (std::size_t i = 0; i <= bounds.size() && i < cumulative.size(); ++i) {
    le = "le=\"";
    if (i < bounds.size()) {
      append_number(le, bounds[i]);
    } else {
      le += "+Inf";
    }
    le += '"';
    start_sample(bucket, labels, le);
    fmt::format_to(std::back_inserter(out_), "{}\n", cumulative[i]);
  }
  sample(std::string(name) + "_sum", labels, sum);
  sample(std::string(name) + "_count", labels, count);
}

std::string Exposition::escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace warren::metrics
