// Encoding of the pooled store's records (records.h) as JSON object text.
#include "store/pooled/records.h"

#include <simdjson.h>

#include "common/json_writer.h"

namespace warren::store::pooled {
namespace {

constexpr std::string_view kFlavorPrefix =
    "\x1F"
    "flavors\x1F";
constexpr std::string_view kCatalogPrefix =
    "\x1F"
    "catalog\x1F";

Error corrupt(std::string_view what) {
  return make_error(Errc::internal, fmt::format("a stored {} record is corrupt", what));
}

}  // namespace

bool is_record_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string flavor_space(std::string_view project) {
  return std::string(kFlavorPrefix).append(project);
}

std::string catalog_space(std::string_view project) {
  return std::string(kCatalogPrefix).append(project);
}

bool is_reserved_space(std::string_view store_project) noexcept {
  return store_project == kPoolSpace || store_project.starts_with(kFlavorPrefix) ||
         store_project.starts_with(kCatalogPrefix);
}

std::optional<std::string_view> project_of_catalog_space(std::string_view store_project) noexcept {
  if (!store_project.starts_with(kCatalogPrefix)) return std::nullopt;
  return store_project.substr(kCatalogPrefix.size());
}

std::string encode(const PoolRecord& pool) {
  std::string out;
  JsonWriter json(out);
  json.begin_object()
      .key("uri")
      .string(pool.uri)
      .key("weight")
      .integer(pool.weight)
      .key("flavor")
      .string(pool.flavor)
      .key("options")
      .raw(pool.options.empty() ? std::string_view("{}") : pool.options)
      .end_object();
  return out;
}

Result<PoolRecord> decode_pool(std::string_view name, std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
    return corrupt("pool");
  }
  PoolRecord pool;
  pool.name = std::string(name);
  std::string_view uri, flavor;
  std::int64_t weight = 0;
  simdjson::dom::element options;
  if (root["uri"].get(uri) != simdjson::SUCCESS ||
      root["weight"].get(weight) != simdjson::SUCCESS ||
      root["flavor"].get(flavor) != simdjson::SUCCESS ||
      root["options"].get(options) != simdjson::SUCCESS) {
    return corrupt("pool");
  }
  pool.uri = std::string(uri);
  pool.weight = weight;
  pool.flavor = std::string(flavor);
  pool.options = simdjson::minify(options);
  return pool;
}

std::string encode_placement(std::string_view pool) {
  std::string out;
  JsonWriter json(out);
  json.begin_object().key("pool").string(pool).end_object();
  return out;
}

Result<std::string> decode_placement(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view pool;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS ||
      root["pool"].get(pool) != simdjson::SUCCESS) {
    return corrupt("catalog");
  }
  return std::string(pool);
}

std::string flavor_of_metadata(std::string_view metadata) {
  if (metadata.find("_flavor") == std::string_view::npos) return {};
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view flavor;
  if (parser.parse(metadata.data(), metadata.size()).get(root) != simdjson::SUCCESS ||
      root["_flavor"].get(flavor) != simdjson::SUCCESS) {
    return {};
  }
  return std::string(flavor);
}

std::vector<std::string_view> capabilities_of(std::string_view uri) {
  // Zaqar's storage.Capabilities names; durability only where an acknowledged write is on disk.
  if (uri.starts_with("rocksdb:"))
    return {"FIFO", "CLAIMS", "DURABILITY", "AOD", "HIGH_THROUGHPUT"};
  return {"FIFO", "CLAIMS", "AOD", "HIGH_THROUGHPUT"};
}

}  // namespace warren::store::pooled
