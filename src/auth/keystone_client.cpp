// KeystoneClient: the two exchanges with Keystone (a service token, a token's validation) over
// Beast, and the token document's parsing (simdjson).
#include "auth/keystone_client.h"

#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include "auth/now.h"
#include "auth/signed_url.h"
#include "common/log.h"

namespace warren::auth {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

Error unavailable(std::string why) {
  return make_error(Errc::auth_unavailable, std::move(why));
}

// JSON string escaping for the few values the service request carries.
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

struct Reply {
  unsigned status = 0;
  std::string subject_token;  // X-Subject-Token (a service token's answer)
  std::string body;
};

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl parsed;
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
    parsed.tls = true;
  } else {
    return make_error(Errc::bad_option, "URL", url, "only http:// and https:// are supported");
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (path.ends_with('/')) path.remove_suffix(1);
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return make_error(Errc::bad_option, "URL", url, "it needs a host (and no user)");
  }
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    parsed.host = authority.substr(0, colon);
    parsed.port = authority.substr(colon + 1);
  } else {
    parsed.host = authority;
    parsed.port = parsed.tls ? "443" : "80";
  }
  if (parsed.host.size() > 2 && parsed.host.front() == '[' && parsed.host.back() == ']') {
    parsed.host = parsed.host.substr(1, parsed.host.size() - 2);
  }
  if (parsed.host.empty() || parsed.port.empty() ||
      parsed.port.find_first_not_of("0123456789") != std::string::npos) {
    return make_error(Errc::bad_option, "URL", url, "the host or port is not valid");
  }
  parsed.path = path;
  return parsed;
}

Result<KeystoneToken> parse_keystone_token(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) {
    return unavailable("Keystone's token document is not JSON");
  }
  simdjson::dom::object token;
  if (root["token"].get(token) != simdjson::SUCCESS) {
    return unavailable("Keystone's answer has no token");
  }
  KeystoneToken out;
  std::string_view text;
  if (token["expires_at"].get(text) != simdjson::SUCCESS) {
    return unavailable("Keystone's token has no expires_at");
  }
  auto expires = parse_iso_time(text);
  if (!expires) return unavailable("Keystone's token expiry is not a date");
  out.expires_ms = *expires * 1000;
  if (token["user"]["id"].get(text) == simdjson::SUCCESS) out.user_id = text;
  // An unscoped or domain-scoped token has no project: it can act on no queue.
  if (token["project"]["id"].get(text) == simdjson::SUCCESS) out.project_id = text;
  simdjson::dom::array roles;
  if (token["roles"].get(roles) == simdjson::SUCCESS) {
    for (simdjson::dom::element role : roles) {
      if (role["name"].get(text) != simdjson::SUCCESS) continue;
      if (text.find(',') != std::string_view::npos) continue;  // cannot be a role we ask for
      if (!out.roles.empty()) out.roles += ',';
      out.roles += text;
    }
  }
  return out;
}

Result<std::unique_ptr<KeystoneClient>> KeystoneClient::make(KeystoneOptions options) {
  auto url = parse_http_url(options.url);
  if (!url) return url.error();
  std::unique_ptr<asio::ssl::context> tls;
  if (url->tls) {
    tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
    tls->set_verify_mode(asio::ssl::verify_peer);
    beast::error_code ec;
    if (options.ca_file.empty()) {
      tls->set_default_verify_paths(ec);
    } else {
      tls->load_verify_file(options.ca_file, ec);
    }
    if (ec) {
      return make_error(Errc::bad_option, "CA file",
                        options.ca_file.empty() ? "(system)" : options.ca_file, ec.message());
    }
  }
  return std::unique_ptr<KeystoneClient>(
      new KeystoneClient(std::move(options), std::move(*url), std::move(tls)));
}

