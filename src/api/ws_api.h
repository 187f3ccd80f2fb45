// WsApi: Zaqar's v2 WebSocket API (zaqar-v2-api.md §10) on top of the ws/ sessions. One
// WsConnection per socket decodes each frame (text = JSON, binary = MessagePack, the reply in
// the same encoding), checks the envelope {action, headers, body} against the action's schema,
// decodes the body into the engine's request model (the same as HTTP's, api/body_decode.h),
// calls the QueueService and renders the reply {request, body, headers: {status}} in the WS
// shapes of §10. Unknown and unimplemented actions, and `authenticate` (no auth configured),
// get an error reply, never silence.
//
// Socket subscriptions (subscription_create without a subscriber) are kept by the connection
// and routed by the PushHub; they end with their TTL or with the socket. They are visible to
// the socket that made them (get, list, delete), not to other sockets or to HTTP.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "api/api_options.h"
#include "api/socket_subscriptions.h"
#include "auth/admission.h"
#include "auth/identity.h"
#include "common/json_writer.h"
#include "engine/client_id.h"
#include "engine/json.h"
#include "engine/queue_service.h"
#include "notify/push_hub.h"
#include "ws/session.h"

namespace warren::api {

struct WsApiOptions {
  ApiOptions api;  // Client-ID rules
  // The smallest TTL of a socket subscription (Zaqar: 60 s; tests shorten it).
  std::int64_t min_socket_subscription_ttl = engine::kMinSubscriptionTtl;
  // Subscriptions one socket may hold at once (--ws-max-subscriptions).
  std::size_t max_socket_subscriptions = 1000;
};

class WsApi;

// One request on its way through an action handler, and the reply being built.
struct WsCall {
  engine::json::Document document;
  simdjson::dom::object body;        // the request's body, or an empty object
  engine::json::Element body_value;  // the same as an element
  bool has_body = false;
  std::string_view action;
  std::string_view project;
  std::string_view client;    // the Client-ID header as sent
  std::string_view queue;     // body.queue_name, when the action has one
  auth::Principal principal;  // who sends it (actions with Client-ID and X-Project-ID)
  engine::Scope scope;
  engine::CanonicalUuid client_uuid;
  std::string request_echo;  // the reply's "request" member
  std::string* out = nullptr;
  bool binary = false;
};

class WsConnection final : public ws::SessionHandler, public notify::Subscriber {
 public:
  // `upgrade_token`: the upgrade request's X-Auth-Token ("" for none).
  WsConnection(WsApi& api, ws::Session& session, std::string upgrade_token);
  ~WsConnection() override;

  boost::asio::awaitable<void> on_message(std::string_view payload, bool binary, std::string& reply,
                                          bool& reply_binary) override;
  void on_close() noexcept override;

  bool wants_binary() const noexcept override { return notify_binary_; }
  void push(const ws::SharedBytesPtr& frames) noexcept override;

  using Action = boost::asio::awaitable<void> (WsConnection::*)(WsCall&);

  // Queues (ws_queues.cpp)
  boost::asio::awaitable<void> queue_list(WsCall& call);
  boost::asio::awaitable<void> queue_create(WsCall& call);
  boost::asio::awaitable<void> queue_delete(WsCall& call);
  boost::asio::awaitable<void> queue_get(WsCall& call);
  boost::asio::awaitable<void> queue_get_stats(WsCall& call);
  boost::asio::awaitable<void> queue_purge(WsCall& call);
  boost::asio::awaitable<void> ping_node(WsCall& call);
  boost::asio::awaitable<void> get_home_doc(WsCall& call);
  // Messages (ws_messages.cpp)
  boost::asio::awaitable<void> message_list(WsCall& call);
  boost::asio::awaitable<void> message_get(WsCall& call);
  boost::asio::awaitable<void> message_get_many(WsCall& call);
  boost::asio::awaitable<void> message_post(WsCall& call);
  boost::asio::awaitable<void> message_delete(WsCall& call);
  boost::asio::awaitable<void> message_delete_many(WsCall& call);
  // Claims (ws_claims.cpp)
  boost::asio::awaitable<void> claim_create(WsCall& call);
  boost::asio::awaitable<void> claim_get(WsCall& call);
  boost::asio::awaitable<void> claim_update(WsCall& call);
  boost::asio::awaitable<void> claim_delete(WsCall& call);
  // Subscriptions (ws_subscriptions.cpp)
  boost::asio::awaitable<void> subscription_list(WsCall& call);
  boost::asio::awaitable<void> subscription_create(WsCall& call);
  boost::asio::awaitable<void> subscription_get(WsCall& call);
  boost::asio::awaitable<void> subscription_delete(WsCall& call);

