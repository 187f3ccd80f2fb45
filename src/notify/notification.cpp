// Rendering of the §9 notification document.
#include "notify/notification.h"

#include "common/json_writer.h"
#include "engine/body_json.h"

namespace warren::notify {

void append_notification(std::string& out, std::string_view queue,
                         const engine::PostedMessage& message) {
  JsonWriter json(out);
  json.begin_object().key("ttl").integer(message.ttl).key("body");
  engine::write_body(json, message.body, message.encoding);
  if (message.delay > 0) json.key("delay").integer(message.delay);
  json.key("Message_Type").string("Notification").key("queue_name").string(queue).end_object();
}

}  // namespace warren::notify
