// Redis Cluster routing, the part hiredis lacks: the hash slot of a key (CRC16 with hash tags),
// the slot map read from CLUSTER SLOTS, and the MOVED/ASK redirections a node answers with.
// Pure functions and values, no I/O, so they are unit-tested on their own.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis/reply.h"

namespace warren::store::redis {

// A Redis node: a numeric IP address (never a name to resolve) and a port.
struct Endpoint {
  std::string host;
  int port = 0;

  std::string text() const;  // "host:port" ("[::1]:port" for IPv6)
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

inline constexpr int kSlotCount = 16384;

// CRC16/XMODEM as Redis Cluster uses it (polynomial 0x1021, initial 0).
std::uint16_t crc16(std::string_view data) noexcept;

// The slot of `key`: CRC16 of its hash tag (the text between the first '{' and the first '}'
// after it, when non-empty) or of the whole key, modulo 16384.
int key_slot(std::string_view key) noexcept;

// Which master serves each slot.
class SlotMap {
 public:
  // An empty map: every slot unassigned.
  SlotMap();
  // Parses a CLUSTER SLOTS reply. `answered_by` replaces an empty host in the reply (a node
  // that does not know its own address). nullopt if the reply is malformed, and if it names a
  // node by anything but a numeric address and a port in 1..65535 (a host name would have to
  // be resolved on an event loop).
  static std::optional<SlotMap> from_cluster_slots(const Reply& reply, const Endpoint& answered_by);

  // The master of `slot`, or nullptr if no node serves it.
  const Endpoint* node_for(int slot) const noexcept;
  // Assigns `slot` to `node` (after a MOVED redirection).
  void assign(int slot, const Endpoint& node);
  // Every master, each once.
  const std::vector<Endpoint>& masters() const noexcept { return masters_; }
  // Slots that some master serves.
  int covered() const noexcept;

 private:
  int index_of(const Endpoint& node);

  std::vector<Endpoint> masters_;
  std::array<std::int16_t, kSlotCount> owner_;  // index into masters_, -1 = unassigned
};

// A MOVED or ASK error reply: "MOVED 3999 127.0.0.1:6381".
struct Redirect {
  enum class Kind : std::uint8_t { moved, ask };
  Kind kind = Kind::moved;
  int slot = 0;
  Endpoint target;
};

// The redirection an error reply asks for, or nullopt if it is not one (or names its target
// by anything but a numeric address, as from_cluster_slots).
std::optional<Redirect> parse_redirect(const Reply& reply);

// Parses "host:port" (the host may be an IPv6 address, possibly bracketed).
std::optional<Endpoint> parse_host_port(std::string_view text);

}  // namespace warren::store::redis
