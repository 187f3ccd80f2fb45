// Where a checked run writes its history: one JSON line per completed operation (history.h).
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "bench/failure.h"
#include "bench/history.h"

namespace warren::bench {

class HistoryFile {
 public:
  // Creates (truncates) the file at `path`.
  static Outcome<std::unique_ptr<HistoryFile>> open(const std::string& path);
  ~HistoryFile();
  HistoryFile(const HistoryFile&) = delete;
  HistoryFile& operator=(const HistoryFile&) = delete;

  void write(const HistoryEvent& event);
  // Flushes what was written; the file stays open for more.
  bool flush();
  const std::string& path() const noexcept { return path_; }

 private:
  HistoryFile(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
};

}  // namespace warren::bench
