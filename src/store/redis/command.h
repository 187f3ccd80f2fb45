// A Redis command as an argument vector, plus what the client needs to route and run it: the key
// whose hash slot picks the node, and the Lua script to load if the node answers NOSCRIPT.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis/keys.h"
#include "store/redis/scripts.h"

namespace warren::store::redis {

class Command {
 public:
  Command() = default;
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;
  Command(Command&&) noexcept = default;
  Command& operator=(Command&&) noexcept = default;

  // Appends an argument that the command only borrows: it must outlive every run of the command.
  Command& arg(std::string_view text) {
    argv_.push_back(text);
    return *this;
  }
  // Appends an argument the command keeps a copy of.
  Command& copy(std::string text) {
    owned_.push_back(std::move(text));
    argv_.push_back(owned_.back());
    return *this;
  }
  // Appends a decimal integer argument.
  Command& num(std::int64_t value) { return copy(std::to_string(value)); }

  // The key whose slot decides the node (Redis Cluster); empty: any node.
  Command& route_by(std::string_view key) {
    route_key_ = key;
    return *this;
  }
  // The script this command runs by EVALSHA, reloaded with SCRIPT LOAD on NOSCRIPT.
  Command& script(const Script& s) {
    script_ = &s;
    return *this;
  }
  // Marks a command that writes, so the client may follow it with WAIT (replication option).
  Command& writes() {
    writes_ = true;
    return *this;
  }

  const std::vector<std::string_view>& args() const noexcept { return argv_; }
  std::string_view route_key() const noexcept { return route_key_; }
  const Script* script() const noexcept { return script_; }
  bool is_write() const noexcept { return writes_; }

 private:
  std::vector<std::string_view> argv_;
  std::deque<std::string> owned_;  // a deque never moves its elements, so views stay valid
  std::string_view route_key_;
  const Script* script_ = nullptr;
  bool writes_ = false;
};

// EVALSHA of `s` over every key of one queue (one slot), routed by them; the caller appends the
// script's ARGV. `keys` must outlive the command.
inline Command eval(const Script& s, const keys::QueueKeys& keys) {
  Command cmd;
  cmd.arg("EVALSHA").arg(s.sha1).num(static_cast<std::int64_t>(keys::QueueKeys::kCount));
  for (std::size_t i = 0; i < keys::QueueKeys::kCount; ++i) cmd.arg(keys.key(i));
  cmd.route_by(keys.record()).script(s);
  return cmd;
}

}  // namespace warren::store::redis
