// MailSender: the global bound, the thread's loop over the MailQueue, the drop counts, and one
// SMTP transaction per attempt through libcurl.
#include "notify/mail_sender.h"

#include <cstring>
#include <ctime>

#include "common/counters.h"
#include "common/log.h"

namespace warren::notify {
namespace {

// The process's counts, summed over every sender (the per-sender ones are MailStats).
Counter attempts_total("warren_mail_attempts_total", "", "SMTP transactions attempted.");
Counter delivered_total("warren_mail_delivered_total", "",
                        "E-mail notifications accepted by the SMTP relay.");
constexpr std::string_view kDroppedHelp = "E-mail notifications dropped, by reason.";
static_assert(static_cast<std::size_t>(MailDropReason::gave_up) == kMailDropReasons - 1);
Counter dropped_total[kMailDropReasons] = {  // in MailDropReason's order
    {"warren_mail_dropped_total", R"(reason="queue_full")", kDroppedHelp},
    {"warren_mail_dropped_total", R"(reason="project_full")", kDroppedHelp},
    {"warren_mail_dropped_total", R"(reason="invalid")", kDroppedHelp},
    {"warren_mail_dropped_total", R"(reason="rejected")", kDroppedHelp},
    {"warren_mail_dropped_total", R"(reason="gave_up")", kDroppedHelp},
};

// libcurl reads the message from here (CURLOPT_READFUNCTION).
struct Upload {
  std::string_view rest;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->rest.size());
  std::memcpy(buffer, upload->rest.data(), n);
  upload->rest.remove_prefix(n);
  return n;
}

// Aborts a transfer once the sender stops (CURLOPT_XFERINFOFUNCTION).
int check_abort(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(user)->load(std::memory_order_relaxed) ? 1 : 0;
}

}  // namespace

std::string_view mail_drop_reason_name(MailDropReason reason) noexcept {
  switch (reason) {
    case MailDropReason::queue_full:
      return "queue_full";
    case MailDropReason::project_full:
      return "project_full";
    case MailDropReason::invalid:
      return "invalid";
    case MailDropReason::rejected:
      return "rejected";
    case MailDropReason::gave_up:
      return "gave_up";
  }
  return "?";
}

std::uint64_t MailStats::dropped_total() const noexcept {
  std::uint64_t total = 0;
  for (const std::uint64_t n : dropped_by) total += n;
  return total;
}

MailSender::MailSender(const CurlLibrary& curl, SmtpOptions options)
    : curl_(curl),
      options_(std::move(options)),
      url_("smtp://" + options_.relay),
      queue_(options_.project_queue_limit, options_.breaker) {
  thread_ = std::thread([this] { run(); });
}

MailSender::~MailSender() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  abort_.store(true, std::memory_order_relaxed);
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  const MailStats s = stats();
  if (s.attempts > 0 || s.dropped_total() > 0) {
    log::info(
        "mail: {} delivered in {} attempts, {} relay breaker openings, {} left undelivered; "
        "dropped: {} queue full, {} project share full, {} invalid, {} rejected, {} gave up "
        "after retries",
        s.delivered, s.attempts, s.breaker_openings, pending(),
        s.dropped(MailDropReason::queue_full), s.dropped(MailDropReason::project_full),
        s.dropped(MailDropReason::invalid), s.dropped(MailDropReason::rejected),
        s.dropped(MailDropReason::gave_up));
  }
}

bool MailSender::enqueue(MailDelivery delivery) {
  if (pending_.fetch_add(1, std::memory_order_relaxed) >= options_.queue_limit) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(MailDropReason::queue_full);
    return false;
  }
  auto job = std::make_unique<MailJob>();
  job->delivery = std::move(delivery);
  {
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

MailStats MailSender::stats() const noexcept {
  MailStats stats;
  stats.delivered = delivered_.load(std::memory_order_relaxed);
  stats.attempts = attempts_.load(std::memory_order_relaxed);
  stats.breaker_openings = breaker_openings_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < kMailDropReasons; ++i) {
    stats.dropped_by[i] = dropped_[i].load(std::memory_order_relaxed);
  }
  return stats;
}

void MailSender::dropped(MailDropReason reason) {
  dropped_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  dropped_total[static_cast<std::size_t>(reason)].add();
  if (!drop_log_.due()) return;
  const MailStats s = stats();
  log::warn(
      "mail: {} notifications dropped so far: {} queue full (--smtp-queue-limit {}), {} project "
      "share full (--smtp-project-queue-limit {}), {} invalid, {} rejected by the relay, {} "
      "gave up after retries",
      s.dropped_total(), s.dropped(MailDropReason::queue_full), options_.queue_limit,
      s.dropped(MailDropReason::project_full), options_.project_queue_limit,
      s.dropped(MailDropReason::invalid), s.dropped(MailDropReason::rejected),
      s.dropped(MailDropReason::gave_up));
}

