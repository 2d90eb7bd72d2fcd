// The generic receive path (spec/socket.md, SOCK-RECV-*).
//
// A receive takes the first record off the buffer, hands its address and
// control mbufs to the caller, copies its data into the caller's buffers,
// and puts back what is left: always on a stream socket, and on an atomic
// socket only with SO_DONTTRUNC (otherwise the rest is dropped and
// MSG_TRUNC reported).  MSG_PEEK walks the record without taking it.
#include "core/alloc.hpp"
#include "socket/socket_impl.hpp"
#include "socket/usrreq.hpp"
#include "sockfilter/hooks.hpp"

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

#include <algorithm>

namespace nke::ref::sock {
namespace {

bool is_meta(const struct mbuf *m) noexcept { return m->m_type == MT_SONAME || m->m_type == MT_CONTROL; }

uint32_t data_bytes(const struct mbuf *m) noexcept {
    uint32_t n = 0;
    for (; m; m = m->m_next) {
        if (!is_meta(m) && m->m_len > 0) n += static_cast<uint32_t>(m->m_len);
    }
    return n;
}

struct mbuf *unlink_first(struct sockbuf &sb) noexcept {
    struct mbuf *rec = sb.sb_mb;
    sb.sb_mb = rec->m_nextpkt;
    if (sb.sb_lastrecord == rec) sb.sb_lastrecord = nullptr;
    rec->m_nextpkt = nullptr;
    sb.sb_cc -= std::min(sb.sb_cc, chain_bytes(rec));
    return rec;
}

void push_front(struct sockbuf &sb, struct mbuf *rec) noexcept {
    rec->m_nextpkt = sb.sb_mb;
    sb.sb_mb = rec;
    if (sb.sb_lastrecord == nullptr) sb.sb_lastrecord = rec;
    sb.sb_cc += chain_bytes(rec);
}

// Append a single mbuf (already detached) to a chain.
void chain_append(struct mbuf **chain, struct mbuf *m) noexcept {
    m->m_next = nullptr;
    while (*chain) chain = &(*chain)->m_next;
    *chain = m;
}

struct Want {
    struct nke_sockaddr **paddr;
    struct mbuf **controlp;
    bool atomic;
    bool donttrunc;
};

// Take one record.  ENOBUFS (nothing taken) when the address cannot be copied.
int take_record(struct sockbuf &sb, struct uio *uio, const Want &w, int &outflags) noexcept {
    struct mbuf *m = sb.sb_mb;
    if (m->m_type == MT_SONAME && w.paddr) {
        *w.paddr = sockaddr_dup(reinterpret_cast<const nke_sockaddr *>(m->m_data));
        if (*w.paddr == nullptr) return ENOBUFS;
    }
    m = unlink_first(sb);
    if (m->m_type == MT_SONAME) m = mb::free_one(m);
    while (m && m->m_type == MT_CONTROL) {
        struct mbuf *next = m->m_next;
        if (w.controlp) chain_append(w.controlp, m);
        else mb::free_one(m);
        m = next;
    }
    while (m && uio->uio_resid > 0) {
        if (m->m_len <= 0) {
            m = mb::free_one(m);
            continue;
        }
        const size_t n = std::min(static_cast<size_t>(m->m_len), uio->uio_resid);
        (void)uio_move(m->m_data, n, uio);
        if (n == static_cast<size_t>(m->m_len)) {
            m = mb::free_one(m);
        } else {
            m->m_data += n;
            m->m_len -= static_cast<int>(n);
        }
    }
    if (m != nullptr) {
        if (data_bytes(m) == 0) {
            mb::free_chain(m);
        } else if (w.atomic && !w.donttrunc) {
            outflags |= MSG_TRUNC;  // the rest of the record is dropped
            mb::free_chain(m);
        } else {
            push_front(sb, m);  // read on by the next receive
        }
    }
    return 0;
}

// Copy one record without taking it.
int peek_record(const struct sockbuf &sb, struct uio *uio, const Want &w, int &outflags) noexcept {
    const struct mbuf *m = sb.sb_mb;
    if (m->m_type == MT_SONAME) {
        if (w.paddr) {
            *w.paddr = sockaddr_dup(reinterpret_cast<const nke_sockaddr *>(m->m_data));
            if (*w.paddr == nullptr) return ENOBUFS;
        }
        m = m->m_next;
    }
    while (m && m->m_type == MT_CONTROL) {
        if (w.controlp) {
            if (struct mbuf *copy = mb::copym(m, 0, m->m_len, M_DONTWAIT)) {
                copy->m_type = MT_CONTROL;
                chain_append(w.controlp, copy);
            }
        }
        m = m->m_next;
    }
    size_t left_in_record = 0;
    for (; m; m = m->m_next) {
        if (m->m_len <= 0) continue;
        const size_t n = std::min(static_cast<size_t>(m->m_len), uio->uio_resid);
        (void)uio_move(m->m_data, n, uio);
        left_in_record += static_cast<size_t>(m->m_len) - n;
    }
    if (w.atomic && !w.donttrunc && left_in_record > 0) outflags |= MSG_TRUNC;
    return 0;
}

bool nonblocking(const struct socket *so, int flags) noexcept {
    return (so->so_state & SS_NBIO) || (flags & MSG_DONTWAIT);
}

}  // namespace

uint32_t readable_bytes(const struct socket *so) noexcept {
    uint32_t n = 0;
    for (const struct mbuf *rec = so->so_rcv.sb_mb; rec; rec = rec->m_nextpkt) n += data_bytes(rec);
    return n;
}

int soreceive(struct socket *so, struct nke_sockaddr **paddr, struct uio *uio, struct mbuf **controlp,
              int *flagsp) noexcept {
    const int flags = flagsp ? *flagsp : 0;
    int outflags = 0;
    if (flagsp) *flagsp = 0;
    if (paddr) *paddr = nullptr;
    if (controlp) *controlp = nullptr;
    if (flags & MSG_OOB) return EOPNOTSUPP;  // out-of-band data is out of scope
    {
        // At entry, before any data (hist §3.5).  EJUSTRETURN: the filter
        // answered the receive itself (it may have filled uio).
        struct uio *up = uio;
        struct mbuf *mp0 = nullptr;
        int fl = flags;
        const int rc = sf::sockif_chain<&sockif::sf_soreceive>(so, paddr, &up, &mp0, controlp, &fl);
        if (rc == EJUSTRETURN) return 0;
        if (rc != 0) return user_result(rc);
    }
    const bool atomic = so->so_proto->pr_flags & PR_ATOMIC;
    const bool peek = flags & MSG_PEEK;
    const Want want{paddr, controlp, atomic, (so->so_options & SOF_DONTTRUNC) != 0};
    const size_t asked = uio->uio_resid;
    struct sockbuf &sb = so->so_rcv;
    bool took = false;
    for (;;) {
        // A stream has no use for records without data.
        while (!atomic && sb.sb_mb && data_bytes(sb.sb_mb) == 0 && !is_meta(sb.sb_mb)) sb_remove_record(sb);
        if (sb.sb_mb == nullptr) {
            const bool got = asked != uio->uio_resid;
            if (got && !((flags & MSG_WAITALL) && !atomic && uio->uio_resid > 0)) break;
            if (so->so_error != 0) {
                if (got) break;
                const int error = so->so_error;
                if (!peek) so->so_error = 0;
                return error;
            }
            if (so->so_state & SS_CANTRCVMORE) break;
            if ((so->so_proto->pr_flags & PR_CONNREQUIRED) &&
                !(so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING))) {
                if (got) break;
                return ENOTCONN;
            }
            if (uio->uio_resid == 0) break;
            if (nonblocking(so, flags)) {
                if (got) break;
                return EWOULDBLOCK;
            }
            so->so_wait.sleep();
            if (so->so_fdclosed) return EBADF;
            continue;
        }
        if (peek) {
            if (const int rc = peek_record(sb, uio, want, outflags); rc != 0) return rc;
            break;
        }
        if (const int rc = take_record(sb, uio, want, outflags); rc != 0) return rc;
        took = true;
        if (atomic || uio->uio_resid == 0) break;
        // A stream goes on with the next record if it starts with data.
        if (sb.sb_mb && is_meta(sb.sb_mb)) break;
    }
    if (took && (so->so_proto->pr_flags & PR_WANTRCVD) && so->so_attached &&
        has_usrreq<&pr_usrreqs::pru_rcvd>(so)) {
        (void)call_usrreq<&pr_usrreqs::pru_rcvd>(so, so, flags);
    }
    if (flagsp) *flagsp = outflags;
    return 0;
}

}  // namespace nke::ref::sock