KeystoneClient::KeystoneClient(KeystoneOptions options, HttpUrl url,
                               std::unique_ptr<asio::ssl::context> tls)
    : options_(std::move(options)), url_(std::move(url)), tls_(std::move(tls)) {}

KeystoneClient::~KeystoneClient() = default;

namespace {

// Writes `request` and reads the answer on a connected (and, for https, handshaken) stream.
template <typename Stream>
asio::awaitable<Result<Reply>> talk(Stream& stream, const HttpUrl& url,
                                    http::request<http::string_body>& request,
                                    std::size_t max_body) {
  request.set(http::field::host, url.host + ":" + url.port);
  request.set(http::field::user_agent, "warren");
  request.set(http::field::accept, "application/json");
  request.prepare_payload();
  auto [write_ec, written] = co_await http::async_write(stream, request, kUseTuple);
  (void)written;
  if (write_ec) co_return unavailable(fmt::format("write: {}", write_ec.message()));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
  (void)read;
  if (read_ec) co_return unavailable(fmt::format("read: {}", read_ec.message()));
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  Reply reply;
  auto& response = parser.get();
  reply.status = response.result_int();
  if (const auto subject = response.find("X-Subject-Token"); subject != response.end()) {
    reply.subject_token = std::string(subject->value());
  }
  reply.body = std::move(response.body());
  co_return reply;
}

// One request and its answer, on a fresh connection (over TLS when `tls`), within `timeout` in
// all.
asio::awaitable<Result<Reply>> exchange(const HttpUrl& url, asio::ssl::context* tls,
                                        http::request<http::string_body> request,
                                        std::chrono::milliseconds timeout, std::size_t max_body) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  beast::tcp_stream tcp(executor);
  tcp.expires_after(timeout);
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(url.host, url.port, kUseTuple);
  if (resolve_ec) co_return unavailable(fmt::format("{}: {}", url.host, resolve_ec.message()));
  auto [connect_ec, endpoint] = co_await tcp.async_connect(endpoints, kUseTuple);
  if (connect_ec) co_return unavailable(fmt::format("connect: {}", connect_ec.message()));
  (void)endpoint;
  if (tls == nullptr) co_return co_await talk(tcp, url, request, max_body);
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), *tls);
  // SNI, and the certificate must name the URL's host.
  SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kUseTuple);
  if (handshake_ec) co_return unavailable(fmt::format("TLS: {}", handshake_ec.message()));
  co_return co_await talk(stream, url, request, max_body);
}

}  // namespace

asio::awaitable<Result<std::string>> KeystoneClient::service_token(bool renew) {
  {
    std::lock_guard lock(mutex_);
    if (!renew && !service_token_.empty() && service_expires_ms_ > wall_ms() + 60'000) {
      co_return service_token_;
    }
  }
  const std::string domain = json_string(options_.domain);
  const std::string body = fmt::format(
      R"({{"auth":{{"identity":{{"methods":["password"],"password":{{"user":{{"name":{},"domain":{{"name":{}}},"password":{}}}}}}},"scope":{{"project":{{"name":{},"domain":{{"name":{}}}}}}}}}}})",
      json_string(options_.user), domain, json_string(options_.password),
      json_string(options_.project), domain);
  http::request<http::string_body> request(http::verb::post, url_.path + "/auth/tokens", 11);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  auto reply = co_await exchange(url_, tls_.get(), std::move(request), options_.timeout,
                                 options_.max_response_bytes);
  if (!reply) co_return reply.error();
  if (reply->status != 201 || reply->subject_token.empty()) {
    log::error(
        "keystone: the service user {} was refused ({}): check --keystone-user, "
        "--keystone-password-file, --keystone-project",
        options_.user, reply->status);
    co_return unavailable(fmt::format("Keystone refused the service user ({})", reply->status));
  }
  auto token = parse_keystone_token(reply->body);
  if (!token) co_return token.error();
  std::lock_guard lock(mutex_);
  service_token_ = reply->subject_token;
  service_user_id_ = token->user_id;
  service_expires_ms_ = token->expires_ms;
  co_return service_token_;
}

