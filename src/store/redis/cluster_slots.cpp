// Hash slots, slot maps and redirections of Redis Cluster (see cluster_slots.h).
#include "store/redis/cluster_slots.h"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>

namespace warren::store::redis {

namespace {

// A node the loops may connect to: hiredis resolves a host name with a blocking getaddrinfo(),
// so only numeric addresses are taken from replies (seeds are resolved once, at start-up).
bool connectable(const Endpoint& node) {
  unsigned char address[sizeof(in6_addr)];
  return node.port > 0 && node.port <= 65535 &&
         (inet_pton(AF_INET, node.host.c_str(), address) == 1 ||
          inet_pton(AF_INET6, node.host.c_str(), address) == 1);
}

}  // namespace

std::string Endpoint::text() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::uint16_t crc16(std::string_view data) noexcept {
  std::uint16_t crc = 0;
  for (unsigned char byte : data) {
    crc ^= static_cast<std::uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

int key_slot(std::string_view key) noexcept {
  auto open = key.find('{');
  if (open != std::string_view::npos) {
    auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return crc16(key) & (kSlotCount - 1);
}

SlotMap::SlotMap() { owner_.fill(-1); }

int SlotMap::index_of(const Endpoint& node) {
  for (std::size_t i = 0; i < masters_.size(); ++i) {
    if (masters_[i] == node) return static_cast<int>(i);
  }
  masters_.push_back(node);
  return static_cast<int>(masters_.size() - 1);
}

std::optional<SlotMap> SlotMap::from_cluster_slots(const Reply& reply,
                                                   const Endpoint& answered_by) {
  if (reply.type != Reply::Type::array) return std::nullopt;
  SlotMap map;
  for (const Reply& range : reply.elements) {
    // [start, end, [host, port, id, ...], replica...]
    if (range.type != Reply::Type::array || range.elements.size() < 3) return std::nullopt;
    const Reply& master = range.elements[2];
    if (range.elements[0].type != Reply::Type::integer ||
        range.elements[1].type != Reply::Type::integer || master.type != Reply::Type::array ||
        master.elements.size() < 2 || master.elements[1].type != Reply::Type::integer) {
      return std::nullopt;
    }
    auto first = range.elements[0].integer;
    auto last = range.elements[1].integer;
    if (first < 0 || last >= kSlotCount || first > last) return std::nullopt;
    const std::int64_t port = master.elements[1].integer;
    if (port <= 0 || port > 65535) return std::nullopt;
    Endpoint node{master.elements[0].str, static_cast<int>(port)};
    if (node.host.empty() || node.host == "?") node.host = answered_by.host;
    if (!connectable(node)) return std::nullopt;
    int index = map.index_of(node);
    for (auto slot = first; slot <= last; ++slot) {
      map.owner_[static_cast<std::size_t>(slot)] = static_cast<std::int16_t>(index);
    }
  }
  return map;
}

const Endpoint* SlotMap::node_for(int slot) const noexcept {
  if (slot < 0 || slot >= kSlotCount) return nullptr;
  auto index = owner_[static_cast<std::size_t>(slot)];
  return index < 0 ? nullptr : &masters_[static_cast<std::size_t>(index)];
}

void SlotMap::assign(int slot, const Endpoint& node) {
  if (slot < 0 || slot >= kSlotCount) return;
  owner_[static_cast<std::size_t>(slot)] = static_cast<std::int16_t>(index_of(node));
}

int SlotMap::covered() const noexcept {
  int n = 0;
  for (auto index : owner_) n += index >= 0;
  return n;
}

std::optional<Endpoint> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port <= 0 || port > 65535 ||
      host.empty()) {
    return std::nullopt;
  }
  return Endpoint{std::string(host), port};
}

std::optional<Redirect> parse_redirect(const Reply& reply) {
  Redirect out;
  std::string_view text(reply.str);
  if (reply.error_is("MOVED")) {
    out.kind = Redirect::Kind::moved;
    text.remove_prefix(std::min<std::size_t>(6, text.size()));
  } else if (reply.error_is("ASK")) {
    out.kind = Redirect::Kind::ask;
    text.remove_prefix(std::min<std::size_t>(4, text.size()));
  } else {
    return std::nullopt;
  }
  // A bare "MOVED" or "ASK" (error_is accepts it) has no slot: nothing left to read.
  if (text.empty()) return std::nullopt;
  auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto [p, ec] = std::from_chars(text.data(), text.data() + space, out.slot);
  if (ec != std::errc() || p != text.data() + space || out.slot < 0 || out.slot >= kSlotCount) {
    return std::nullopt;
  }
  auto target = parse_host_port(text.substr(space + 1));
  if (!target || !connectable(*target)) return std::nullopt;
  out.target = std::move(*target);
  return out;
}

}  // namespace warren::store::redis
