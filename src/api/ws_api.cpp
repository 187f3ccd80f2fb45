// WsApi: decoding frames, the envelope and its schema, dispatching to the actions, encoding
// the reply; the socket's lifetime as a push subscriber.
#include "api/ws_api.h"

#include <chrono>

#include <boost/asio/post.hpp>
#include <simdjson.h>

#include "api/ws_schema.h"
#include "api/ws_support.h"
#include "auth/refusal_log.h"
#include "common/log.h"
#include "common/spawn.h"
#include "ws/msgpack_json.h"

namespace warren::api {
namespace {

namespace json = engine::json;

// Python's str() of a decoded JSON value, for "<action> is not a valid action".
std::string python_text(simdjson::dom::element value) {
  if (value.is_string()) return std::string(value.get_string().value_unsafe());
  if (value.is_null()) return "None";
  if (value.is_bool()) return value.get_bool().value_unsafe() ? "True" : "False";
  return simdjson::minify(value);
}

// The "request" member of every reply: what Zaqar's Request.get_request() gives back.
std::string request_echo(simdjson::dom::object envelope) {
  std::string echo;
  JsonWriter out(echo);
  out.begin_object().key("action");
  simdjson::dom::element value;
  if (json::get_member(envelope, "action", value)) {
    out.raw(simdjson::minify(value));
  } else {
    out.null();
  }
  out.key("body");
  if (json::get_member(envelope, "body", value)) {
    out.raw(simdjson::minify(value));
  } else {
    out.raw("{}");
  }
  out.key("headers");
  if (json::get_member(envelope, "headers", value) && json::truthy(value)) {
    out.raw(simdjson::minify(value));
  } else {
    out.raw("{}");
  }
  out.key("api").string("v2").end_object();
  return echo;
}

constexpr std::string_view kEmptyEcho = R"({"action":null,"body":{},"headers":{},"api":"v2"})";
constexpr std::string_view kAuthenticateEcho =
    R"({"action":"authenticate","body":{},"headers":{},"api":"v2"})";

}  // namespace

WsApi::WsApi(engine::QueueService& service, notify::PushHub& hub, auth::Identity& identity,
             auth::Admission* admission, WsApiOptions options)
    : service_(service),
      hub_(hub),
      identity_(identity),
      admission_(admission),
      options_(std::move(options)) {}

std::unique_ptr<ws::SessionHandler> WsApi::make_handler(ws::Session& session) {
  return std::make_unique<WsConnection>(*this, session,
                                        std::string(session.upgrade_header("X-Auth-Token")));
}

WsConnection::WsConnection(WsApi& api, ws::Session& session, std::string upgrade_token)
    : api_(api),
      session_(session),
      upgrade_token_(std::move(upgrade_token)),
      service_(api.service()),
      subscriptions_(api.options().max_socket_subscriptions) {}

WsConnection::~WsConnection() {
  on_close();
}

void WsConnection::on_close() noexcept {
  if (closed_) return;
  closed_ = true;
  *alive_ = false;
  drop_all_socket_subscriptions();
}

void WsConnection::drop_all_socket_subscriptions() noexcept {
  subscriptions_.for_each([this](const SocketSubscription& s) {
    api_.hub().remove_route(session_.loop().index(), *this, s.project, s.queue);
  });
  subscriptions_.clear();
}

boost::asio::awaitable<Result<void>> WsConnection::authenticate_session(std::string token) {
  auth::Credentials credentials;
  credentials.token = token;
  auth::Principal principal;
  std::optional<Error> refused;
  const auto decision = api_.identity().decide(credentials, principal, refused);
  if (decision == auth::Identity::Decision::refused) co_return std::move(*refused);
  if (decision == auth::Identity::Decision::later) {
    auto waited = co_await api_.identity().authenticate(credentials);
    if (!waited) co_return waited.error();
    principal = std::move(*waited);
  }
  // Another project's token: the subscriptions made for the last one end (they would push
  // that project's messages to a session that no longer speaks for it).
  if (session_token_ && session_principal_.project != principal.project) {
    drop_all_socket_subscriptions();
  }
  // The principal's views point into what its `hold` keeps alive (a table, a cache entry).
  session_token_ = std::move(token);
  session_principal_ = std::move(principal);
  session_checked_ms_ = steady_ms();
  co_return Result<void>();
}

std::int64_t WsConnection::steady_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void WsConnection::forget_session(bool from_push) {
  session_token_.reset();
  session_principal_ = auth::Principal();
  if (!from_push) {
    drop_all_socket_subscriptions();
    return;
  }
  // The hub is walking its routes to push: they are removed once it is done.
  boost::asio::post(session_.loop().context(), [this, alive = alive_] {
    if (*alive && !session_token_) drop_all_socket_subscriptions();
  });
}

boost::asio::awaitable<std::optional<Error>> WsConnection::recheck_session() {
  auth::Credentials credentials;
  credentials.token = *session_token_;
  auth::Principal principal;
  std::optional<Error> refused;
  switch (api_.identity().decide(credentials, principal, refused)) {
    case auth::Identity::Decision::decided:
      session_principal_ = std::move(principal);
      session_checked_ms_ = steady_ms();
      co_return std::nullopt;
    case auth::Identity::Decision::refused:
      forget_session();  // revoked or expired: authenticate again
      co_return refused;
    case auth::Identity::Decision::later:
      break;
  }
  // Only the authority can say. (A copy of the token: the session may authenticate again
  // while this waits.)
  const std::string token = *session_token_;
  credentials.token = token;
  auto verified = co_await api_.identity().authenticate(credentials);
  co_return settle(token, std::move(verified));
}

std::optional<Error> WsConnection::settle(const std::string& token,
                                          Result<auth::Principal> verified) {
  if (!session_token_ || *session_token_ != token) return std::nullopt;  // re-authenticated
  if (verified) {
    session_principal_ = std::move(*verified);
    session_checked_ms_ = steady_ms();
    return std::nullopt;
  }
  // Keystone out of reach keeps the session; anything else ends its authentication.
  if (verified.error().code != Errc::auth_unavailable) forget_session();
  return verified.error();
}

bool WsConnection::session_may_receive() noexcept {
  if (!session_token_) return false;
  const std::int64_t now = steady_ms();
  if (now - session_checked_ms_ < kPushRecheckMs) return true;
  auth::Credentials credentials;
  credentials.token = *session_token_;
  auth::Principal principal;
  std::optional<Error> refused;
  switch (api_.identity().decide(credentials, principal, refused)) {
    case auth::Identity::Decision::decided:
      session_principal_ = std::move(principal);
      session_checked_ms_ = now;
      return true;
    case auth::Identity::Decision::refused:
      forget_session(true);
      return false;
    case auth::Identity::Decision::later:
      // The cache no longer vouches for it: ask the authority, pushing meanwhile (the token
      // was good a moment ago); a refusal ends the session's subscriptions.
      if (!revalidating_) {
        revalidating_ = true;
        session_checked_ms_ = now;
        spawn(session_.loop().context(), revalidate(alive_), "ws session revalidation");
      }
      return true;
  }
  return false;
}

boost::asio::awaitable<void> WsConnection::revalidate(std::shared_ptr<bool> alive) {
  auth::Credentials credentials;
  const std::string token = *session_token_;
  credentials.token = token;
  auto verified = co_await api_.identity().authenticate(credentials);
  if (!*alive) co_return;
  revalidating_ = false;
  (void)settle(token, std::move(verified));
}

void WsConnection::log_ws_refusal(const Error& error) {
  if (error.status() == 401) auth::log_refusal(error, "", fmt::format("ws {}", session_.id()));
}

void WsConnection::push(const ws::SharedBytesPtr& frames) noexcept {
  if (closed_) return;
  // A session-authenticated scheme pushes only while the session's token is good.
  if (!api_.identity().per_message() && !session_may_receive()) return;
  session_.push(frames);
}

boost::asio::awaitable<void> WsConnection::on_message(std::string_view payload, bool binary,
                                                      std::string& reply, bool& reply_binary) {
  WsCall call;
  call.out = &reply;
  call.binary = binary;
  try {
    co_await dispatch(payload, call);
  } catch (const std::exception& e) {
    log::error("ws {}: action failed: {}", session_.id(), e.what());
    if (call.request_echo.empty()) call.request_echo = kEmptyEcho;
    ws_reply_exception(call, Error{Errc::ws_unexpected, e.what(), std::nullopt, std::nullopt},
                       error_info(Errc::ws_unexpected).description);
  }
  reply_binary = binary;
  if (binary && !reply.empty()) {
    std::string packed;
    if (ws::json_to_msgpack(reply, packed)) reply.swap(packed);
  }
}

boost::asio::awaitable<void> WsConnection::dispatch(std::string_view payload, WsCall& call) {
  std::string converted;
  std::string_view text = payload;
  const std::string_view encoding = call.binary ? "binary (MessagePack)" : "text (JSON)";
  if (call.binary) {
    std::string why;
    if (!ws::msgpack_to_json(payload, converted, why)) {
      call.request_echo = kEmptyEcho;
      ws_reply_error(call, make_error(Errc::ws_undecodable, encoding, why));
      co_return;
    }
    text = converted;
  }
  auto parsed = json::parse_value(text);
  if (!parsed) {
    call.request_echo = kEmptyEcho;
    const std::string why = parsed.error().code == Errc::body_integer_too_large
                                ? "ValueError: JSON contains integer that is too large."
                                : "JSONDecodeError: the text is not valid JSON.";
    ws_reply_error(call, make_error(Errc::ws_undecodable, encoding, why));
    co_return;
  }
  call.document = std::move(*parsed);
  const json::Element root = call.document.root();
  if (!root.is_object()) {
    call.request_echo = kEmptyEcho;
    ws_reply_error(call, make_error(Errc::ws_not_object));
    co_return;
  }
  const simdjson::dom::object envelope = json::object_of(root);
  call.request_echo = request_echo(envelope);

  simdjson::dom::element action;
  const bool has_action = json::get_member(envelope, "action", action);
  const ActionRule* rule =
      has_action && action.is_string() ? find_action(json::string_of(action)) : nullptr;
  if (rule == nullptr) {
    const std::string name = has_action ? python_text(action) : std::string("None");
    ws_reply_error(call, make_error(Errc::ws_invalid_action, name));
    co_return;
  }
  call.action = rule->name;
  if (rule->name == "authenticate") {
    if (!matches_schema(*rule, envelope)) {
      ws_reply_error(call, make_error(Errc::ws_schema_failed));
      co_return;
    }
    if (api_.identity().per_message()) {
      call.request_echo = kAuthenticateEcho;
      ws_reply_error(call, make_error(Errc::ws_auth_not_enabled));
      co_return;
    }
    simdjson::dom::element token;
    const simdjson::dom::object headers =
        json::member(envelope, "headers")->get_object().value_unsafe();
    std::string sent;
    if (json::get_member(headers, "X-Auth-Token", token) && token.is_string()) {
      sent = json::string_of(token);
    }
    call.request_echo = kAuthenticateEcho;
    auto verified = co_await authenticate_session(std::move(sent));
    if (!verified) {
      log_ws_refusal(verified.error());
      ws_reply_error(call, make_error(Errc::auth_ws_failed));
      co_return;
    }
    ws_reply(call, 200, R"({"message":"Authentified."})");
    co_return;
  }
  if (!api_.identity().per_message()) {
    // A session-authenticated scheme: every action but `authenticate` needs the session's
    // token (from `authenticate` or the upgrade request), still valid now (a token revoked by
    // a reload, or expired, ends the session's authentication: Zaqar's "Authentication
    // expired").
    if (!session_token_) {
      std::string upgrade = std::move(upgrade_token_);
      upgrade_token_.clear();
      if (!upgrade.empty()) {
        auto verified = co_await authenticate_session(std::move(upgrade));
        if (!verified) log_ws_refusal(verified.error());
      }
    }
    std::optional<Error> lost;
    if (session_token_) {
      lost = co_await recheck_session();
    } else {
      lost = make_error(Errc::auth_ws_not_authenticated);
    }
    if (lost) {
      // Keystone out of reach: 503, and the session stays authenticated; else authenticate
      // again (Zaqar's "Not authentified.").
      ws_reply_error(call, lost->code == Errc::auth_unavailable
                               ? *lost
                               : make_error(Errc::auth_ws_not_authenticated));
      co_return;
    }
  }
  if (rule->run == nullptr) {
    ws_reply_error(call, make_error(Errc::ws_action_not_implemented, rule->name));
    co_return;
  }
  if (!matches_schema(*rule, envelope)) {
    ws_reply_error(call, make_error(Errc::ws_schema_failed));
    co_return;
  }
  // The schema guarantees the types read here.
  simdjson::dom::element value;
  simdjson::dom::object headers = json::member(envelope, "headers")->get_object().value_unsafe();
  if (json::get_member(headers, "X-Project-ID", value)) call.project = json::string_of(value);
  if (json::get_member(headers, "Client-ID", value)) call.client = json::string_of(value);
  call.scope = engine::Scope{call.project, call.client, {}};
  if (rule->headers == HeaderRule::client_and_project) {
    // Who sends it: the identity stage, as over HTTP (each message's own headers under
    // --auth none: auth/header_identity.h), then admission.
    simdjson::dom::element roles;
    const auth::Credentials credentials{
        call.project,
        json::get_member(headers, "X-Roles", roles) && roles.is_string()
            ? std::optional<std::string_view>(json::string_of(roles))
            : std::nullopt,
        std::nullopt};
    if (api_.identity().per_message()) {
      std::optional<Error> refused;
      const auto decision = api_.identity().decide(credentials, call.principal, refused);
      if (decision == auth::Identity::Decision::refused) {
        ws_reply_exception(call, *refused);
        co_return;
      }
      if (decision == auth::Identity::Decision::later) {
        auto waited = co_await api_.identity().authenticate(credentials);
        if (!waited) {
          ws_reply_exception(call, waited.error());
          co_return;
        }
        call.principal = *waited;
      }
    } else {
      // The session's principal; a message naming another project is refused (Zaqar's
      // "Not authenticated.").
      if (call.project.data() != nullptr && call.project != session_principal_.project) {
        ws_reply_error(call, make_error(Errc::auth_project_mismatch));
        co_return;
      }
      call.principal = session_principal_;
      call.project = call.principal.project;
    }
    call.scope.project = call.principal.project;
    if (auth::Admission* admission = api_.admission()) {
      std::optional<Error> turned_away;
      const auto decision = admission->decide(call.principal, turned_away);
      if (decision == auth::Admission::Decision::later) {
        turned_away = co_await admission->admit_later(call.principal);
      }
      if (turned_away) {
        ws_reply_exception(call, *turned_away);
        co_return;
      }
    }
  }
  if (json::get_member(envelope, "body", value) && value.is_object()) {
    call.body = json::object_of(value);
    call.body_value = value;
    call.has_body = true;
  } else {
    call.body_value = empty_object();
    call.body = json::object_of(call.body_value);
  }
  if (json::get_member(call.body, "queue_name", value) && value.is_string()) {
    call.queue = json::string_of(value);
    if (auto valid = check_queue_identification(call.queue, call.project); !valid) {
      ws_reply_exception(call, valid.error());
      co_return;
    }
  } else if (call.project.size() > engine::kMaxProjectIdLength) {
    ws_reply_exception(call, make_error(Errc::ws_project_id_too_long, engine::kMaxProjectIdLength));
    co_return;
  }
  co_await (this->*(rule->run))(call);
}

Result<void> WsConnection::take_client_id(WsCall& call) {
  auto checked =
      engine::check_client_id(call.client, api_.options().api.client_id, call.client_uuid);
  if (!checked) return checked.error();
  call.scope.client = *checked;
  return {};
}

bool WsConnection::check_client_id(WsCall& call) {
  auto taken = take_client_id(call);
  if (!taken) ws_reply_exception(call, taken.error());
  return taken.has_value();
}

}  // namespace warren::api
