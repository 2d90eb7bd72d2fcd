// The generic send path (spec/socket.md, SOCK-SEND-*): 4.4BSD sosend with
// the 10.2/10.3 filter call site.
//
// Ownership of the mbufs built here: until pru_send is called they are the
// socket layer's; sf_sosend may take them (EJUSTRETURN) or make the layer
// free them (error); pru_send owns them whatever it returns (PROTO-SEND-001).
#include "socket/socket_impl.hpp"
#include "socket/usrreq.hpp"
#include "sockfilter/hooks.hpp"

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

#include <algorithm>

namespace nke::ref::sock {
namespace {

// A packet-header chain with room for len bytes, filled from uio; nullptr
// (uio untouched) when an mbuf or cluster cannot be had.
struct mbuf *chain_from_uio(struct uio *uio, size_t len) noexcept {
    struct mbuf *top = nullptr;
    struct mbuf **tail = &top;
    size_t room = 0;
    bool first = true;
    do {
        struct mbuf *m = first ? mb::gethdr(M_DONTWAIT, MT_DATA) : mb::get(M_DONTWAIT, MT_DATA);
        if (m == nullptr) {
            mb::free_chain(top);
            return nullptr;
        }
        size_t cap = first ? MHLEN : MLEN;
        if (len - room >= MINCLSIZE) {
            if (!mb::attach_cluster(m)) {
                mb::free_one(m);
                mb::free_chain(top);
                return nullptr;
            }
            cap = MCLBYTES;
        }
        m->m_len = 0;
        *tail = m;
        tail = &m->m_next;
        room += cap;
        first = false;
    } while (room < len);
    // Every mbuf is in place: now the copy cannot fail.
    size_t left = len;
    for (struct mbuf *m = top; m && left > 0; m = m->m_next) {
        const size_t cap = (m->m_flags & M_EXT) ? MCLBYTES : ((m->m_flags & M_PKTHDR) ? MHLEN : MLEN);
        const size_t n = std::min(left, cap);
        (void)uio_move(m->m_data, n, uio);
        m->m_len = static_cast<int>(n);
        left -= n;
    }
    top->m_pkthdr.len = static_cast<int>(len);
    top->m_pkthdr.rcvif = nullptr;
    return top;
}

bool nonblocking(const struct socket *so, int flags) noexcept {
    return (so->so_state & SS_NBIO) || (flags & MSG_DONTWAIT);
}

}  // namespace

int sosend(struct socket *so, struct nke_sockaddr *addr, struct uio *uio, struct mbuf *control,
           int flags, size_t *done) noexcept {
    *done = 0;
    // A protocol that cannot send refuses before anything else (PROTO-USRREQ-002).
    if (!has_usrreq<&pr_usrreqs::pru_send>(so)) {
        mb::free_chain(control);
        return EOPNOTSUPP;
    }
    const bool atomic = so->so_proto->pr_flags & PR_ATOMIC;
    auto fail = [&](int error) {
        mb::free_chain(control);
        return error;
    };
    for (;;) {
        const size_t resid = uio->uio_resid;
        const size_t clen = chain_bytes(control);  // only the first chunk carries control
        if (so->so_state & SS_CANTSENDMORE) return fail(EPIPE);
        if (so->so_error != 0) {
            const int error = so->so_error;
            so->so_error = 0;
            return fail(error);
        }
        if (!(so->so_state & SS_ISCONNECTED)) {
            if (so->so_proto->pr_flags & PR_CONNREQUIRED) return fail(ENOTCONN);
            if (addr == nullptr) return fail(EDESTADDRREQ);
        }
        if (atomic && resid + clen > so->so_snd.sb_hiwat) return fail(EMSGSIZE);
        const long space = sb_space(so->so_snd);
        // An atomic message goes whole; a stream goes as far as there is room.
        const bool wait = atomic ? space < static_cast<long>(resid + clen)
                                 : (space <= static_cast<long>(clen) && resid > 0);
        if (wait) {
            if (nonblocking(so, flags)) return fail(EWOULDBLOCK);
            so->so_wait.sleep();
            if (so->so_fdclosed) return fail(EBADF);
            continue;
        }
        // A stream write of nothing sends nothing (unless it carries control).
        if (!atomic && resid == 0 && control == nullptr) return 0;
        const size_t chunk = atomic ? resid : std::min(resid, static_cast<size_t>(space) - clen);
        struct mbuf *top = chain_from_uio(uio, chunk);
        if (top == nullptr) return fail(ENOBUFS);
        *done += chunk;

        struct nke_sockaddr *to = addr;
        struct uio *up = uio;
        int fl = flags;
        const int rc = sf::sockif_chain<&sockif::sf_sosend>(so, &to, &up, &top, &control, &fl);
        if (rc == EJUSTRETURN) {
            // The filter keeps top and control; the caller sees success.
            control = nullptr;
            if (uio->uio_resid == 0) return 0;
            continue;
        }
        if (rc != 0) {
            // The layer frees whatever the pointers hold now (hist §3.5).
            mb::free_chain(top);
            return fail(user_result(rc));
        }
        struct mbuf *ctl = control;
        control = nullptr;  // pru_send owns it from here, error or not
        const int error = call_usrreq<&pr_usrreqs::pru_send>(so, so, 0, top, to, ctl, current_proc());
        if (error != 0) return error;
        if (uio->uio_resid == 0) return 0;
    }
}

}  // namespace nke::ref::sock
