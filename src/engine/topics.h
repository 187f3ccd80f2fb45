// Topics (Zaqar's publish/subscribe resource) as queues of a separate namespace of the store.
// A topic "t" of project "p" is stored as the queue "t" of the store project topic_space("p"),
// which no project id can spell (project ids may not contain control characters), so topics and
// queues of one name never collide, listing one kind never shows the other, and every engine
// keeps them with no change to the storage contract (docs/topics.md).
#pragma once

#include <string>
#include <string_view>

#include "engine/requests.h"

namespace warren::engine {

// The store project holding `project`'s topics: "\x1Ftopics\x1F" followed by `project`.
std::string topic_space(std::string_view project);

// The scope of a store project as an engine event names it (MessageObserver): a topic space
// gives its owner with `space` set (a view into `store_project`), any other a queue scope.
Scope scope_of_store_project(std::string_view store_project);

}  // namespace warren::engine
