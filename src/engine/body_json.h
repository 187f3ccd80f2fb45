// How a stored message body appears inside the JSON documents Zaqar's APIs send (messages,
// claims, pops, WebSocket pushes, webhook notifications): a JSON body verbatim, a text body (an
// SQS message, storage contract v2) as a JSON string, no body as null. Every renderer of a
// body goes through here, so a text body can never corrupt a JSON document.
#pragma once

#include <string_view>

#include "common/json_writer.h"
#include "store/body.h"

namespace warren::engine {

inline JsonWriter& write_body(JsonWriter& json, std::string_view body,
                              store::BodyEncoding encoding) {
  if (encoding == store::BodyEncoding::text) return json.string(body);
  return json.raw(body.empty() ? std::string_view("null") : body);
}

inline JsonWriter& write_body(JsonWriter& json, const store::Body& body) {
  return write_body(json, body.view(), body.encoding());
}

}  // namespace warren::engine