void MailSender::run() {
  std::vector<std::unique_ptr<MailJob>> arrived;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    arrived.swap(inbox_);
    lock.unlock();
    for (auto& job : arrived) {
      if (!queue_.push(std::move(job))) {
        pending_.fetch_sub(1, std::memory_order_relaxed);
        dropped(MailDropReason::project_full);
      }
    }
    arrived.clear();
    std::unique_ptr<MailJob> job = queue_.next(MailQueue::Clock::now());
    const bool sent = job != nullptr;
    if (sent) attempt(std::move(job));
    lock.lock();
    if (sent || !inbox_.empty() || stopping_) continue;
    const auto ready = [this] { return stopping_ || !inbox_.empty(); };
    if (const auto at = queue_.next_wakeup()) {
      wake_.wait_until(lock, *at, ready);
    } else {
      wake_.wait(lock, ready);
    }
  }
  lock.unlock();
  if (easy_ != nullptr) curl_.easy_cleanup(easy_);
}

void MailSender::attempt(std::unique_ptr<MailJob> job) {
  auto mail = compose_mail(job->delivery, options_.from, std::time(nullptr));
  if (!mail) {
    log::debug("mail: a notification for {} is not sent: {}", job->delivery.subscriber,
               mail.error().description);
    queue_.done(*job, true, MailQueue::Clock::now());
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(MailDropReason::invalid);
    return;
  }
  attempts_.fetch_add(1, std::memory_order_relaxed);
  attempts_total.add();
  const Attempt result = send_once(*mail);
  const auto now = MailQueue::Clock::now();
  if (result.outcome == Outcome::delivered) {
    queue_.done(*job, true, now);
    pending_.fetch_sub(1, std::memory_order_relaxed);
    delivered_.fetch_add(1, std::memory_order_relaxed);
    delivered_total.add();
  } else if (result.outcome == Outcome::rejected) {
    log::debug("mail: the relay refused the mail to {} ({}: {})", mail->recipient, result.code,
               result.error);
    queue_.done(*job, true, now);
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(MailDropReason::rejected);
  } else if (job->retries_done < job->delivery.retry_delays.size()) {
    const int delay = job->delivery.retry_delays[job->retries_done++];
    log::debug("mail: to {} failed ({}); retry {} in {} s", mail->recipient, result.error,
               job->retries_done, delay);
    queue_.retry(std::move(job), now + std::chrono::seconds(delay), result.relay_answered, now);
  } else {
    log::debug("mail: giving up on {} ({})", mail->recipient, result.error);
    queue_.done(*job, result.relay_answered, now);
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(MailDropReason::gave_up);
  }
  const std::uint64_t openings = queue_.breaker_openings();
  if (openings != breaker_openings_.exchange(openings, std::memory_order_relaxed)) {
    log::warn("mail: the SMTP relay {} is not answering ({}): mail waits for a probe ({} "
              "breaker openings so far)",
              options_.relay, result.error, openings);
  }
}

MailSender::Attempt MailSender::send_once(const ComposedMail& mail) {
  Attempt attempt;
  if (easy_ == nullptr) easy_ = curl_.easy_init();
  if (easy_ == nullptr) {
    attempt.error = "curl_easy_init failed";
    return attempt;
  }
  CURL* const easy = easy_;
  curl_.easy_reset(easy);  // (keeps the connection to the relay)
  const std::string from = "<" + mail.envelope_from + ">";
  const std::string to = "<" + mail.recipient + ">";
  curl_slist* recipients = curl_.slist_append(nullptr, to.c_str());
  Upload upload{mail.text};
  char error[CURL_ERROR_SIZE] = {};
  const auto set = [&](CURLoption option, auto value) { curl_.easy_setopt(easy, option, value); };
  set(CURLOPT_URL, url_.c_str());
  set(CURLOPT_PROTOCOLS_STR, "smtp");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_ERRORBUFFER, error);
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  set(CURLOPT_MAIL_FROM, from.c_str());
  set(CURLOPT_MAIL_RCPT, recipients);
  set(CURLOPT_UPLOAD, 1L);
  set(CURLOPT_READFUNCTION, &read_upload);
  set(CURLOPT_READDATA, static_cast<void*>(&upload));
  set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.text.size()));
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_XFERINFOFUNCTION, &check_abort);
  set(CURLOPT_XFERINFODATA, static_cast<void*>(&abort_));
  if (options_.starttls) {
    set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!options_.ca_file.empty()) set(CURLOPT_CAINFO, options_.ca_file.c_str());
  }
  if (!options_.username.empty()) {
    set(CURLOPT_USERNAME, options_.username.c_str());
    set(CURLOPT_PASSWORD, options_.password.c_str());
  }
  const CURLcode code = curl_.easy_perform(easy);
  curl_.slist_free_all(recipients);
  curl_.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &attempt.code);
  // The connection, TLS and timeouts fail before or without a reply.
  attempt.relay_answered = attempt.code >= 200;
  if (code == CURLE_OK) {
    attempt.outcome = Outcome::delivered;
  } else {
    attempt.error = error[0] != '\0' ? error : curl_.easy_strerror(code);
    attempt.outcome = attempt.code >= 500 && attempt.code < 600 ? Outcome::rejected
                                                               : Outcome::failed;
  }
  // The options point into this frame: forget them before it ends.
  curl_.easy_reset(easy);
  return attempt;
}

}  // namespace warren::notify