asio::awaitable<Result<KeystoneClient::Answer>> KeystoneClient::validate(std::string token) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto service = co_await service_token(attempt > 0);
    if (!service) co_return service.error();
    http::request<http::string_body> request(http::verb::get, url_.path + "/auth/tokens", 11);
    request.set("X-Auth-Token", *service);
    request.set("X-Subject-Token", token);
    auto reply = co_await exchange(url_, tls_.get(), std::move(request), options_.timeout,
                                   options_.max_response_bytes);
    if (!reply) co_return reply.error();
    if (reply->status == 200) {
      auto parsed = parse_keystone_token(reply->body);
      if (!parsed) co_return parsed.error();
      co_return Answer{Verdict::valid, std::move(*parsed)};
    }
    // 404: no such token (or expired, revoked); 400: not even a token's shape.
    if (reply->status == 404 || reply->status == 400) co_return Answer{};
    // 401/403: our service token is no longer good: fetch another, once.
    if (reply->status != 401 && reply->status != 403) break;
  }
  co_return unavailable("Keystone did not validate the token");
}

asio::awaitable<Result<std::string>> KeystoneClient::create_trust(std::string caller_token,
                                                                  const TrustRequest& trust) {
  // The trustee is the service user, whose id the service token's document gave.
  auto service = co_await service_token(false);
  if (!service) co_return service.error();
  std::string trustee;
  {
    std::lock_guard lock(mutex_);
    trustee = service_user_id_;
  }
  if (trustee.empty()) co_return unavailable("Keystone's service token names no user id");
  TrustRequest filled = trust;
  filled.trustee_user_id = trustee;
  http::request<http::string_body> request(http::verb::post, url_.path + "/OS-TRUST/trusts", 11);
  request.set(http::field::content_type, "application/json");
  request.set("X-Auth-Token", caller_token);
  request.body() = trust_request_body(filled);
  auto reply = co_await exchange(url_, tls_.get(), std::move(request), options_.timeout,
                                 options_.max_response_bytes);
  if (!reply) co_return reply.error();
  if (reply->status == 201 || reply->status == 200) co_return parse_trust_id(reply->body);
  const std::string why = keystone_error_message(reply->body);
  log::info("keystone: a trust for user {} on project {} was refused ({}): {}",
            trust.trustor_user_id, trust.project_id, reply->status, why);
  if (reply->status == 401) co_return make_error(Errc::auth_token_invalid);
  if (reply->status >= 400 && reply->status < 500) {
    co_return make_error(Errc::trust_refused, reply->status,
                         why.empty() ? std::string("no reason given") : why);
  }
  co_return unavailable(fmt::format("Keystone answered {} to a trust", reply->status));
}

asio::awaitable<Result<KeystoneClient::TrustToken>> KeystoneClient::trust_token(
    std::string trust_id) {
  http::request<http::string_body> request(http::verb::post, url_.path + "/auth/tokens", 11);
  request.set(http::field::content_type, "application/json");
  request.body() = trust_token_request_body(options_.user, options_.domain, options_.password,
                                            trust_id);
  auto reply = co_await exchange(url_, tls_.get(), std::move(request), options_.timeout,
                                 options_.max_response_bytes);
  if (!reply) co_return reply.error();
  if (reply->status >= 400 && reply->status < 500) {
    co_return make_error(Errc::trust_refused, reply->status, keystone_error_message(reply->body));
  }
  if (reply->status != 201 || reply->subject_token.empty()) {
    co_return unavailable(fmt::format("Keystone answered {} to a trust token", reply->status));
  }
  auto token = parse_keystone_token(reply->body);
  if (!token) co_return token.error();
  co_return TrustToken{std::move(reply->subject_token), token->expires_ms};
}

}  // namespace warren::auth
