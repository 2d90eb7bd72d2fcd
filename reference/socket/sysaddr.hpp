// Addresses crossing the user/kernel boundary (spec/socket.md, SOCK-ADDR-*).
#pragma once

#include "socket/socket_impl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nke::ref::sock {

// A kernel copy of a caller's address: the caller's bytes in a buffer of
// at least sizeof(struct nke_sockaddr), with sa_len overwritten by the
// length the caller passed (hist §2.3: getsockaddr; SOCK-ADDR-002).
class AddrIn {
public:
    // 0, ENAMETOOLONG (over 255 bytes), EINVAL (under 2), EFAULT (NULL).
    int load(const struct sockaddr *name, socklen_t len) noexcept {
        if (len > NKE_SOCK_MAXADDRLEN) return ENAMETOOLONG;
        if (len < 2) return EINVAL;
        if (name == nullptr) return EFAULT;
        std::memset(buf_, 0, sizeof buf_);
        std::memcpy(buf_, name, len);
        buf_[0] = static_cast<unsigned char>(len);
        return 0;
    }
    struct nke_sockaddr *get() noexcept { return reinterpret_cast<nke_sockaddr *>(buf_); }

private:
    alignas(8) unsigned char buf_[NKE_SOCK_MAXADDRLEN + 1];
};

// Copy an address out to a caller: at most *len bytes, *len set to the
// number copied (4.4BSD), 0 when there is no address.
inline void addr_out(const struct nke_sockaddr *sa, struct sockaddr *name, socklen_t *len) noexcept {
    if (len == nullptr) return;
    if (sa == nullptr || name == nullptr) {
        *len = 0;
        return;
    }
    const socklen_t n = std::min<socklen_t>(*len, sa->sa_len);
    std::memcpy(name, sa, n);
    *len = n;
}

}  // namespace nke::ref::sock
