// Pool and flavor resources (Zaqar's wsgi/v2_0/pools.py and flavors.py): admin routes over the
// pooled store (store/pooled/, docs/pools.md), served only with --pooling.
#include <algorithm>

#include "api/http_api.h"
#include "api/http_support.h"
#include "engine/names.h"
#include "store/pooled/pooled_store.h"

namespace warren::api {
namespace {

using engine::json::Element;
namespace pooled = store::pooled;

constexpr std::size_t kMaxUri = 255;
constexpr std::size_t kMaxFlavor = 255;
constexpr std::int64_t kMaxWeight = 4294967295;  // 2**32 - 1

Error body_error(std::string text) { return make_error(Errc::invalid_body, std::move(text)); }

// A JSON object document, or an error.
Result<simdjson::dom::object> object_body(const engine::json::Document& document) {
  if (!document.root().is_object()) return make_error(Errc::body_wrong_type);
  return engine::json::object_of(document.root());
}

// Fields of a pool document, each checked as Zaqar's schemas/pools.py checks it.
struct PoolFields {
  std::optional<std::string> uri;
  std::optional<std::int64_t> weight;
  std::optional<std::string> flavor;
  std::optional<std::string> options;
};

Result<PoolFields> decode_pool_fields(simdjson::dom::object object) {
  PoolFields fields;
  for (auto [key, value] : object) {
    if (key == "uri") {
      if (!value.is_string()) return body_error("'uri' must be a string.");
      const std::string_view uri = engine::json::string_of(value);
      if (uri.size() > kMaxUri) return body_error("'uri' is too long (at most 255 characters).");
      if (uri.find(':') == std::string_view::npos) return body_error("'uri' is not a 'uri'.");
      fields.uri = std::string(uri);
    } else if (key == "weight") {
      std::int64_t weight = 0;
      if (!value.is_int64() || value.get(weight) != simdjson::SUCCESS) {
        return body_error("'weight' must be an integer.");
      }
      if (weight < 0 || weight > kMaxWeight) {
        return body_error("'weight' must lie within 0..4294967295.");
      }
      fields.weight = weight;
    } else if (key == "flavor") {
      if (!value.is_string()) return body_error("'flavor' must be a string.");
      const std::string_view flavor = engine::json::string_of(value);
      if (flavor.size() > kMaxFlavor) {
        return body_error("'flavor' is too long (at most 255 characters).");
      }
      fields.flavor = std::string(flavor);
    } else if (key == "options") {
      if (!value.is_object()) return body_error("'options' must be an object.");
      fields.options = engine::json::minify(value);
    } else {
      return body_error(fmt::format("Additional properties are not allowed ('{}' was unexpected)",
                                    std::string_view(key)));
    }
  }
  return fields;
}

bool valid_name(std::string_view name) { return engine::is_valid_queue_name(name); }

void write_pool(JsonWriter& json, const pooled::PoolRecord& pool, std::string_view href,
                bool detailed) {
  json.begin_object().key("name").string(pool.name).key("uri").string(pool.uri)
      .key("weight").integer(pool.weight).key("flavor");
  if (pool.flavor.empty()) {
    json.null();
  } else {
    json.string(pool.flavor);
  }
  if (detailed) json.key("options").raw(pool.options);
  json.key("href").string(href).end_object();
}

void write_capabilities(JsonWriter& json, std::string_view uri) {
  json.key("capabilities").begin_array();
  if (!uri.empty()) {
    for (std::string_view capability : pooled::capabilities_of(uri)) json.string(capability);
  }
  json.end_array();
}

// marker, limit (1..max_per_page, default 10) and detailed of a pool or flavor listing.
struct Listing {
  std::string_view marker;
  int limit = 10;
  bool detailed = false;
};

Result<Listing> listing_of(const QueryParams& query, std::int64_t max_per_page) {
  Listing listing;
  auto limit = query.get_int("limit");
  if (!limit) return limit.error();
  auto detailed = query.get_bool("detailed");
  if (!detailed) return detailed.error();
  if (*limit && (**limit < 1 || **limit > max_per_page)) {
    return make_error(Errc::queue_limit_range, max_per_page);
  }
  listing.limit = static_cast<int>(limit->value_or(10));
  listing.detailed = detailed->value_or(false);
  listing.marker = query.get("marker").value_or("");
  return listing;
}

void write_next_link(JsonWriter& json, const QueryParams& query, std::string_view path,
                     std::string_view marker) {
  NextLink link;
  link.keep(query, "marker");
  link.keep_int(query, "limit");
  link.keep_bool(query, "detailed");
  link.set("marker", marker);
  link.write(json, path);
}

}  // namespace

// ---- pools ----

boost::asio::awaitable<void> HttpApi::list_pools(HttpCall& call) {
  auto listing = listing_of(call.query, options_.max_pools_per_page);
  if (!listing) co_return write_error(call, listing.error());
  auto pools = co_await options_.pools->list_pools(listing->marker, listing->limit);
  if (!pools) co_return write_error(call, pools.error());
  JsonWriter json = json_response(call, 200);
  json.begin_object().key("pools").begin_array();
  for (const pooled::PoolRecord& pool : *pools) {
    write_pool(json, pool, fmt::format("{}/{}", call.path(), pool.name), listing->detailed);
  }
  json.end_array().key("links").begin_array();
  if (!pools->empty()) write_next_link(json, call.query, call.path(), pools->back().name);
  json.end_array().end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::get_pool(HttpCall& call) {
  const std::string_view name = call.params[0];
  auto detailed = call.query.get_bool("detailed");
  if (!detailed) co_return write_error(call, detailed.error());
  // (A name no pool can have reaches no store: the store keys names it has validated.)
  if (!valid_name(name)) co_return write_error(call, make_error(Errc::pool_not_found, name));
  auto pool = co_await options_.pools->get_pool(name);
  if (!pool) co_return write_error(call, pool.error());
  if (!*pool) co_return write_error(call, make_error(Errc::pool_not_found, name));
  JsonWriter json = json_response(call, 200);
  write_pool(json, **pool, call.path(), detailed->value_or(false));
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::put_pool(HttpCall& call) {
  const std::string_view name = call.params[0];
  if (!valid_name(name)) co_return write_error(call, make_error(Errc::pool_name_invalid));
  auto document = required_json_body(call);
  if (!document) co_return write_error(call, document.error());
  auto object = object_body(*document);
  if (!object) co_return write_error(call, object.error());
  auto fields = decode_pool_fields(*object);
  if (!fields) co_return write_error(call, fields.error());
  if (!fields->uri) co_return write_error(call, body_error("'uri' is a required property"));
  if (!fields->weight) co_return write_error(call, body_error("'weight' is a required property"));
  pooled::PoolRecord pool{std::string(name), std::move(*fields->uri), *fields->weight,
                          fields->flavor.value_or(""), fields->options.value_or("{}")};
  auto put = co_await options_.pools->put_pool(std::move(pool));
  if (!put) co_return write_error(call, put.error());
  write_empty(call.response, 201, call.path());
}

boost::asio::awaitable<void> HttpApi::patch_pool(HttpCall& call) {
  const std::string_view name = call.params[0];
  auto document = required_json_body(call);
  if (!document) co_return write_error(call, document.error());
  auto object = object_body(*document);
  if (!object) co_return write_error(call, object.error());
  PoolFields fields;
  {
    // Only the four fields count; others are ignored by Zaqar's per-field schemas.
    std::string known = "{";
    for (auto [key, value] : *object) {
      if (key != "uri" && key != "weight" && key != "flavor" && key != "options") continue;
      if (known.size() > 1) known += ',';
      append_json_string(known, key);
      known += ':';
      known += engine::json::minify(value);
    }
    known += '}';
    if (known == "{}") co_return write_error(call, make_error(Errc::pool_patch_empty));
    auto parsed = engine::json::parse_document(known);
    if (!parsed) co_return write_error(call, parsed.error());
    auto decoded = decode_pool_fields(engine::json::object_of(parsed->root()));
    if (!decoded) co_return write_error(call, decoded.error());
    fields = std::move(*decoded);
  }
  if (!valid_name(name)) co_return write_error(call, make_error(Errc::pool_not_found, name));
  pooled::PoolPatch patch{std::move(fields.uri), fields.weight, std::move(fields.flavor),
                          std::move(fields.options)};
  auto pool = co_await options_.pools->patch_pool(name, patch);
  if (!pool) co_return write_error(call, pool.error());
  JsonWriter json = json_response(call, 200);
  write_pool(json, *pool, call.path(), false);
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::delete_pool(HttpCall& call) {
  if (!valid_name(call.params[0])) co_return write_empty(call.response, 204);
  auto deleted = co_await options_.pools->delete_pool(call.params[0]);
  if (!deleted) co_return write_error(call, deleted.error());
  write_empty(call.response, 204);
}

// ---- flavors ----

boost::asio::awaitable<void> HttpApi::list_flavors(HttpCall& call) {
  auto listing = listing_of(call.query, options_.max_flavors_per_page);
  if (!listing) co_return write_error(call, listing.error());
  auto flavors =
      co_await options_.pools->list_flavors(call.scope.project, listing->marker, listing->limit);
  if (!flavors) co_return write_error(call, flavors.error());
  JsonWriter json = json_response(call, 200);
  json.begin_object().key("flavors").begin_array();
  for (const pooled::FlavorRecord& flavor : *flavors) {
    const std::vector<std::string> pools = options_.pools->pools_of_flavor(flavor.name);
    json.begin_object().key("name").string(flavor.name)
        .key("href").string(fmt::format("{}/{}", call.path(), flavor.name));
    if (!pools.empty()) {
      json.key("pool_list").begin_array();
      for (const std::string& pool : pools) json.string(pool);
      json.end_array();
    }
    if (listing->detailed) {
      write_capabilities(json, pools.empty() ? std::string() : options_.pools->uri_of(pools[0]));
    }
    json.end_object();
  }
  json.end_array().key("links").begin_array();
  if (!flavors->empty()) write_next_link(json, call.query, call.path(), flavors->back().name);
  json.end_array().end_object();
  call.response.finish_body();
}

void HttpApi::write_flavor(HttpCall& call, int status) {
  const std::string_view name = call.params[0];
  const std::vector<std::string> pools = options_.pools->pools_of_flavor(name);
  JsonWriter json = json_response(call, status);
  json.begin_object().key("name").string(name);
  write_capabilities(json, pools.empty() ? std::string() : options_.pools->uri_of(pools[0]));
  json.key("pool_list").begin_array();
  for (const std::string& pool : pools) json.string(pool);
  json.end_array().key("href").string(call.path()).end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::get_flavor(HttpCall& call) {
  const std::string_view name = call.params[0];
  if (!valid_name(name)) co_return write_error(call, make_error(Errc::flavor_not_found, name));
  auto exists = co_await options_.pools->flavor_exists(call.scope.project, name);
  if (!exists) co_return write_error(call, exists.error());
  if (!*exists) co_return write_error(call, make_error(Errc::flavor_not_found, name));
  write_flavor(call, 200);
}

// The pool_list of a flavor document: a non-empty array of strings. `for_patch`: PATCH's errors.
static Result<std::vector<std::string>> pool_list_of(simdjson::dom::object object, bool for_patch) {
  std::optional<Element> list;
  for (auto [key, value] : object) {
    if (key == "pool_list") {
      list = value;
    } else if (key != "capabilities" && !for_patch) {
      return body_error(fmt::format("Additional properties are not allowed ('{}' was unexpected)",
                                    std::string_view(key)));
    } else if (key == "capabilities" && !value.is_object()) {
      return body_error("'capabilities' must be an object.");
    }
  }
  if (!list) {
    return for_patch ? make_error(Errc::flavor_pool_list_missing)
                     : body_error("'pool_list' is a required property");
  }
  if (!list->is_array()) return body_error("'pool_list' must be an array.");
  std::vector<std::string> pools;
  for (Element pool : engine::json::array_of(*list)) {
    if (!pool.is_string()) return body_error("'pool_list' must hold pool names.");
    pools.emplace_back(engine::json::string_of(pool));
  }
  if (pools.empty()) return make_error(Errc::flavor_pool_list_empty);
  return pools;
}

boost::asio::awaitable<void> HttpApi::put_flavor(HttpCall& call) {
  const std::string_view name = call.params[0];
  if (!valid_name(name)) co_return write_error(call, make_error(Errc::pool_name_invalid));
  auto document = required_json_body(call);
  if (!document) co_return write_error(call, document.error());
  auto object = object_body(*document);
  if (!object) co_return write_error(call, object.error());
  auto pools = pool_list_of(*object, false);
  if (!pools) co_return write_error(call, pools.error());
  auto put = co_await options_.pools->put_flavor(call.scope.project, name, std::move(*pools));
  if (!put) co_return write_error(call, put.error());
  write_empty(call.response, 201, call.path());
}

boost::asio::awaitable<void> HttpApi::patch_flavor(HttpCall& call) {
  const std::string_view name = call.params[0];
  auto document = required_json_body(call);
  if (!document) co_return write_error(call, document.error());
  auto object = object_body(*document);
  if (!object) co_return write_error(call, object.error());
  auto pools = pool_list_of(*object, true);
  if (!pools) co_return write_error(call, pools.error());
  if (!valid_name(name)) co_return write_error(call, make_error(Errc::flavor_not_found, name));
  auto exists = co_await options_.pools->flavor_exists(call.scope.project, name);
  if (!exists) co_return write_error(call, exists.error());
  if (!*exists) co_return write_error(call, make_error(Errc::flavor_not_found, name));
  auto put = co_await options_.pools->put_flavor(call.scope.project, name, std::move(*pools));
  if (!put) co_return write_error(call, put.error());
  write_flavor(call, 200);
}

boost::asio::awaitable<void> HttpApi::delete_flavor(HttpCall& call) {
  if (!valid_name(call.params[0])) co_return write_empty(call.response, 204);
  auto deleted = co_await options_.pools->delete_flavor(call.scope.project, call.params[0]);
  if (!deleted) co_return write_error(call, deleted.error());
  write_empty(call.response, 204);
}

}  // namespace warren::api
