// warren-bare-client: the reference closed-loop HTTP client. One thread, epoll, N keep-alive
// connections, each keeping D copies of one GET in flight; it frames responses by the blank
// line and Content-Length only, and measures nothing but the count and its own CPU time. It is
// what the load generator's overhead is judged against: `warren bench http` must reach at
// least 90 % of this client's req/s against the same server.
//
// usage: warren-bare-client --url http://HOST:PORT/PATH [--header 'K: V']... --concurrency N
//                           [--pipeline D] --duration S
//   prints one JSON object: {"ok":..,"elapsed_s":..,"throughput":..,"cpu_us_per_request":..}
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace {

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Length of the complete response at the start of `buf`, or 0 if it is not all there.
std::size_t response_length(std::string_view buf) {
  const void* end = memmem(buf.data(), buf.size(), "\r\n\r\n", 4);
  if (end == nullptr) return 0;
  const std::size_t head = static_cast<std::size_t>(static_cast<const char*>(end) - buf.data()) + 4;
  std::size_t body = 0;
  static constexpr std::string_view kName = "\ncontent-length:";
  for (std::size_t i = 0; i + kName.size() < head; ++i) {
    if (buf[i] != '\n') continue;
    std::size_t k = 0;
    while (k < kName.size() && lower(buf[i + k]) == kName[k]) ++k;
    if (k < kName.size()) continue;
    std::size_t p = i + k;
    while (buf[p] == ' ') ++p;
    while (buf[p] >= '0' && buf[p] <= '9') body = body * 10 + (buf[p++] - '0');
    break;
  }
  return buf.size() >= head + body ? head + body : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::vector<std::string> headers;
  int conns = 1, depth = 1;
  double duration = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view a = argv[i];
    if (a == "--url")
      url = argv[i + 1];
    else if (a == "--header" || a == "-H")
      headers.emplace_back(argv[i + 1]);
    else if (a == "--concurrency" || a == "-c")
      conns = std::atoi(argv[i + 1]);
    else if (a == "--pipeline")
      depth = std::atoi(argv[i + 1]);
    else if (a == "--duration" || a == "-d")
      duration = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "warren-bare-client: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  // http://HOST:PORT/PATH, numeric IPv4 only: this is a reference, not a product.
  if (url.rfind("http://", 0) != 0) {
    std::fprintf(stderr, "usage: warren-bare-client --url http://IP:PORT/PATH ...\n");
    return 2;
  }
  const std::string rest = url.substr(7);
  const std::size_t slash = rest.find('/');
  const std::string hostport = rest.substr(0, slash);
  const std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  const std::size_t colon = hostport.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(hostport.c_str() + colon + 1)));
  inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &addr.sin_addr);

  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + hostport + "\r\n";
  for (const auto& h : headers) request += h + "\r\n";
  request += "\r\n";
  std::string burst;
  for (int i = 0; i < depth; ++i) burst += request;

  signal(SIGPIPE, SIG_IGN);
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  const int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<std::string> pending(conns);  // partial response bytes per connection
  std::vector<int> fds(conns);
  const int one = 1;
  for (int i = 0; i < conns; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);  // blocking connect
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      std::perror("warren-bare-client: connect");
      return 1;
    }
    fds[i] = fd;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  std::vector<char> buf(256 * 1024);
  std::vector<epoll_event> events(1024);
  std::string out;
  std::uint64_t ok = 0;
  const double cpu0 = cpu_s();
  const double t0 = now_s();
  for (int i = 0; i < conns; ++i) send(fds[i], burst.data(), burst.size(), MSG_NOSIGNAL);
  const double end = t0 + duration;
  double now = t0;
  while (now < end) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int k = 0; k < n; ++k) {
      const int i = static_cast<int>(events[k].data.u32);
      const ssize_t r = recv(fds[i], buf.data(), buf.size(), 0);
      if (r <= 0) {
        std::fprintf(stderr, "warren-bare-client: connection %d lost\n", i);
        return 1;
      }
      std::string_view data(buf.data(), static_cast<std::size_t>(r));
      std::string& p = pending[i];
      if (!p.empty()) {
        p.append(data);
        data = p;
      }
      std::size_t used = 0, done = 0, len;
      while ((len = response_length(data.substr(used))) != 0) {
        used += len;
        ++done;
      }
      if (p.empty()) {
        if (used < data.size()) p.assign(data.substr(used));
      } else {
        p.erase(0, used);
      }
      ok += done;
      out.clear();
      for (std::size_t d = 0; d < done; ++d) out += request;
      if (!out.empty()) send(fds[i], out.data(), out.size(), MSG_NOSIGNAL);
    }
    now = now_s();
  }
  const double elapsed = now - t0;
  const double cpu = cpu_s() - cpu0;
  std::printf("{\"ok\":%llu,\"elapsed_s\":%.3f,\"throughput\":%.0f,\"cpu_us_per_request\":%.3f}\n",
              static_cast<unsigned long long>(ok), elapsed, static_cast<double>(ok) / elapsed,
              ok ? cpu * 1e6 / static_cast<double>(ok) : 0.0);
  for (int fd : fds) close(fd);
  return 0;
}
