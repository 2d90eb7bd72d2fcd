// The descriptor table of the user side (spec/socket.md, SOCK-SYS-FD-*).
// Funnel held for every function.
#pragma once

#include "socket/socket_impl.hpp"

#include <nke/syscalls.h>

namespace nke::ref::sock {

// Lowest free descriptor >= NKE_FD_FIRST bound to so, or -1 (EMFILE).
int fd_alloc(struct socket *so) noexcept;
// True when n descriptors could be allocated now.
bool fd_available(int n) noexcept;
// The socket of an open descriptor, or nullptr (EBADF).
struct socket *fd_get(int fd) noexcept;
// Free the slot (the socket itself is the caller's business).
void fd_release(int fd) noexcept;

}  // namespace nke::ref::sock
