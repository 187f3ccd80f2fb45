// A session that sends one pre-serialised request over and over: the cheapest possible
// request source, used by `http`, `ping`, `get` and unchecked `post`.
#pragma once

#include <cstdint>
#include <string>

#include "bench/session.h"

namespace warren::bench {

class FixedRequestSession final : public Session {
 public:
  // `budget`: shared --count budget, decremented per request sent; null = unbounded.
  FixedRequestSession(std::string request, std::uint16_t op, bool head, std::uint64_t* budget)
      : request_(std::move(request)), op_(op), head_(head), budget_(budget) {}

  bool next(std::string& out, Issue* issue, std::int64_t) override {
    if (budget_ != nullptr) {
      if (*budget_ == 0) return false;
      --*budget_;
    }
    out.append(request_);
    issue->op = op_;
    issue->head = head_;
    return true;
  }
  void on_response(const Issue&, const Response&, std::int64_t) override {}
  bool finished() const override { return budget_ != nullptr && *budget_ == 0; }

 private:
  std::string request_;
  std::uint16_t op_;
  bool head_;
  std::uint64_t* budget_;
};

}  // namespace warren::bench
