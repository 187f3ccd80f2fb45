// Encoding and checked decoding of the rocksdb engine's keys and values.
#include "store/rocksdb/codec.h"

namespace warren::store::rocks {
namespace {

constexpr std::uint8_t kVersion = 1;
// Messages: version 2 adds the receive count and the body encoding after the claim number.
constexpr std::uint8_t kMessageVersion = 2;

void put_be(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

std::uint64_t get_be(std::string_view in, int bytes) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<std::uint8_t>(in[i]);
  return value;
}

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// Reads little-endian fields in order; any read past the end makes ok() false for good.
class Reader {
 public:
  explicit Reader(std::string_view in) noexcept : in_(in) {}

  std::uint64_t le(int bytes) noexcept {
    if (!take(static_cast<std::size_t>(bytes))) return 0;
    std::uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) {
      value = (value << 8) | static_cast<std::uint8_t>(last_[static_cast<std::size_t>(i)]);
    }
    return value;
  }
  std::int64_t i64() noexcept { return static_cast<std::int64_t>(le(8)); }
  std::uint32_t u32() noexcept { return static_cast<std::uint32_t>(le(4)); }
  std::uint8_t u8() noexcept { return static_cast<std::uint8_t>(le(1)); }
  std::string_view bytes(std::size_t n) noexcept { return take(n) ? last_ : std::string_view(); }
  std::string_view rest() noexcept {
    std::string_view r = in_;
    in_ = {};
    return r;
  }
  bool ok() const noexcept { return ok_; }
  bool version_ok() noexcept { return u8() == kVersion && ok_; }

 private:
  bool take(std::size_t n) noexcept {
    if (!ok_ || in_.size() < n) {
      ok_ = false;
      return false;
    }
    last_ = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }

  std::string_view in_;
  std::string_view last_;
  bool ok_ = true;
};

}  // namespace

const char* cf_name(Cf cf) noexcept {
  switch (cf) {
    case kMeta:
      return "default";
    case kQueues:
      return "queues";
    case kMessages:
      return "messages";
    case kClaims:
      return "claims";
    case kSubscriptions:
      return "subscriptions";
    default:
      return "?";
  }
}

std::string numbered_key(std::uint32_t incarnation, std::uint64_t number) {
  std::string key;
  key.reserve(12);
  put_be(key, incarnation, 4);
  put_be(key, number, 8);
  return key;
}

std::string incarnation_end(std::uint32_t incarnation) {
  // Longer than every 12-byte key of the incarnation and shorter-prefixed than the next one's.
  std::string key;
  put_be(key, incarnation, 4);
  key.append(9, '\xFF');
  return key;
}

std::optional<NumberedKey> parse_numbered_key(std::string_view key) noexcept {
  if (key.size() != 12) return std::nullopt;
  return NumberedKey{static_cast<std::uint32_t>(get_be(key, 4)), get_be(key.substr(4), 8)};
}

std::string subscription_key(std::string_view queue_key, std::uint64_t seq) {
  std::string key;
  key.reserve(queue_key.size() + 8);
  key.append(queue_key);
  put_be(key, seq, 8);
  return key;
}

std::optional<SubscriptionKey> parse_subscription_key(std::string_view key) noexcept {
  if (key.size() < 8 + 3) return std::nullopt;  // "n\0p" at least
  const std::string_view queue_key = key.substr(0, key.size() - 8);
  if (queue_key.find('\0') == std::string_view::npos) return std::nullopt;
  return SubscriptionKey{queue_key, get_be(key.substr(key.size() - 8), 8)};
}

std::string encode_queue(std::uint32_t incarnation, std::string_view metadata) {
  std::string out;
  out.reserve(5 + metadata.size());
  out.push_back(static_cast<char>(kVersion));
  put_le(out, incarnation, 4);
  out.append(metadata);
  return out;
}

std::optional<QueueValue> decode_queue(std::string_view value) noexcept {
  Reader r(value);
  if (!r.version_ok()) return std::nullopt;
  QueueValue q;
  q.incarnation = r.u32();
  q.metadata = r.rest();
  if (!r.ok()) return std::nullopt;
  return q;
}

std::string encode_counters(const CountersValue& counters) {
  std::string out;
  out.push_back(static_cast<char>(kVersion));
  put_le(out, counters.next_seq, 8);
  put_le(out, counters.last_claim, 8);
  return out;
}

std::optional<CountersValue> decode_counters(std::string_view value) noexcept {
  Reader r(value);
  if (!r.version_ok()) return std::nullopt;
  CountersValue c;
  c.next_seq = r.le(8);
  c.last_claim = r.le(8);
  if (!r.ok() || !r.rest().empty()) return std::nullopt;
  return c;
}

