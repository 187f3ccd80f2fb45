// Fuzz target: the rocksdb engine's record codec (src/store/rocksdb/codec.h), which reads back
// whatever the data directory holds at start-up: a damaged or foreign record must be refused,
// never read out of bounds or half-decoded. Properties (a violation traps):
//   1. Every decoder, on any bytes, answers a value or nullopt (ASan/UBSan watch the reads).
//   2. The format is canonical: bytes that decode re-encode to exactly the same bytes, so a
//      decoder never accepts a record the encoder could not have written (trailing bytes, a
//      wrong version, a bad flag). (Messages of version 1, read but no longer written, come
//      back as version 2 with the same fields.)
//   3. Encode then decode gives back every field, for values the fuzzer picks.
//   4. Keys sort as the engine relies on: numbered keys by (incarnation, number), and every key
//      of an incarnation below incarnation_end() and above the previous incarnation's end.
#include <cstddef>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>
#include <string>
#include <string_view>
#include <tuple>

#include "store/rocksdb/codec.h"

namespace {

namespace rocks = warren::store::rocks;
namespace memory = warren::store::memory;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::string message_bytes(const rocks::MessageValue& m) {
  memory::Record record;
  record.body = warren::store::Body::copy_of(m.body, m.encoding);
  record.created = m.created;
  record.expires = m.expires;
  record.ttl_s = m.ttl_s;
  record.delay_s = m.delay_s;
  record.claim_count = m.claim_count;
  record.receive_count = m.receive_count;
  std::string out;
  rocks::encode_message(out, record, m.client, m.claim);
  return out;
}

// 1 and 2: every decoder on the raw bytes.
void decode_raw(std::string_view bytes) {
  if (const auto key = rocks::parse_numbered_key(bytes)) {
    check(rocks::numbered_key(key->incarnation, key->number) == bytes);
  } else {
    check(bytes.size() != 12);
  }
  if (const auto key = rocks::parse_subscription_key(bytes)) {
    check(key->queue_key.find('\0') != std::string_view::npos);
    check(rocks::subscription_key(key->queue_key, key->seq) == bytes);
  }
  if (const auto q = rocks::decode_queue(bytes)) {
    check(rocks::encode_queue(q->incarnation, q->metadata) == bytes);
  }
  if (const auto c = rocks::decode_counters(bytes)) {
    check(rocks::encode_counters(*c) == bytes);
  }
  if (const auto m = rocks::decode_message(bytes)) {
    const std::string again = message_bytes(*m);
    if (bytes[0] == 2) {
      check(again == bytes);
    } else {  // version 1 is read, never written: it comes back as version 2, same fields
      const auto m2 = rocks::decode_message(again);
      check(m2 && m2->created == m->created && m2->claim == m->claim &&
            m2->receive_count == m->claim_count && m2->client == m->client && m2->body == m->body);
    }
  }
  if (const auto c = rocks::decode_claim(bytes)) {
    check(rocks::encode_claim(*c) == bytes);
  }
  if (const auto s = rocks::decode_subscription(bytes)) {
    check(rocks::encode_subscription(*s) == bytes);
  }
  if (const auto v = rocks::decode_u32(bytes)) {
    check(rocks::encode_u32(*v) == bytes);
  }
  if (const auto ids = rocks::decode_subscription_ids(bytes)) {
    check(rocks::encode_subscription_ids(ids->first, ids->second) == bytes);
  }
}

// 3 and 4: values picked by the fuzzer, encoded then decoded.
void round_trip(FuzzedDataProvider& in) {
  const auto inc = in.ConsumeIntegral<std::uint32_t>();
  const auto number = in.ConsumeIntegral<std::uint64_t>();
  const auto inc2 = in.ConsumeIntegral<std::uint32_t>();
  const auto number2 = in.ConsumeIntegral<std::uint64_t>();
  const std::string key = rocks::numbered_key(inc, number);
  const std::string key2 = rocks::numbered_key(inc2, number2);
  const auto parsed = rocks::parse_numbered_key(key);
  check(parsed && parsed->incarnation == inc && parsed->number == number);
  check((key < key2) == (std::tie(inc, number) < std::tie(inc2, number2)));
  check(key < rocks::incarnation_end(inc));
  if (inc > 0) check(rocks::incarnation_end(inc - 1) < key);

  // "<name>\0<project>", both non-empty and without NUL (as QueueKey writes them).
  auto part = [&](const char* fallback) {
    std::string text = in.ConsumeRandomLengthString(64);
    std::erase(text, '\0');
    return text.empty() ? std::string(fallback) : text;
  };
  const std::string queue_key = part("q") + '\0' + part("p");
  // (Decoded views point into the encoded bytes: keep those alive.)
  const std::string sub_bytes = rocks::subscription_key(queue_key, number);
  const auto sub_key = rocks::parse_subscription_key(sub_bytes);
  check(sub_key && sub_key->queue_key == queue_key && sub_key->seq == number);

  const std::string metadata = in.ConsumeRandomLengthString(256);
  const std::string queue_bytes = rocks::encode_queue(inc, metadata);
  const auto queue = rocks::decode_queue(queue_bytes);
  check(queue && queue->incarnation == inc && queue->metadata == metadata);

  rocks::CountersValue counters{in.ConsumeIntegral<std::uint64_t>(),
                                in.ConsumeIntegral<std::uint64_t>()};
  const auto c = rocks::decode_counters(rocks::encode_counters(counters));
  check(c && c->next_seq == counters.next_seq && c->last_claim == counters.last_claim);

  const std::string client = in.ConsumeRandomLengthString(64);
  const std::string body = in.ConsumeRandomLengthString(512);
  rocks::MessageValue m;
  m.created = in.ConsumeIntegral<std::int64_t>();
  m.expires = in.ConsumeIntegral<std::int64_t>();
  m.ttl_s = in.ConsumeIntegral<std::uint32_t>();
  m.delay_s = in.ConsumeIntegral<std::uint32_t>();
  m.claim_count = in.ConsumeIntegral<std::uint32_t>();
  m.claim = in.ConsumeIntegral<std::uint64_t>();
  m.receive_count = in.ConsumeIntegral<std::uint32_t>();
  m.encoding =
      in.ConsumeBool() ? warren::store::BodyEncoding::text : warren::store::BodyEncoding::json;
  m.client = client;
  m.body = body;
  const std::string m_bytes = message_bytes(m);
  const auto m2 = rocks::decode_message(m_bytes);
  check(m2 && m2->created == m.created && m2->expires == m.expires && m2->ttl_s == m.ttl_s &&
        m2->delay_s == m.delay_s && m2->claim_count == m.claim_count && m2->claim == m.claim &&
        m2->receive_count == m.receive_count && m2->encoding == m.encoding &&
        m2->client == client && m2->body == body);
  // A record cut short is refused, whatever the cut (the body is the rest: any cut inside it
  // still decodes, as a shorter body).
  const std::size_t fixed = m_bytes.size() - body.size();
  const std::size_t cut = in.ConsumeIntegralInRange<std::size_t>(0, m_bytes.size());
  const auto truncated = rocks::decode_message(std::string_view(m_bytes).substr(0, cut));
  check(truncated.has_value() == (cut >= fixed));

  rocks::ClaimValue claim{in.ConsumeIntegral<std::int64_t>(), in.ConsumeIntegral<std::int64_t>(),
                          in.ConsumeIntegral<std::int64_t>()};
  const auto claim2 = rocks::decode_claim(rocks::encode_claim(claim));
  check(claim2 && claim2->started == claim.started && claim2->expires == claim.expires &&
        claim2->ttl_s == claim.ttl_s);

  memory::SubscriptionTable::Entry entry;
  entry.subscriber = in.ConsumeRandomLengthString(128);
  entry.ttl_s = in.ConsumeIntegral<std::int64_t>();
  entry.created = in.ConsumeIntegral<std::int64_t>();
  entry.expires = in.ConsumeIntegral<std::int64_t>();
  entry.confirmed = in.ConsumeBool();
  entry.options = in.ConsumeRandomLengthString(256);
  const auto entry2 = rocks::decode_subscription(rocks::encode_subscription(entry));
  check(entry2 && entry2->subscriber == entry.subscriber && entry2->ttl_s == entry.ttl_s &&
        entry2->created == entry.created && entry2->expires == entry.expires &&
        entry2->confirmed == entry.confirmed && entry2->options == entry.options);

  const auto nonce = in.ConsumeIntegral<std::uint32_t>();
  const auto ids = rocks::decode_subscription_ids(rocks::encode_subscription_ids(nonce, number));
  check(ids && ids->first == nonce && ids->second == number);
  const auto u32 = rocks::decode_u32(rocks::encode_u32(inc));
  check(u32 && *u32 == inc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  decode_raw(std::string_view(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider in(data, size);
  round_trip(in);
  return 0;
}
