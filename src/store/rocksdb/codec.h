// The rocksdb engine's on-disk format: column families, keys and values (docs/rocksdb.md has the
// table). Keys put big-endian numbers first so that RocksDB's byte order is queue then sequence
// order; values are a version byte then little-endian fixed fields, then the variable text.
// Decoders check every length and refuse a record that does not parse (the loader then refuses
// to start rather than guess), on top of RocksDB's own block and WAL checksums.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/memory/queue.h"
#include "store/memory/subscription_table.h"
#include "store/types.h"

namespace warren::store::rocks {

// Column families, in the order the engine opens them (index into its handle vector).
enum Cf : std::uint8_t {
  kMeta = 0,       // "default": format version and store-wide counters
  kQueues,         // QueueKey ("<name>\0<project>") -> incarnation, metadata
  kMessages,       // incarnation(4) seq(8) -> message; seq 0 -> the queue's counters
  kClaims,         // incarnation(4) claim number(8) -> claim
  kSubscriptions,  // QueueKey, number(8) -> subscription
  kCfCount
};

// The names RocksDB knows them by.
const char* cf_name(Cf cf) noexcept;

// ---- meta keys ----
inline constexpr std::string_view kFormatKey = "format";
inline constexpr std::string_view kFormatValue = "warren-rocksdb-1";
inline constexpr std::string_view kIncarnationKey = "next_incarnation";   // u32
inline constexpr std::string_view kSubscriptionKey = "subscription_ids";  // nonce u32, last u64

// ---- keys ----
// incarnation(4, BE) then number(8, BE).
std::string numbered_key(std::uint32_t incarnation, std::uint64_t number);
// Every numbered key of an incarnation lies in [numbered_key(inc, 0), incarnation_end(inc)).
std::string incarnation_end(std::uint32_t incarnation);
struct NumberedKey {
  std::uint32_t incarnation = 0;
  std::uint64_t number = 0;
};
std::optional<NumberedKey> parse_numbered_key(std::string_view key) noexcept;

// QueueKey then number(8, BE).
std::string subscription_key(std::string_view queue_key, std::uint64_t seq);
struct SubscriptionKey {
  std::string_view queue_key;
  std::uint64_t seq = 0;
};
std::optional<SubscriptionKey> parse_subscription_key(std::string_view key) noexcept;

// ---- values ----
struct QueueValue {
  std::uint32_t incarnation = 0;
  std::string_view metadata;
};
std::string encode_queue(std::uint32_t incarnation, std::string_view metadata);
std::optional<QueueValue> decode_queue(std::string_view value) noexcept;

// A queue's counters (under message number 0): the next message number, the last claim number.
struct CountersValue {
  std::uint64_t next_seq = 1;
  std::uint64_t last_claim = 0;
};
std::string encode_counters(const CountersValue& counters);
std::optional<CountersValue> decode_counters(std::string_view value) noexcept;

// A message: the record of the memory index, its poster's Client-ID and its claim's number.
void encode_message(std::string& out, const memory::Record& record, std::string_view client,
                    std::uint64_t claim);
struct MessageValue {
  TimeMs created = 0;
  TimeMs expires = 0;
  std::uint32_t ttl_s = 0;
  std::uint32_t delay_s = 0;
  std::uint32_t claim_count = 0;
  std::uint64_t claim = 0;
  std::uint32_t receive_count = 0;
  BodyEncoding encoding = BodyEncoding::json;
  std::string_view client;
  std::string_view body;
};
std::optional<MessageValue> decode_message(std::string_view value) noexcept;

struct ClaimValue {
  TimeMs started = 0;
  TimeMs expires = 0;
  std::int64_t ttl_s = 0;
};
std::string encode_claim(const ClaimValue& claim);
std::optional<ClaimValue> decode_claim(std::string_view value) noexcept;

std::string encode_subscription(const memory::SubscriptionTable::Entry& entry);
std::optional<memory::SubscriptionTable::Entry> decode_subscription(std::string_view value);

std::string encode_u32(std::uint32_t value);
std::optional<std::uint32_t> decode_u32(std::string_view value) noexcept;
std::string encode_subscription_ids(std::uint32_t nonce, std::uint64_t last);
std::optional<std::pair<std::uint32_t, std::uint64_t>> decode_subscription_ids(
    std::string_view value) noexcept;

}  // namespace warren::store::rocks
