// A Redis command as an argument vector, plus what the client needs to route and run it: the key
// whose hash slot picks the node, and the Lua script to load if the node answers NOSCRIPT.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

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

// EVALSHA of `s` with one key (every script of this engine touches one queue's slot), routed by
// that key; the caller appends the script's ARGV.
inline Command eval(const Script& s, std::string_view key) {
  Command cmd;
  cmd.arg("EVALSHA").arg(s.sha1).arg("1").arg(key).route_by(key).script(s);
  return cmd;
}

}  // namespace warren::store::redis
