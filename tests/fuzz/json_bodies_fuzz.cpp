// Fuzz target: every decoder of untrusted JSON bodies — message posts, claim options,
// subscriptions, purge, queue metadata and its JSON-patch documents — must answer a value or a
// typed error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/body_decode.h"
#include "engine/json.h"
#include "engine/queue_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  warren::engine::PostPlan plan;
  plan.default_delay = 5;
  (void)warren::api::decode_post_document(text, plan);

  warren::engine::Limits limits;
  if (auto metadata = warren::engine::QueueMetadata::parse(text)) {
    (void)metadata->validate(limits);
    (void)metadata->policy();
    (void)metadata->to_json_with_defaults(limits);
  }
  if (auto changes = warren::engine::QueueMetadata::parse_patch(text)) {
    warren::engine::QueueMetadata metadata;
    (void)metadata.apply(*changes);
    (void)metadata.validate(limits);
  }
  if (auto document = warren::engine::json::parse_document(text)) {
    const auto root = document->root();
    (void)warren::api::decode_claim_options(root);
    (void)warren::api::decode_subscription(root, true);
    (void)warren::api::decode_subscription(root, false);
    (void)warren::api::decode_confirmation(root);
    (void)warren::api::decode_purge(root);
  }
  return 0;
}
