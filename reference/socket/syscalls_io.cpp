// The user-side data and option calls (spec/socket.md, SOCK-SYS-SEND-*,
// SOCK-SYS-RECV-*, SOCK-SYS-OPT-*): send/sendto/sendmsg, recv/recvfrom/
// recvmsg, setsockopt/getsockopt.
#include "core/proc.hpp"
#include "socket/syscall.hpp"
#include "socket/sysaddr.hpp"

#include <nke/syscalls.h>

#include <array>
#include <climits>
#include <cstring>
#include <memory>

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

using namespace nke::ref::sock;
namespace mb = nke::ref::mb;

namespace {

// Largest option value the stack copies for a caller (SOCK-SYS-OPT-005).
constexpr size_t kMaxOptLen = 1u << 20;
// Largest scatter/gather vector (UIO_MAXIOV of 4.4BSD).
constexpr size_t kMaxIov = 1024;

// Check a caller's vector and total its length: 0, EFAULT, EMSGSIZE, EINVAL.
int check_iov(const struct iovec *iov, size_t n, size_t *total) {
    if (n > kMaxIov) return EMSGSIZE;
    if (iov == nullptr && n > 0) return EFAULT;
    size_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
        if (iov[i].iov_base == nullptr && iov[i].iov_len > 0) return EFAULT;
        if (iov[i].iov_len > static_cast<size_t>(SSIZE_MAX) - sum) return EINVAL;
        sum += iov[i].iov_len;
    }
    *total = sum;
    return 0;
}

// The private copy of the caller's vector that the uio walks (the caller's
// stays intact, SOCK-SEND-010).  Vectors of up to kInline entries (nearly
// every call: send, recv and their variants pass one) are copied to the
// stack: a heap copy cost an allocation and a free per call, about an eighth
// of a control round trip.  Longer vectors are allocated as before, behind
// the failure point (HARN-FAIL-001 applies to allocations that are made).
class IovCopy {
public:
    // False when the copy needs memory and gets none (the call's ENOBUFS).
    bool assign(const struct iovec *iov, size_t n) noexcept {
        if (n == 0) return true;  // the uio then gets a null vector, as before
        if (n <= kInline) {
            p_ = inline_.data();
        } else {
            heap_ = try_make_array<struct iovec>(n);
            if (!heap_) return false;
            p_ = heap_.get();
        }
        std::memcpy(p_, iov, n * sizeof *iov);
        return true;
    }
    struct iovec *get() const noexcept { return p_; }

private:
    static constexpr size_t kInline = 8;
    std::array<struct iovec, kInline> inline_;  // only the first n are written and read
    std::unique_ptr<struct iovec[]> heap_;
    struct iovec *p_ = nullptr;
};

// The caller's ancillary data as one MT_CONTROL mbuf.
int control_in(const void *p, size_t len, struct mbuf **out) {
    *out = nullptr;
    if (len == 0) return 0;
    if (p == nullptr) return EFAULT;
    if (len < sizeof(struct cmsghdr) || len > MLEN) return EINVAL;
    struct mbuf *m = mb::get(M_DONTWAIT, MT_CONTROL);
    if (m == nullptr) return ENOBUFS;
    std::memcpy(m->m_data, p, len);
    m->m_len = static_cast<int>(len);
    *out = m;
    return 0;
}

ssize_t do_send(int s, struct iovec *iov, size_t iovcnt, int flags, const struct sockaddr *to,
                socklen_t tolen, const void *ctl, size_t ctllen) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    size_t total = 0;
    if (const int e = check_iov(iov, iovcnt, &total)) return fail(e);
    AddrIn addr;
    struct nke_sockaddr *nam = nullptr;
    if (to != nullptr || tolen != 0) {
        if (const int e = addr.load(to, tolen)) return fail(e);
        nam = addr.get();
    }
    if (flags & MSG_OOB) return fail(EOPNOTSUPP);  // out-of-band data is out of scope
    struct mbuf *control = nullptr;
    if (const int e = control_in(ctl, ctllen, &control)) return fail(e);
    IovCopy v;
    if (!v.assign(iov, iovcnt)) {
        mb::free_chain(control);
        return fail(ENOBUFS);
    }
    struct uio uio;
    uio.uio_iov = v.get();
    uio.uio_iovcnt = static_cast<int>(iovcnt);
    uio.uio_rw = kUioWrite;
    uio.uio_resid = total;
    size_t done = 0;
    const int e = sosend(call.so(), nam, &uio, control, flags, &done);
    // A non-blocking stream send that moved some bytes reports them.
    if (e == EWOULDBLOCK && done > 0) return static_cast<ssize_t>(done);
    if (e != 0) return fail(e);
    return static_cast<ssize_t>(done);
}

struct RecvOut {
    struct sockaddr *name = nullptr;
    socklen_t *namelen = nullptr;
    void *control = nullptr;
    size_t *controllen = nullptr;  // in: room; out: bytes copied
    int *flags = nullptr;          // out: MSG_TRUNC, MSG_CTRUNC
};

