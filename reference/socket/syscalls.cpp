// The user-side system calls other than data transfer (spec/socket.md,
// SOCK-SYS-*): nke_socket, nke_socketpair, nke_close, nke_bind, nke_listen,
// nke_accept, nke_connect, nke_shutdown, nke_getsockname, nke_getpeername,
// nke_ioctl.  Each is: UserCall (EDEADLK, funnel, EBADF, pin), argument
// checks, the socket operation, -1/errno.
#include "socket/syscall.hpp"
#include "socket/sysaddr.hpp"
#include "socket/usrreq.hpp"

#include <nke/syscalls.h>

#include <sys/ioctl.h>

using namespace nke::ref::sock;

namespace {

// Close a socket that never got a descriptor (a failed socketpair or accept).
void discard(struct socket *so) noexcept {
    so->so_fdclosed = true;
    if (so->so_usecount == 0) soclose(so);
}

}  // namespace

extern "C" {

NKE_API int nke_socket(int domain, int type, int protocol) {
    UserCall call;
    if (const int e = call.error()) return fail(e);
    // A descriptor must be available before anything is created.
    if (!fd_available(1)) return fail(EMFILE);
    struct socket *so = nullptr;
    if (const int e = socreate(domain, type, protocol, &so)) return fail(e);
    return fd_alloc(so);
}

NKE_API int nke_socketpair(int domain, int type, int protocol, int sv[2]) {
    UserCall call;
    if (const int e = call.error()) return fail(e);
    if (sv == nullptr) return fail(EFAULT);
    if (!fd_available(2)) return fail(EMFILE);
    // A protocol without pru_connect2 cannot pair: refuse before creating.
    if (protosw *pr = protocol ? nke::ref::dom::find_proto(domain, protocol, type)
                               : nke::ref::dom::find_type(domain, type);
        pr && pr->pr_usrreqs->pru_attach && pr->pr_usrreqs->pru_connect2 == nullptr) {
        return fail(EOPNOTSUPP);
    }
    struct socket *so1 = nullptr;
    struct socket *so2 = nullptr;
    if (const int e = socreate(domain, type, protocol, &so1)) return fail(e);
    if (const int e = socreate(domain, type, protocol, &so2)) {
        discard(so1);
        return fail(e);
    }
    int e = soconnect2(so1, so2);
    // A datagram pair is connected both ways (hist: socketpair).
    if (e == 0 && type == SOCK_DGRAM) e = soconnect2(so2, so1);
    if (e != 0) {
        discard(so2);
        discard(so1);
        return fail(e);
    }
    sv[0] = fd_alloc(so1);
    sv[1] = fd_alloc(so2);
    return 0;
}

NKE_API int nke_close(int s) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    struct socket *so = call.so();
    // The descriptor goes at once; sleepers on the socket wake and fail with
    // EBADF; the last call to leave (possibly this one) tears it down.
    fd_release(s);
    so->so_fdclosed = true;
    so->so_state |= SS_NOFDREF;
    wakeup(so);
    return 0;
}

NKE_API int nke_bind(int s, const struct sockaddr *name, socklen_t namelen) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    AddrIn addr;
    if (const int e = addr.load(name, namelen)) return fail(e);
    if (const int e = sobind(call.so(), addr.get())) return fail(e);
    return 0;
}

NKE_API int nke_listen(int s, int backlog) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    if (const int e = solisten(call.so(), backlog)) return fail(e);
    return 0;
}

NKE_API int nke_accept(int s, struct sockaddr *addr, socklen_t *addrlen) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    if (addr != nullptr && addrlen == nullptr) return fail(EFAULT);
    struct socket *head = call.so();
    if (!(head->so_options & SOF_ACCEPTCONN)) return fail(EINVAL);
    if (!has_usrreq<&pr_usrreqs::pru_accept>(head)) return fail(EOPNOTSUPP);
    if (!fd_available(1)) return fail(EMFILE);
    while (head->so_comp.first == nullptr) {
        if (head->so_error != 0) {
            const int e = head->so_error;
            head->so_error = 0;
            return fail(e);
        }
        if (head->so_state & SS_CANTRCVMORE) return fail(ECONNABORTED);
        if (head->so_state & SS_NBIO) return fail(EWOULDBLOCK);
        head->so_wait.sleep();
        if (head->so_fdclosed) return fail(EBADF);
        if (!(head->so_options & SOF_ACCEPTCONN)) return fail(EINVAL);
    }
    // Another thread may have filled the table while we slept; the
    // connection then stays queued.
    if (!fd_available(1)) return fail(EMFILE);
    struct socket *so = dequeue_completed(head);
    so->so_state &= ~SS_NOFDREF;
    struct nke_sockaddr *nam = nullptr;
    if (const int e = soaccept(so, &nam)) {
        sockaddr_free(nam);
        discard(so);
        return fail(e);
    }
    const int fd = fd_alloc(so);
    addr_out(nam, addr, addrlen);
    sockaddr_free(nam);
    return fd;
}

NKE_API int nke_connect(int s, const struct sockaddr *name, socklen_t namelen) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    AddrIn addr;
    if (const int e = addr.load(name, namelen)) return fail(e);
    struct socket *so = call.so();
    const bool nbio = so->so_state & SS_NBIO;
    if (nbio && (so->so_state & SS_ISCONNECTING)) return fail(EALREADY);
    if (const int e = soconnect(so, addr.get())) return fail(e);
    if (nbio && (so->so_state & SS_ISCONNECTING)) return fail(EINPROGRESS);
    while ((so->so_state & SS_ISCONNECTING) && so->so_error == 0) {
        so->so_wait.sleep();
        if (so->so_fdclosed) return fail(EBADF);
    }
    const int e = so->so_error;
    so->so_error = 0;
    return e ? fail(e) : 0;
}

NKE_API int nke_shutdown(int s, int how) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    if (const int e = soshutdown(call.so(), how)) return fail(e);
    return 0;
}

static int sockname(int s, struct sockaddr *name, socklen_t *namelen, bool peer) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    if (namelen == nullptr || (name == nullptr && *namelen > 0)) return fail(EFAULT);
    struct nke_sockaddr *nam = nullptr;
    if (const int e = soaddr(call.so(), peer, &nam)) {
        sockaddr_free(nam);
        return fail(e);
    }
    addr_out(nam, name, namelen);
    sockaddr_free(nam);
    return 0;
}

NKE_API int nke_getsockname(int s, struct sockaddr *name, socklen_t *namelen) {
    return sockname(s, name, namelen, false);
}

NKE_API int nke_getpeername(int s, struct sockaddr *name, socklen_t *namelen) {
    return sockname(s, name, namelen, true);
}

NKE_API int nke_ioctl(int s, unsigned long request, void *argp) {
    UserCall call(s);
    if (const int e = call.error()) return fail(e);
    struct socket *so = call.so();
    // The generic requests; everything else is the protocol's (filters'
    // sf_socontrol is not called: history passed it garbage, SF-HOOK-014).
    switch (request) {
    case FIONBIO:
        if (argp == nullptr) return fail(EFAULT);
        if (*static_cast<const int *>(argp)) so->so_state |= SS_NBIO;
        else so->so_state &= ~SS_NBIO;
        return 0;
    case FIONREAD:
        if (argp == nullptr) return fail(EFAULT);
        *static_cast<int *>(argp) = static_cast<int>(readable_bytes(so));
        return 0;
    default:
        if (const int e = socontrol(so, request, argp)) return fail(e);
        return 0;
    }
}

}  // extern "C"
