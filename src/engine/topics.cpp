// Topics: the namespace of the store that holds them.
#include "engine/topics.h"

namespace warren::engine {
namespace {

constexpr std::string_view kTopicSpacePrefix = "\x1Ftopics\x1F";

}  // namespace

std::string topic_space(std::string_view project) {
  std::string space;
  space.reserve(kTopicSpacePrefix.size() + project.size());
  space.append(kTopicSpacePrefix).append(project);
  return space;
}

Scope scope_of_store_project(std::string_view store_project) {
  if (store_project.starts_with(kTopicSpacePrefix)) {
    return Scope{store_project.substr(kTopicSpacePrefix.size()), {}, store_project};
  }
  return Scope{store_project, {}, {}};
}

}  // namespace warren::engine
