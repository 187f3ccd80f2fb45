// Encoding and decoding of the batches nodes send each other (see remote_batch.h).
#include "notify/remote_batch.h"

#include <charconv>

namespace warren::notify {
namespace {

constexpr std::string_view kVersion = "w1";

void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// Reads one "<len>:<bytes>" field from the front of `in`.
std::optional<std::string_view> take(std::string_view& in) {
  const auto colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::size_t len = 0;
  const auto [end, ec] = std::from_chars(in.data(), in.data() + colon, len);
  if (ec != std::errc() || end != in.data() + colon || len > in.size() - colon - 1) {
    return std::nullopt;
  }
  std::string_view field = in.substr(colon + 1, len);
  in.remove_prefix(colon + 1 + len);
  return field;
}

}  // namespace

std::string encode_remote_batch(std::string_view node, const NotificationBatch& batch) {
  std::size_t size = 64 + node.size() + batch.project.size() + batch.queue.size();
  for (const auto& p : batch.payloads) size += p.size() + 12;
  std::string out;
  out.reserve(size);
  out += kVersion;
  put(out, node);
  put(out, batch.project);
  put(out, batch.queue);
  put(out, std::to_string(batch.payloads.size()));
  for (const auto& p : batch.payloads) put(out, p);
  return out;
}

std::optional<RemoteBatch> decode_remote_batch(std::string_view wire) {
  if (!wire.starts_with(kVersion)) return std::nullopt;
  wire.remove_prefix(kVersion.size());
  RemoteBatch batch;
  auto node = take(wire);
  auto project = take(wire);
  auto queue = take(wire);
  auto count_text = take(wire);
  if (!node || !project || !queue || !count_text) return std::nullopt;
  std::size_t count = 0;
  const auto [end, ec] =
      std::from_chars(count_text->data(), count_text->data() + count_text->size(), count);
  if (ec != std::errc() || end != count_text->data() + count_text->size() || count > wire.size()) {
    return std::nullopt;
  }
  batch.node = *node;
  batch.project = *project;
  batch.queue = *queue;
  batch.payloads.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto payload = take(wire);
    if (!payload) return std::nullopt;
    batch.payloads.emplace_back(*payload);
  }
  if (!wire.empty()) return std::nullopt;
  return batch;
}

}  // namespace warren::notify
