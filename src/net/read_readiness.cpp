// ReadReadiness: reaches the epoll reactor's per-socket "try to read at once" flag.
#include "net/read_readiness.h"

#include <boost/asio/detail/reactor.hpp>

#if !defined(BOOST_ASIO_HAS_EPOLL) || defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#error "ReadReadiness is written for Asio's epoll reactor"
#endif

namespace warren::net {
namespace {

namespace detail = boost::asio::detail;
using Socket = boost::asio::ip::tcp::socket;
using DescriptorState = detail::epoll_reactor::descriptor_state;
using TrySpeculative = bool (DescriptorState::*)[detail::epoll_reactor::max_ops];

// A socket's implementation is a protected member of basic_socket: a derived class may name it
// and so form a pointer to it, which then applies to any socket.
struct ImplAccess : Socket {
  static constexpr auto kImpl = &ImplAccess::impl_;
};

// The flag is private to the reactor. Access is not checked in an explicit instantiation, so
// one instantiation hands a pointer to the member to the function declared below.
TrySpeculative try_speculative_member();

template <TrySpeculative Member>
struct TrySpeculativeAccess {
  friend TrySpeculative try_speculative_member() { return Member; }
};
template struct TrySpeculativeAccess<&DescriptorState::try_speculative_>;

// Null once the socket is closed. (Every loop runs one thread with the reactor's locking off,
// so the state is read and written without its mutex.)
DescriptorState* state_of(Socket& socket) noexcept {
  return (socket.*ImplAccess::kImpl).get_implementation().reactor_data_;
}

}  // namespace

bool ReadReadiness::is_expected(Socket& socket) noexcept {
  DescriptorState* state = state_of(socket);
  return state == nullptr || (state->*try_speculative_member())[detail::epoll_reactor::read_op];
}

void ReadReadiness::mark_drained(Socket& socket) noexcept {
  if (DescriptorState* state = state_of(socket)) {
    (state->*try_speculative_member())[detail::epoll_reactor::read_op] = false;
  }
}

}  // namespace warren::net