void encode_message(std::string& out, const memory::Record& record, std::string_view client,
                    std::uint64_t claim) {
  out.reserve(out.size() + 47 + client.size() + record.body.size());
  out.push_back(static_cast<char>(kMessageVersion));
  put_le(out, static_cast<std::uint64_t>(record.created), 8);
  put_le(out, static_cast<std::uint64_t>(record.expires), 8);
  put_le(out, record.ttl_s, 4);
  put_le(out, record.delay_s, 4);
  put_le(out, record.claim_count, 4);
  put_le(out, claim, 8);
  put_le(out, record.receive_count, 4);
  out.push_back(static_cast<char>(record.body.encoding()));
  put_le(out, client.size(), 4);
  out.append(client);
  out.append(record.body.view());
}

std::optional<MessageValue> decode_message(std::string_view value) noexcept {
  Reader r(value);
  const std::uint8_t version = r.u8();
  if (version != kVersion && version != kMessageVersion) return std::nullopt;
  MessageValue m;
  m.created = r.i64();
  m.expires = r.i64();
  m.ttl_s = r.u32();
  m.delay_s = r.u32();
  m.claim_count = r.u32();
  m.claim = r.le(8);
  if (version == kVersion) {
    m.receive_count = m.claim_count;  // the best that version knew
  } else {
    m.receive_count = r.u32();
    const std::uint8_t encoding = r.u8();
    if (encoding > static_cast<std::uint8_t>(BodyEncoding::text)) return std::nullopt;
    m.encoding = static_cast<BodyEncoding>(encoding);
  }
  m.client = r.bytes(r.u32());
  m.body = r.rest();
  if (!r.ok()) return std::nullopt;
  return m;
}

std::string encode_claim(const ClaimValue& claim) {
  std::string out;
  out.push_back(static_cast<char>(kVersion));
  put_le(out, static_cast<std::uint64_t>(claim.started), 8);
  put_le(out, static_cast<std::uint64_t>(claim.expires), 8);
  put_le(out, static_cast<std::uint64_t>(claim.ttl_s), 8);
  return out;
}

std::optional<ClaimValue> decode_claim(std::string_view value) noexcept {
  Reader r(value);
  if (!r.version_ok()) return std::nullopt;
  ClaimValue c;
  c.started = r.i64();
  c.expires = r.i64();
  c.ttl_s = r.i64();
  if (!r.ok() || !r.rest().empty()) return std::nullopt;
  return c;
}

std::string encode_subscription(const memory::SubscriptionTable::Entry& entry) {
  std::string out;
  out.reserve(34 + entry.subscriber.size() + entry.options.size());
  out.push_back(static_cast<char>(kVersion));
  put_le(out, static_cast<std::uint64_t>(entry.ttl_s), 8);
  put_le(out, static_cast<std::uint64_t>(entry.created), 8);
  put_le(out, static_cast<std::uint64_t>(entry.expires), 8);
  out.push_back(entry.confirmed ? 1 : 0);
  put_le(out, entry.subscriber.size(), 4);
  out.append(entry.subscriber);
  out.append(entry.options);
  return out;
}

std::optional<memory::SubscriptionTable::Entry> decode_subscription(std::string_view value) {
  Reader r(value);
  if (!r.version_ok()) return std::nullopt;
  memory::SubscriptionTable::Entry e;
  e.ttl_s = r.i64();
  e.created = r.i64();
  e.expires = r.i64();
  const std::uint8_t confirmed = r.u8();
  e.subscriber = std::string(r.bytes(r.u32()));
  e.options = std::string(r.rest());
  if (!r.ok() || confirmed > 1) return std::nullopt;
  e.confirmed = confirmed == 1;
  return e;
}

std::string encode_u32(std::uint32_t value) {
  std::string out;
  put_le(out, value, 4);
  return out;
}

std::optional<std::uint32_t> decode_u32(std::string_view value) noexcept {
  Reader r(value);
  const std::uint32_t v = r.u32();
  if (!r.ok() || !r.rest().empty()) return std::nullopt;
  return v;
}

std::string encode_subscription_ids(std::uint32_t nonce, std::uint64_t last) {
  std::string out;
  put_le(out, nonce, 4);
  put_le(out, last, 8);
  return out;
}

std::optional<std::pair<std::uint32_t, std::uint64_t>> decode_subscription_ids(
    std::string_view value) noexcept {
  Reader r(value);
  const std::uint32_t nonce = r.u32();
  const std::uint64_t last = r.le(8);
  if (!r.ok() || !r.rest().empty()) return std::nullopt;
  return std::pair{nonce, last};
}

}  // namespace warren::store::rocks
