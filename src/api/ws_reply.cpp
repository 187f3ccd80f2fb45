// The reply envelope of the WebSocket API: {"request": ..., "body": ..., "headers": {"status"}}.
#include "api/ws_api.h"

namespace warren::api {

void ws_reply(WsCall& call, int status, std::string_view body_json) {
  std::string& out = *call.out;
  out.clear();
  out.reserve(call.request_echo.size() + body_json.size() + 48);
  out.append("{\"request\":");
  out.append(call.request_echo);
  out.append(",\"body\":");
  out.append(body_json);
  out.append(",\"headers\":{\"status\":");
  out.append(std::to_string(status));
  out.append("}}");
}

void ws_reply_text(WsCall& call, int status, std::string_view text) {
  std::string body;
  append_json_string(body, text);
  ws_reply(call, status, body);
}

void ws_reply_exception(WsCall& call, const Error& error, std::optional<std::string_view> text) {
  std::string body;
  JsonWriter json(body);
  json.begin_object().key("exception").string(error.description).key("error");
  if (text) {
    json.string(*text);
  } else {
    json.null();
  }
  json.end_object();
  ws_reply(call, error.status(), body);
}

void ws_reply_error(WsCall& call, const Error& error) {
  std::string body;
  JsonWriter(body).begin_object().key("error").string(error.description).end_object();
  ws_reply(call, error.status(), body);
}

}  // namespace warren::api
