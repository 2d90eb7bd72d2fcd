// The frame of every user-side call (spec/socket.md, SOCK-SYS-*).
//
// UserCall (1) refuses to run inside an NKE callback (EDEADLK,
// CONC-CB-002), (2) holds the funnel for the whole call, and (3) pins the
// descriptor's socket (so_usecount) so that a close from another thread
// cannot free it while this call sleeps.  When the last call on a closed
// socket leaves, the socket is torn down here (SOCK-SYS-CLOSE-002).
#pragma once

#include "core/callback.hpp"
#include "socket/fdtable.hpp"
#include "socket/funnel.hpp"
#include "socket/socket_impl.hpp"

#include <cerrno>

namespace nke::ref::sock {

// Drop one pin; the last one on a closed socket closes it for real.
inline void unpin(struct socket *so) noexcept {
    if (--so->so_usecount == 0 && so->so_fdclosed) soclose(so);
}

class UserCall {
public:
    // A call without a descriptor (nke_socket, nke_socketpair).
    UserCall() noexcept : refused_(callback_depth() > 0) {
        if (!refused_) Funnel::get().lock();
    }
    // A call on descriptor fd.
    explicit UserCall(int fd) noexcept : UserCall() {
        if (refused_) return;
        has_fd_ = true;
        so_ = fd_get(fd);
        if (so_) ++so_->so_usecount;
    }
    ~UserCall() {
        if (refused_) return;
        if (so_) unpin(so_);
        Funnel::get().unlock();
    }
    UserCall(const UserCall &) = delete;
    UserCall &operator=(const UserCall &) = delete;

    // EDEADLK inside a callback, EBADF for a descriptor that is not open.
    int error() const noexcept {
        if (refused_) return EDEADLK;
        if (has_fd_ && so_ == nullptr) return EBADF;
        return 0;
    }
    struct socket *so() const noexcept { return so_; }

private:
    bool refused_;
    bool has_fd_ = false;
    struct socket *so_ = nullptr;
};

// The user-side error convention: -1 and errno.
inline int fail(int error) noexcept {
    errno = error;
    return -1;
}

}  // namespace nke::ref::sock
