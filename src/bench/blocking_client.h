// A blocking HTTP/1.1 client on one kept-alive connection, for the steps around a load run
// (creating queues, preloading, final reads). Never used inside the measured phase.
#pragma once

#include <string>

#include "bench/failure.h"
#include "bench/target.h"

namespace warren::bench {

struct HttpResult {
  int status = 0;
  std::string body;
};

class BlockingClient {
 public:
  explicit BlockingClient(const Target& target, double timeout_s = 10);
  ~BlockingClient();
  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;

  // Sends one complete request (as serialised bytes) and waits for its response. A kept-alive
  // connection the server closed meanwhile is reopened once. Fails on connect/IO errors, a
  // timeout or an unparsable response.
  Outcome<HttpResult> roundtrip(const std::string& request, bool head = false);

 private:
  Outcome<void> connect();
  void close();
  const Target& target_;
  double timeout_s_;
  int fd_ = -1;
  bool used_ = false;  // the connection has carried a response (a failure may be a stale close)
};

}  // namespace warren::bench
