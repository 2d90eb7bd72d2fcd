// ctl_enqueuedata / ctl_enqueuembuf (spec/kern_control.md, CTL-ENQ-*).
// Each enqueue is one record (hist §9.2 #9: history merged them with sbappend).
#include "kern_control/enqueue.hpp"

#include "kern_control/connection.hpp"
#include "kern_control/registry.hpp"

#include <nke/socket.h>
#include <nke/mbuf.h>

#include <cerrno>

namespace nke::ref::ctl {
namespace {

// The checks common to both calls, in the order of CTL-ENQ-006: reference,
// flags, (the data, checked by the caller), client, reader still reading.
int client_of(kern_ctl_ref ref, uint32_t flags, struct socket **out) noexcept {
    const Controller *c = registry().find(ref);  // the funnel is held for the whole call
    if (!c) return EINVAL;
    if (flags & ~uint32_t{CTL_DATA_NOWAKEUP}) return EINVAL;
    *out = c->client;
    return 0;
}

int reachable(struct socket *so) noexcept {
    if (so == nullptr) return ENOTCONN;
    if (so_getstate(so) & SS_CANTRCVMORE) return EPIPE;   // CTL-DISC-005
    return 0;
}

void queue(struct socket *so, struct mbuf *m, uint32_t flags) noexcept {
    sbappendrecord(so_getrcv(so), m);
    if (!(flags & CTL_DATA_NOWAKEUP)) sorwakeup(so);
}

// Validates a chain handed to ctl_enqueuembuf (CTL-ENQ-015).
bool one_packet(struct mbuf *m) noexcept {
    if (m == nullptr || !(m->m_flags & M_PKTHDR) || m->m_nextpkt != nullptr) return false;
    long total = 0;
    for (struct mbuf *n = m; n; n = n->m_next) total += n->m_len;
    return m->m_pkthdr.len > 0 && total == m->m_pkthdr.len;
}

}  // namespace

int enqueue_data(kern_ctl_ref ref, const void *data, size_t len, uint32_t flags) noexcept {
    FunnelLock lock;
    struct socket *so = nullptr;
    if (const int rc = client_of(ref, flags, &so); rc != 0) return rc;
    if (data == nullptr || len == 0) return EINVAL;
    if (const int rc = reachable(so); rc != 0) return rc;
    if (len > MCLBYTES) return EMSGSIZE;
    if (sbspace(so_getrcv(so)) < static_cast<long>(len)) return ENOBUFS;
    // One packet-header chain with the real length (hist §9.2 #6).
    struct mbuf *m = m_devget(static_cast<const char *>(data), static_cast<int>(len), 0, nullptr);
    if (m == nullptr) return ENOBUFS;
    queue(so, m, flags);
    return 0;
}

int enqueue_mbuf(kern_ctl_ref ref, struct mbuf *m, uint32_t flags) noexcept {
    FunnelLock lock;
    struct socket *so = nullptr;
    if (const int rc = client_of(ref, flags, &so); rc != 0) return rc;
    if (!one_packet(m)) return EINVAL;
    if (const int rc = reachable(so); rc != 0) return rc;
    if (sbspace(so_getrcv(so)) < m->m_pkthdr.len) return ENOBUFS;
    // On success the socket owns m; on every error above the caller still does.
    queue(so, m, flags);
    return 0;
}

}  // namespace nke::ref::ctl
