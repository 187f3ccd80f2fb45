// InfoLog: RocksDB's information log (flushes, compactions, errors), written by Warren instead of
// RocksDB's own file logger. Lines go to <data-dir>/LOG, rolled to LOG.old at 16 MiB; warnings
// and errors also go to Warren's log. A failed write is ignored (the line is lost): RocksDB's file
// logger asserts when it cannot append, and Debian's build keeps assertions, so on a full disk
// it would abort the server at the first log line after the failure.
#pragma once

#include <cstdarg>
#include <mutex>
#include <string>

#include <rocksdb/env.h>

namespace warren::store::rocks {

class InfoLog final : public rocksdb::Logger {
 public:
  // Logs lines of `level` and above to `directory`/LOG.
  InfoLog(std::string directory, rocksdb::InfoLogLevel level);
  ~InfoLog() override;

  void Logv(const char* format, va_list ap) override;
  void Logv(rocksdb::InfoLogLevel level, const char* format, va_list ap) override;
  size_t GetLogFileSize() const override;

 private:
  void open_file();  // mutex_ held

  const std::string path_;
  mutable std::mutex mutex_;
  int fd_ = -1;
  std::size_t size_ = 0;
};

}  // namespace warren::store::rocks
