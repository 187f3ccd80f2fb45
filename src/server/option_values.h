// Typed values of `warren serve`'s options (Boost.Program_options): each option is parsed once,
// into the type its subsystem uses, and bound to that subsystem's field; nothing downstream
// re-parses a string. An unparseable value fails the parse with the option's name.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/any.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/program_options/errors.hpp>
#include <boost/program_options/value_semantic.hpp>

namespace warren::server {

// A duration written in seconds, fractions allowed ("2.5"), kept in milliseconds. Negative or
// non-numeric text is refused.
struct Seconds {
  std::chrono::milliseconds value{0};
};
void validate(boost::any& out, const std::vector<std::string>& values, Seconds*, int);
std::ostream& operator<<(std::ostream& out, const Seconds& seconds);

// A duration option bound to `field` (its current value is the default).
boost::program_options::typed_value<Seconds>* seconds(std::chrono::milliseconds& field);

// A size in bytes: a whole number with an optional unit, "64MB", "1GiB", "512" (bytes): B;
// kB, MB, GB, TB (powers of 1000); KiB, MiB, GiB, TiB (powers of 1024); the unit's case is not
// significant. Also "auto" (kept as nullopt: the option's own default rule decides).
struct ByteSize {
  std::optional<std::int64_t> value;
};
void validate(boost::any& out, const std::vector<std::string>& values, ByteSize*, int);
std::ostream& operator<<(std::ostream& out, const ByteSize& size);
// Parses a ByteSize's text; nullopt if it is not one. "auto" gives ByteSize{nullopt}.
std::optional<ByteSize> parse_byte_size(std::string_view text);

// A listen address, "HOST:PORT", "[IPv6]:PORT" or "PORT" (net::parse_endpoint).
struct ListenAddress {
  boost::asio::ip::tcp::endpoint value;
};
void validate(boost::any& out, const std::vector<std::string>& values, ListenAddress*, int);
std::ostream& operator<<(std::ostream& out, const ListenAddress& address);

// An address option bound to `field` (the current value is the default).
boost::program_options::typed_value<ListenAddress>* address(boost::asio::ip::tcp::endpoint& field);
// An optional address option bound to `field` (no default: absent leaves it empty).
boost::program_options::typed_value<ListenAddress>* address(
    std::optional<boost::asio::ip::tcp::endpoint>& field);

// One of a fixed set of names, each standing for a value of E.
template <class E>
struct Choice {
  E value;
};
// Never called: choice() parses with its own names table. (typed_value's own parse, which
// choice() overrides, is still compiled, and needs a validate() to name.)
template <class E>
void validate(boost::any&, const std::vector<std::string>& values, Choice<E>*, int) {
  throw boost::program_options::invalid_option_value(
      boost::program_options::validators::get_single_string(values));
}

// The names of E's values, in the order help lists them.
template <class E>
using ChoiceNames = std::vector<std::pair<std::string_view, E>>;

// A choice option bound to `field` (its current value is the default): `names` must outlive the
// option description.
template <class E>
boost::program_options::typed_value<Choice<E>>* choice(E& field, const ChoiceNames<E>& names) {
  struct Semantic final : boost::program_options::typed_value<Choice<E>> {
    Semantic(Choice<E>* store, const ChoiceNames<E>& names)
        : boost::program_options::typed_value<Choice<E>>(store), names_(names) {}
    void xparse(boost::any& out, const std::vector<std::string>& values) const override {
      const std::string& text = boost::program_options::validators::get_single_string(values);
      for (const auto& [name, value] : names_) {
        if (name == text) {
          out = Choice<E>{value};
          return;
        }
      }
      throw boost::program_options::invalid_option_value(text);
    }
    const ChoiceNames<E>& names_;
  };
  auto* semantic = new Semantic(nullptr, names);
  std::string shown;
  for (const auto& [name, value] : names) {
    if (value == field) shown = std::string(name);
  }
  semantic->default_value(Choice<E>{field}, shown);
  semantic->notifier([&field](const Choice<E>& chosen) { field = chosen.value; });
  return semantic;
}

}  // namespace warren::server
