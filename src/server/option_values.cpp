// Parsing and printing of the typed option values.
#include "server/option_values.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <boost/program_options/value_semantic.hpp>

#include "net/endpoint.h"

namespace warren::server {

namespace po = boost::program_options;

void validate(boost::any& out, const std::vector<std::string>& values, Seconds*, int) {
  const std::string& text = po::validators::get_single_string(values);
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(seconds) || seconds < 0 ||
      seconds > 1e9) {
    throw po::invalid_option_value(text);
  }
  out = Seconds{std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)))};
}

std::ostream& operator<<(std::ostream& out, const Seconds& seconds) {
  const auto ms = seconds.value.count();
  if (ms % 1000 == 0) return out << ms / 1000;
  return out << static_cast<double>(ms) / 1000;
}

std::optional<ByteSize> parse_byte_size(std::string_view text) {
  if (text == "auto") return ByteSize{};
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data() || number < 0) return std::nullopt;
  std::string unit(end, text.data() + text.size());
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<std::string_view, std::int64_t> kUnits[] = {
      {"", 1},
      {"b", 1},
      {"kb", 1'000},
      {"mb", 1'000'000},
      {"gb", 1'000'000'000},
      {"tb", 1'000'000'000'000},
      {"kib", std::int64_t{1} << 10},
      {"mib", std::int64_t{1} << 20},
      {"gib", std::int64_t{1} << 30},
      {"tib", std::int64_t{1} << 40}};
  for (const auto& [name, scale] : kUnits) {
    if (unit != name) continue;
    if (number > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;
    return ByteSize{number * scale};
  }
  return std::nullopt;
}

void validate(boost::any& out, const std::vector<std::string>& values, ByteSize*, int) {
  const std::string& text = po::validators::get_single_string(values);
  auto parsed = parse_byte_size(text);
  if (!parsed) throw po::invalid_option_value(text);
  out = *parsed;
}

std::ostream& operator<<(std::ostream& out, const ByteSize& size) {
  if (!size.value) return out << "auto";
  return out << *size.value;
}

po::typed_value<Seconds>* seconds(std::chrono::milliseconds& field) {
  return po::value<Seconds>()->default_value(Seconds{field})->notifier([&field](const Seconds& s) {
    field = s.value;
  });
}

void validate(boost::any& out, const std::vector<std::string>& values, ListenAddress*, int) {
  const std::string& text = po::validators::get_single_string(values);
  auto endpoint = net::parse_endpoint(text);
  if (!endpoint) {
    throw po::error_with_option_name("%canonical_option%: " + endpoint.error().description);
  }
  out = ListenAddress{*endpoint};
}

std::ostream& operator<<(std::ostream& out, const ListenAddress& address) {
  const auto ip = address.value.address();
  if (ip.is_v6()) return out << '[' << ip.to_string() << "]:" << address.value.port();
  return out << ip.to_string() << ':' << address.value.port();
}

po::typed_value<ListenAddress>* address(boost::asio::ip::tcp::endpoint& field) {
  return po::value<ListenAddress>()
      ->default_value(ListenAddress{field})
      ->notifier([&field](const ListenAddress& a) { field = a.value; });
}

po::typed_value<ListenAddress>* address(std::optional<boost::asio::ip::tcp::endpoint>& field) {
  return po::value<ListenAddress>()->notifier(
      [&field](const ListenAddress& a) { field = a.value; });
}

}  // namespace warren::server
