// WsAcceptor: recognising WebSocket upgrades and starting sessions.
#include "ws/acceptor.h"

#include <cctype>

namespace warren::ws {
namespace {

// True if the comma-separated `list` has `token` (ASCII case-insensitive).
bool has_token(std::string_view list, std::string_view token) {
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t end = list.find(',', pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(pos, end - pos);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.size() == token.size()) {
      bool same = true;
      for (std::size_t i = 0; i < item.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(item[i])) ==
               std::tolower(static_cast<unsigned char>(token[i]));
      }
      if (same) return true;
    }
    pos = end + 1;
  }
  return false;
}

}  // namespace

WsAcceptor::WsAcceptor(net::LoopGroup& loops, const WsOptions& options, HandlerFactory& factory)
    : options_(options), factory_(factory) {
  writers_.reserve(loops.size());
  for (unsigned i = 0; i < loops.size(); ++i) {
    writers_.push_back(std::make_unique<LoopWriter>(loops.loop(i).context(), options_.push_delay));
    loops.loop(i).add_shutdown_hook([writer = writers_.back().get()] { writer->stop(); });
  }
}

bool WsAcceptor::accepts(const http::Request& request) const {
  if (request.method != boost::beast::http::verb::get) return false;
  const auto upgrade = request.header("Upgrade");
  return upgrade && has_token(*upgrade, "websocket");
}

void WsAcceptor::take_over(net::EventLoop& loop, net::Stream stream,
                           net::ConnectionLimit::Slot slot, const http::Request& request,
                           std::string_view leftover) {
  Session::start(loop, *writers_[loop.index()], std::move(stream), std::move(slot), options_,
                 factory_, request, leftover);
}

boost::asio::awaitable<void> WsOnlyHandler::handle(http::Request&, http::ResponseWriter& response) {
  response.error(make_error(Errc::ws_upgrade_required));
  co_return;
}

}  // namespace warren::ws
