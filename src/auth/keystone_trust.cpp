// Keystone's trust documents: written with JsonWriter, read with simdjson.
#include "auth/keystone_trust.h"

#include <ctime>

#include <fmt/format.h>
#include <simdjson.h>

#include "common/json_writer.h"

namespace warren::auth {

std::string trust_request_body(const TrustRequest& trust) {
  std::string body;
  JsonWriter json(body);
  json.begin_object().key("trust").begin_object();
  json.key("trustor_user_id").string(trust.trustor_user_id);
  json.key("trustee_user_id").string(trust.trustee_user_id);
  json.key("project_id").string(trust.project_id);
  json.key("impersonation").boolean(true);
  json.key("roles").begin_array();
  std::string_view rest = trust.roles;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) json.begin_object().key("name").string(name).end_object();
  }
  json.end_array();
  if (trust.expires_ms > 0) json.key("expires_at").string(keystone_time(trust.expires_ms));
  json.end_object().end_object();
  return body;
}

Result<std::string> parse_trust_id(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element root;
  std::string_view id;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS ||
      root["trust"]["id"].get(id) != simdjson::SUCCESS || id.empty()) {
    return make_error(Errc::auth_unavailable, "Keystone's trust document has no id");
  }
  return std::string(id);
}

std::string keystone_error_message(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element root;
  std::string_view message;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS ||
      root["error"]["message"].get(message) != simdjson::SUCCESS) {
    return {};
  }
  // One line, and not a novel: it ends up in an error body and a log line.
  std::string out(message.substr(0, 300));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

std::string trust_token_request_body(std::string_view user, std::string_view domain,
                                     std::string_view password, std::string_view trust_id) {
  std::string body;
  JsonWriter json(body);
  json.begin_object().key("auth").begin_object();
  json.key("identity").begin_object();
  json.key("methods").begin_array().string("password").end_array();
  json.key("password").begin_object().key("user").begin_object();
  json.key("name").string(user);
  json.key("domain").begin_object().key("name").string(domain).end_object();
  json.key("password").string(password);
  json.end_object().end_object();  // user, password
  json.end_object();               // identity
  json.key("scope").begin_object().key("OS-TRUST:trust").begin_object();
  json.key("id").string(trust_id);
  json.end_object().end_object();  // OS-TRUST:trust, scope
  json.end_object().end_object();  // auth, root
  return body;
}

std::string keystone_time(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}000Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

}  // namespace warren::auth
