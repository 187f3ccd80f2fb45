// RocksDB's information log as a plain append-only file that tolerates write failures.
#include "store/rocksdb/info_log.h"

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

namespace warren::store::rocks {
namespace {

constexpr std::size_t kRollBytes = 16u << 20;

const char* level_name(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::DEBUG_LEVEL:
      return "DEBUG";
    case rocksdb::InfoLogLevel::INFO_LEVEL:
      return "INFO";
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return "WARN";
    case rocksdb::InfoLogLevel::ERROR_LEVEL:
      return "ERROR";
    case rocksdb::InfoLogLevel::FATAL_LEVEL:
      return "FATAL";
    default:
      return "HEADER";
  }
}

}  // namespace

InfoLog::InfoLog(std::string directory, rocksdb::InfoLogLevel level)
    : rocksdb::Logger(level), path_(std::move(directory) + "/LOG") {
  std::lock_guard lock(mutex_);
  open_file();
}

InfoLog::~InfoLog() {
  if (fd_ >= 0) ::close(fd_);
}

void InfoLog::open_file() {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  struct stat st {};
  size_ = fd_ >= 0 && ::fstat(fd_, &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

void InfoLog::Logv(const char* format, va_list ap) {
  Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
}

void InfoLog::Logv(rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  if (level < GetInfoLogLevel()) return;
  char text[1024];
  va_list copy;
  va_copy(copy, ap);
  // RocksDB's printf-style format: not a literal here, by the Logger interface's design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  const int n = std::vsnprintf(text, sizeof text, format, copy);
#pragma GCC diagnostic pop
  va_end(copy);
  if (n < 0) return;
  const std::string_view message(
      text, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof text - 1));
  if (level >= rocksdb::InfoLogLevel::WARN_LEVEL && level != rocksdb::InfoLogLevel::HEADER_LEVEL) {
    log::warn("rocksdb {}: {}", level_name(level), message);
  }
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  std::string line = fmt::format("{}.{:06d} {} {}\n", micros / 1000000, micros % 1000000,
                                 level_name(level), message);
  std::lock_guard lock(mutex_);
  if (size_ > kRollBytes) {
    if (fd_ >= 0) ::close(fd_);
    std::rename(path_.c_str(), (path_ + ".old").c_str());
    open_file();
  }
  if (fd_ < 0) return;
  const ssize_t written = ::write(fd_, line.data(), line.size());
  if (written > 0) size_ += static_cast<std::size_t>(written);  // a failure loses the line only
}

size_t InfoLog::GetLogFileSize() const {
  std::lock_guard lock(mutex_);
  return size_;
}

}  // namespace warren::store::rocks
