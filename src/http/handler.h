// Handler: what the HTTP layer calls for each complete request. Implemented above this layer
// (api/), so http/ never depends on what the requests mean.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/request.h"
#include "http/response_writer.h"

namespace warren::http {

class Handler {
 public:
  virtual ~Handler() = default;

  // Answers `request` by writing exactly one whole response with `response`. May suspend (on
  // storage); the connection reads nothing more until it returns. Must not throw.
  virtual boost::asio::awaitable<void> handle(Request& request, ResponseWriter& response) = 0;
};

}  // namespace warren::http
