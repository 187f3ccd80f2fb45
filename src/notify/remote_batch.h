// The wire form of a NotificationBatch sent between Warren nodes (over Redis pub/sub): the
// sending node's id, project, queue and the notification documents, each field length-prefixed
// so any bytes survive. Pure functions; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notify/push_hub.h"

namespace warren::notify {

// A batch as read back from the wire.
struct RemoteBatch {
  std::string node;  // the id of the node that posted it
  std::string project;
  std::string queue;
  std::vector<std::string> payloads;
};

// `batch` from node `node`, as one message: "w1" then netstring-like fields "<len>:<bytes>".
std::string encode_remote_batch(std::string_view node, const NotificationBatch& batch);

// The batch in `wire`, or nullopt if it is not one encode_remote_batch() wrote (another
// version, truncated, trailing bytes).
std::optional<RemoteBatch> decode_remote_batch(std::string_view wire);

}  // namespace warren::notify
