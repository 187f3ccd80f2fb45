// ReadReadiness: lets a request/response connection skip the read that Asio tries before every
// wait, when the connection has itself just seen the socket drained.
//
// Asio's epoll reactor keeps, per socket, a flag "try to read at once" that it sets on every
// EPOLLIN edge and never clears for a read that returns data. So each async_read_some first
// calls recv(), which in request/response traffic fails with EAGAIN (the client is still
// waiting for the answer) before the socket is queued for epoll: two recv() per request where
// one does (nginx clears its `ready` flag after a short read, for the same reason).
//
// The flag may be cleared exactly when the socket was seen empty in the same handler slice, so
// that no epoll_wait ran in between: every byte that arrives afterwards raises a new edge, which
// sets the flag again (or completes the read then queued). That is the contract here:
//  - is_expected() reads the flag;
//  - mark_drained() clears it, and must be called only in the slice in which a read saw the
//    socket empty: a recv() returning EAGAIN or fewer bytes than asked, run by this thread
//    either directly or inside the reactor's own processing of an edge (an async read that was
//    queued, not attempted at once, completes inline in that slice).
// Both only on the thread that runs the socket's io_context, and only for a context run by one
// thread (EventLoop's, whose reactor locking is off): the flag is read and written unlocked.
//
// Asio has no public way to do this, so the flag is reached through the reactor's private
// state; the code compiles only against the epoll reactor it was written for.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace warren::net {

class ReadReadiness {
 public:
  // True: Asio would call recv() at once on the next async read of `socket` (an edge arrived
  // since the socket was last marked drained, or it never was).
  static bool is_expected(boost::asio::ip::tcp::socket& socket) noexcept;

  // The socket was seen empty in this slice (see the contract above): the next async read waits
  // for an edge without calling recv() first. No effect on a closed socket.
  static void mark_drained(boost::asio::ip::tcp::socket& socket) noexcept;
};

}  // namespace warren::net