 private:
  // Decodes the frame and runs its action; the reply goes to call.out.
  boost::asio::awaitable<void> dispatch(std::string_view payload, WsCall& call);
  // Checks the frame's Client-ID by the configured rules; where UUIDs are required, puts its
  // canonical form in call.scope.client.
  Result<void> take_client_id(WsCall& call);
  // take_client_id, replying the error: false when it refused.
  bool check_client_id(WsCall& call);
  // This socket's live subscription with this id, or nullptr.
  SocketSubscription* find_socket_subscription(std::string_view id, store::TimeMs now);
  void write_socket_subscription(JsonWriter& json, const SocketSubscription& s,
                                 store::TimeMs now) const;
  void drop_socket_subscriptions(std::string_view project, std::string_view queue);

  // Session authentication (schemes that are not per message, auth/identity.h): verifies
  // `token` and makes its principal the session's. Errors: the identity stage's.
  boost::asio::awaitable<Result<void>> authenticate_session(std::string token);
  // Whether the session's token is still good (a reload may have revoked it, it expired, or
  // Keystone no longer validates it): refreshes the session's principal, or forgets the session's
  // authentication (and its subscriptions) and says why. auth_unavailable keeps it.
  boost::asio::awaitable<std::optional<Error>> recheck_session();
  // At a push: whether the session may still receive it (checked at most every
  // kPushRecheckMs; a token the cache no longer vouches for is revalidated in the background).
  bool session_may_receive() noexcept;
  boost::asio::awaitable<void> revalidate(std::shared_ptr<bool> alive);
  // What the authority said of `token` (the session's when it was asked), applied to the
  // session: its principal refreshed, or its authentication forgotten (auth_unavailable keeps
  // it). Returns the refusal, if any.
  std::optional<Error> settle(const std::string& token, Result<auth::Principal> verified);
  // Forgets the session's authentication and ends its subscriptions (after the push in
  // progress when `from_push`).
  void forget_session(bool from_push = false);
  void drop_all_socket_subscriptions() noexcept;
  static std::int64_t steady_ms() noexcept;
  void log_ws_refusal(const Error& error);

  static constexpr std::int64_t kPushRecheckMs = 1000;

  WsApi& api_;
  ws::Session& session_;
  // The upgrade request's X-Auth-Token, tried at the first action if `authenticate` did not
  // come first; then the session's verified token and principal.
  std::string upgrade_token_;
  std::optional<std::string> session_token_;
  auth::Principal session_principal_;
  std::int64_t session_checked_ms_ = 0;  // when the token was last found good (steady clock)
  bool revalidating_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // false once closed
  engine::QueueService& service_;
  SocketSubscriptions subscriptions_;  // this socket's own (subscription_create, no subscriber)
  bool notify_binary_ = false;
  bool closed_ = false;
};

class WsApi final : public ws::HandlerFactory {
 public:
  // `service`, `hub`, `identity` and `admission` (null: no policy) must outlive the API and
  // every connection.
  WsApi(engine::QueueService& service, notify::PushHub& hub, auth::Identity& identity,
        auth::Admission* admission, WsApiOptions options);

  std::unique_ptr<ws::SessionHandler> make_handler(ws::Session& session) override;

  engine::QueueService& service() noexcept { return service_; }
  notify::PushHub& hub() noexcept { return hub_; }
  auth::Identity& identity() noexcept { return identity_; }
  auth::Admission* admission() noexcept { return admission_; }
  const WsApiOptions& options() const noexcept { return options_; }

 private:
  engine::QueueService& service_;
  notify::PushHub& hub_;
  auth::Identity& identity_;
  auth::Admission* admission_;
  WsApiOptions options_;
};

// ---- reply helpers (ws_reply.cpp) ----

// Writes the whole reply {"request": <echo>, "body": <body_json>, "headers": {"status": N}}.
void ws_reply(WsCall& call, int status, std::string_view body_json);
// A reply whose body is a JSON string ("Queue q created.").
void ws_reply_text(WsCall& call, int status, std::string_view text);
// The endpoint error shape {"exception": <description>, "error": <error or null>}, with the
// error's status.
void ws_reply_exception(WsCall& call, const Error& error,
                        std::optional<std::string_view> text = {});
// The envelope error shape {"error": <description>}, with the error's status.
void ws_reply_error(WsCall& call, const Error& error);

}  // namespace warren::api
