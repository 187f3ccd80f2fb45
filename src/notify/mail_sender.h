// MailSender: sends the e-mail notifications of mailto: subscribers to one SMTP relay
// (--smtp-relay), off the event loops: it runs its own thread, which sends one mail at a time
// with libcurl (curl_library.h; blocking, bounded by --smtp-timeout per attempt), optionally
// after STARTTLS and AUTH. Every delivery counts against a global bound (--smtp-queue-limit:
// waiting, being sent or between retries), checked on the caller's thread without blocking;
// then a MailQueue (mail_queue.h) shares the rest fairly by project and holds everything back
// while the relay's breaker is open. The relay accepting a mail ends its delivery; a 5xx
// answer (a permanent refusal) drops it; a connection error, a timeout or a 4xx schedules the
// next retry of its RetryPolicy (the webhooks' policy, retry_policy.h), until they run out.
// Every dropped delivery is counted by reason (MailStats) and the counts are logged at most
// every 10 s.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "notify/circuit_breaker.h"
#include "notify/curl_library.h"
#include "notify/log_limiter.h"
#include "notify/mail_compose.h"
#include "notify/mail_queue.h"

namespace warren::notify {

struct SmtpOptions {
  std::string relay;  // HOST:PORT ("" : no mail; mailto subscribers are refused)
  bool starttls = false;  // require STARTTLS (the relay's certificate is verified)
  std::string ca_file;    // PEM of CAs trusted for the relay instead of the system's
  std::string username;   // AUTH, from --smtp-credentials-file ("": none)
  std::string password;
  std::string from = "Warren Notifications <warren@localhost>";  // when options.from is absent
  std::size_t queue_limit = 10000;         // deliveries waiting, being sent or between retries
  std::size_t project_queue_limit = 2000;  // ... of one project
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // per attempt, all phases
  BreakerOptions breaker;  // the relay's: consecutive failures hold every mail back
};

struct MailStats {
  std::uint64_t delivered = 0;  // accepted by the relay
  std::uint64_t attempts = 0;
  std::uint64_t breaker_openings = 0;
  std::array<std::uint64_t, kMailDropReasons> dropped_by{};  // by MailDropReason

  std::uint64_t dropped(MailDropReason reason) const noexcept {
    return dropped_by[static_cast<std::size_t>(reason)];
  }
  std::uint64_t dropped_total() const noexcept;
};

class MailSender {
 public:
  // `curl` must stay loaded (load_curl()); `options.relay` must be set.
  MailSender(const CurlLibrary& curl, SmtpOptions options);
  MailSender(const MailSender&) = delete;
  MailSender& operator=(const MailSender&) = delete;
  // Stops the thread (an attempt in flight is aborted); deliveries not done are dropped.
  ~MailSender();

  // Any thread, never blocks on the relay. False (and counted) if the global queue is full;
  // one taken may still be dropped by its project's bound (counted in stats()).
  bool enqueue(MailDelivery delivery);

  // Any thread.
  MailStats stats() const noexcept;
  std::size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }

 private:
  // How one attempt ended.
  enum class Outcome { delivered, rejected, failed };
  struct Attempt {
    Outcome outcome = Outcome::failed;
    bool relay_answered = false;  // an SMTP reply came (else: connection, TLS or timeout)
    long code = 0;                // the last SMTP reply code
    std::string error;            // curl's words, for the logs
  };

  // Sender thread only, from here on.
  void run();
  void attempt(std::unique_ptr<MailJob> job);
  Attempt send_once(const ComposedMail& mail);
  // Any thread: counts a dropped delivery and logs the counts, at most every 10 s.
  void dropped(MailDropReason reason);

  const CurlLibrary& curl_;
  SmtpOptions options_;
  std::string url_;  // smtp://HOST:PORT
  CURL* easy_ = nullptr;  // kept between mails: libcurl reuses the relay connection
  MailQueue queue_;
  std::mutex mutex_;  // guards inbox_ and stopping_
  std::condition_variable wake_;
  std::vector<std::unique_ptr<MailJob>> inbox_;
  bool stopping_ = false;
  std::atomic<bool> abort_{false};  // read by libcurl's progress callback
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> delivered_{0}, attempts_{0}, breaker_openings_{0};
  std::array<std::atomic<std::uint64_t>, kMailDropReasons> dropped_{};
  LogLimiter drop_log_{std::chrono::seconds(10)};  // drop counts are logged at most this often
  std::thread thread_;
};

}  // namespace warren::notify
