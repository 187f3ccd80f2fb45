// warren-ceiling: the ceiling of every HTTP comparison. A single-threaded epoll server that
// answers each request with one canned response (204, or 200 with a JSON body of a chosen
// size), pipelining included: every response to one read goes out in one write. It parses only
// what framing needs (the blank line, Content-Length), so nothing real can be faster.
//
// usage: warren-ceiling [--listen HOST:PORT] [--body-size N]
//   prints "listening PORT" on stdout once ready; SIGINT/SIGTERM stop it.
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

volatile sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

struct Conn {
  std::string in;   // partial request bytes
  std::string out;  // unsent response bytes
  bool want_out = false;
};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Content-Length of a request head (status line and headers, blank line excluded); 0 if none.
std::size_t content_length(std::string_view head) {
  static constexpr std::string_view kName = "\ncontent-length:";
  for (std::size_t i = 0; i + kName.size() <= head.size(); ++i) {
    if (head[i] != '\n') continue;
    std::size_t k = 0;
    while (k < kName.size() && lower(head[i + k]) == kName[k]) ++k;
    if (k < kName.size()) continue;
    std::size_t p = i + k;
    while (p < head.size() && head[p] == ' ') ++p;
    std::size_t v = 0;
    while (p < head.size() && head[p] >= '0' && head[p] <= '9') v = v * 10 + (head[p++] - '0');
    return v;
  }
  return 0;
}

// Answers every complete request at the start of `buf`; returns the bytes consumed.
std::size_t answer(std::string_view buf, const std::string& response, std::string& out) {
  std::size_t used = 0;
  for (;;) {
    const std::string_view rest = buf.substr(used);
    const void* end = memmem(rest.data(), rest.size(), "\r\n\r\n", 4);
    if (end == nullptr) return used;
    const std::size_t head = static_cast<std::size_t>(static_cast<const char*>(end) - rest.data());
    std::size_t body = 0;
    if (rest[0] == 'P') body = content_length(rest.substr(0, head));  // POST/PUT/PATCH
    if (rest.size() < head + 4 + body) return used;
    used += head + 4 + body;
    out.append(response);
  }
}

std::string canned_response(std::size_t body_size) {
  if (body_size == 0) return "HTTP/1.1 204 No Content\r\nServer: warren-ceiling\r\n\r\n";
  // A JSON document shaped like Zaqar's one-message listing, padded to the size asked for.
  std::string body =
      R"({"messages":[{"id":"5f1c0ffee0ddba11cafe0001","href":"/v2/queues/bench-0/messages/)"
      R"(5f1c0ffee0ddba11cafe0001","ttl":3600,"age":0,"body":{"pad":")";
  const std::string tail = R"("}}],"links":[]})";
  if (body.size() + tail.size() < body_size)
    body.append(body_size - body.size() - tail.size(), 'x');
  body += tail;
  return "HTTP/1.1 200 OK\r\nServer: warren-ceiling\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  std::size_t body_size = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--listen" && i + 1 < argc) {
      const std::string v = argv[++i];
      const auto colon = v.rfind(':');
      host = v.substr(0, colon);
      port = std::atoi(v.c_str() + colon + 1);
    } else if (a == "--body-size" && i + 1 < argc) {
      body_size = static_cast<std::size_t>(std::atol(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: warren-ceiling [--listen HOST:PORT] [--body-size N]\n");
      return 2;
    }
  }
  const std::string response = canned_response(body_size);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  const int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(lfd, 4096) != 0) {
    std::perror("warren-ceiling: bind/listen");
    return 1;
  }
  socklen_t len = sizeof addr;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("listening %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  const int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::vector<Conn> conns;
  std::vector<char> buf(256 * 1024);
  std::vector<epoll_event> events(1024);
  std::string out;  // responses to one read, reused

  auto close_conn = [&](int fd) {
    close(fd);
    conns[fd] = Conn{};
  };
  while (!g_stop) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 200);
    for (int k = 0; k < n; ++k) {
      const int fd = events[k].data.fd;
      if (fd == lfd) {
        for (;;) {
          const int c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0) break;
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          if (static_cast<std::size_t>(c) >= conns.size()) conns.resize(c + 1024);
          conns[c] = Conn{};
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
        continue;
      }
      Conn& c = conns[fd];
      if (events[k].events & EPOLLOUT) {
        const ssize_t w = send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN) {
          close_conn(fd);
          continue;
        }
        if (w > 0) c.out.erase(0, static_cast<std::size_t>(w));
        if (c.out.empty()) {
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = fd;
          epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
          c.want_out = false;
        }
      }
      if (!(events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      const ssize_t r = recv(fd, buf.data(), buf.size(), 0);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        close_conn(fd);
        continue;
      }
      out.clear();
      if (c.in.empty()) {
        const std::string_view data(buf.data(), static_cast<std::size_t>(r));
        const std::size_t used = answer(data, response, out);
        if (used < data.size()) c.in.assign(data.substr(used));
      } else {
        c.in.append(buf.data(), static_cast<std::size_t>(r));
        c.in.erase(0, answer(c.in, response, out));
      }
      if (out.empty()) continue;
      if (!c.out.empty()) {
        c.out += out;
        continue;
      }
      const ssize_t w = send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      if (w < 0 && errno != EAGAIN) {
        close_conn(fd);
        continue;
      }
      if (w == static_cast<ssize_t>(out.size())) continue;
      c.out.assign(out, w < 0 ? 0 : static_cast<std::size_t>(w));
      epoll_event cev{};
      cev.events = EPOLLIN | EPOLLOUT;
      cev.data.fd = fd;
      epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
      c.want_out = true;
    }
  }
  return 0;
}