ssize_t do_recv(int s, struct iovec *iov, size_t iovcnt, int flags, const RecvOut &out) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    size_t total = 0;
    if (const int e = check_iov(iov, iovcnt, &total)) return fail(e);
    if (out.name != nullptr && out.namelen == nullptr) return fail(EFAULT);
    IovCopy v;
    if (!v.assign(iov, iovcnt)) return fail(ENOBUFS);
    struct uio uio;
    uio.uio_iov = v.get();
    uio.uio_iovcnt = static_cast<int>(iovcnt);
    uio.uio_rw = kUioRead;
    uio.uio_resid = total;
    struct nke_sockaddr *from = nullptr;
    struct mbuf *control = nullptr;
    int fl = flags;
    const int e = soreceive(call.so(), out.name ? &from : nullptr, &uio,
                            out.control ? &control : nullptr, &fl);
    if (e != 0) {
        sockaddr_free(from);
        mb::free_chain(control);
        return fail(e);
    }
    if (out.name) addr_out(from, out.name, out.namelen);
    sockaddr_free(from);
    if (out.controllen) {
        // Ancillary data is copied as it was queued, cut at the caller's room.
        size_t room = out.control ? *out.controllen : 0;
        size_t copied = 0;
        for (struct mbuf *m = control; m; m = m->m_next) {
            const size_t n = static_cast<size_t>(m->m_len);
            const size_t take = n < room ? n : room;
            if (take) std::memcpy(static_cast<char *>(out.control) + copied, m->m_data, take);
            copied += take;
            room -= take;
            if (take < n) fl |= MSG_CTRUNC;
        }
        *out.controllen = copied;
    }
    mb::free_chain(control);
    if (out.flags) *out.flags = fl;
    return static_cast<ssize_t>(total - uio.uio_resid);
}

}  // namespace

extern "C" {

NKE_API ssize_t nke_send(int s, const void *buf, size_t len, int flags) {
    return nke_sendto(s, buf, len, flags, nullptr, 0);
}

NKE_API ssize_t nke_sendto(int s, const void *buf, size_t len, int flags, const struct sockaddr *to,
                           socklen_t tolen) {
    struct iovec v{const_cast<void *>(buf), len};
    return do_send(s, &v, 1, flags, to, tolen, nullptr, 0);
}

NKE_API ssize_t nke_sendmsg(int s, const struct msghdr *msg, int flags) {
    if (msg == nullptr) {
        // Still refuse inside callbacks and check the descriptor first.
        UserCall call(s);
        if (const int e = call.error()) return fail(e);
        return fail(EFAULT);
    }
    return do_send(s, msg->msg_iov, msg->msg_iovlen, flags, static_cast<const struct sockaddr *>(msg->msg_name),
                   msg->msg_namelen, msg->msg_control, msg->msg_controllen);
}

NKE_API ssize_t nke_recv(int s, void *buf, size_t len, int flags) {
    struct iovec v{buf, len};
    return do_recv(s, &v, 1, flags, RecvOut{});
}

NKE_API ssize_t nke_recvfrom(int s, void *buf, size_t len, int flags, struct sockaddr *from,
                             socklen_t *fromlen) {
    struct iovec v{buf, len};
    RecvOut out;
    out.name = from;
    out.namelen = fromlen;
    return do_recv(s, &v, 1, flags, out);
}

NKE_API ssize_t nke_recvmsg(int s, struct msghdr *msg, int flags) {
    if (msg == nullptr) {
        UserCall call(s);
        if (const int e = call.error()) return fail(e);
        return fail(EFAULT);
    }
    RecvOut out;
    out.name = static_cast<struct sockaddr *>(msg->msg_name);
    out.namelen = &msg->msg_namelen;
    out.control = msg->msg_control;
    out.controllen = &msg->msg_controllen;
    out.flags = &msg->msg_flags;
    if (out.name == nullptr) msg->msg_namelen = 0;
    if (out.control == nullptr) msg->msg_controllen = 0;
    return do_recv(s, msg->msg_iov, msg->msg_iovlen, flags, out);
}

NKE_API int nke_setsockopt(int s, int level, int optname, const void *optval, socklen_t optlen) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    if (optval == nullptr && optlen > 0) return fail(EFAULT);
    if (optlen > kMaxOptLen) return fail(EINVAL);
    std::unique_ptr<char[]> copy;
    if (optlen > 0) {
        copy = try_make_array<char>(optlen);
        if (!copy) return fail(ENOBUFS);
        std::memcpy(copy.get(), optval, optlen);
    }
    struct sockopt sopt{SOPT_SET, level, optname, 0, copy.get(), optlen, current_proc()};
    if (const int e = sosetopt(call.so(), &sopt)) return fail(e);
    return 0;
}

NKE_API int nke_getsockopt(int s, int level, int optname, void *optval, socklen_t *optlen) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    if (optlen == nullptr) return fail(EFAULT);
    // No buffer: a size query (valsize 0, sopt_val NULL).
    const size_t room = optval ? *optlen : 0;
    if (room > kMaxOptLen) return fail(EINVAL);
    std::unique_ptr<char[]> buf;
    if (room > 0) {
        buf = try_make_array<char>(room);
        if (!buf) return fail(ENOBUFS);
    }
    struct sockopt sopt{SOPT_GET, level, optname, 0, buf.get(), room, current_proc()};
    if (const int e = sogetopt(call.so(), &sopt)) return fail(e);
    // Copy what the handler left in the buffer it was given, never more
    // than the caller's room; report the length it set.
    const size_t n = sopt.sopt_valsize < room ? sopt.sopt_valsize : room;
    if (optval && sopt.sopt_val && n > 0) std::memcpy(optval, sopt.sopt_val, n);
    *optlen = static_cast<socklen_t>(sopt.sopt_valsize > UINT32_MAX ? UINT32_MAX : sopt.sopt_valsize);
    return 0;
}

}  // extern "C"
