// The records the pooled store keeps in its home store (the server's own --storage engine):
// pools, flavors and the catalog entry saying which pool holds a queue. Each is stored as the
// metadata (a JSON object) of a "queue" in a reserved store project that no caller's project can
// spell (control characters, as engine/topics.h's topic spaces), so every engine keeps them
// without a change to the storage contract and every node sharing the home store sees them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"

namespace warren::store::pooled {

// The store project holding the pool records (one "queue" per pool, named as the pool).
inline constexpr std::string_view kPoolSpace = "\x1Fpools\x1F";
// The store project holding `project`'s flavors (one "queue" per flavor).
std::string flavor_space(std::string_view project);
// The store project holding the catalog entries of `project`'s pooled queues.
std::string catalog_space(std::string_view project);
// Whether a store project is one of the reserved spaces above (hidden from list_projects).
bool is_reserved_space(std::string_view store_project) noexcept;
// The caller's project of a catalog space, or nullopt if `store_project` is none.
std::optional<std::string_view> project_of_catalog_space(std::string_view store_project) noexcept;

// Whether `name` can name a pool, flavor or queue record: [A-Za-z0-9_.-]{1,64} but not . or .., the queue-name
// rule every engine's keys rely on (names that fail it never reach the home store).
bool is_record_name(std::string_view name) noexcept;

// A registered pool: a storage engine named by `uri`, chosen for new queues of its flavor in
// proportion to `weight` (0: never chosen).
struct PoolRecord {
  std::string name;
  std::string uri;
  std::int64_t weight = 0;
  std::string flavor;          // "" = no flavor
  std::string options = "{}";  // JSON object text, kept and shown, not interpreted
};

// A flavor of a project: its pools are the pools whose `flavor` names it (as in Zaqar).
struct FlavorRecord {
  std::string name;
};

std::string encode(const PoolRecord& pool);
// The pool `name` as `text` (written by encode) describes it. Errors: internal (corrupt).
Result<PoolRecord> decode_pool(std::string_view name, std::string_view text);

// The metadata of a catalog entry placing a queue on `pool`, and the pool named in it.
std::string encode_placement(std::string_view pool);
Result<std::string> decode_placement(std::string_view text);

// The "_flavor" of queue metadata text (a JSON object), "" if it has none or it is not a
// string. Cheap when the text does not mention it.
std::string flavor_of_metadata(std::string_view metadata);

// What Zaqar's flavor GET shows as capabilities: those of the engine a pool URI names.
std::vector<std::string_view> capabilities_of(std::string_view uri);

}  // namespace warren::store::pooled
