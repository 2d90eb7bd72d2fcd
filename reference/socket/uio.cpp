// User I/O descriptors (spec/socket.md, SOCK-UIO-*): the caller's buffers
// of one send or receive, consumed front to back.  A filter's sf_sosend and
// sf_soreceive hooks see them and may move bytes themselves with uiomove.
#include "socket/socket_impl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nke::ref::sock {

int uio_move(const void *cp, size_t n, struct uio *uio) noexcept {
    if (uio == nullptr) return EINVAL;
    if (cp == nullptr && n > 0) return EFAULT;
    auto *k = static_cast<char *>(const_cast<void *>(cp));
    while (n > 0 && uio->uio_resid > 0 && uio->uio_iovcnt > 0) {
        iovec &v = *uio->uio_iov;
        const size_t step = std::min(n, v.iov_len);
        if (step > 0) {
            // Read: the kernel's bytes go to the caller; write: the
            // caller's bytes come to the kernel buffer.
            if (uio->uio_rw == kUioRead) std::memcpy(v.iov_base, k, step);
            else std::memcpy(k, v.iov_base, step);
            v.iov_base = static_cast<char *>(v.iov_base) + step;
            v.iov_len -= step;
            uio->uio_resid -= step;
            k += step;
            n -= step;
        }
        if (v.iov_len == 0) {
            ++uio->uio_iov;
            --uio->uio_iovcnt;
        }
    }
    return 0;
}

}  // namespace nke::ref::sock
