// HistoryFile: buffered stdio, one line per event.
#include "bench/history_file.h"

#include <cerrno>
#include <cstring>

namespace warren::bench {

Outcome<std::unique_ptr<HistoryFile>> HistoryFile::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return Failure{"cannot write history " + path + ": " + std::strerror(errno)};
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  return std::unique_ptr<HistoryFile>(new HistoryFile(f, path));
}

HistoryFile::~HistoryFile() {
  std::fclose(file_);
}

void HistoryFile::write(const HistoryEvent& event) {
  const std::string line = history_line(event);
  std::fwrite(line.data(), 1, line.size(), file_);
}

bool HistoryFile::flush() {
  return std::fflush(file_) == 0;
}

}  // namespace warren::bench
