// dlil_input (spec/dlil.md, DLIL-INPUT-*): synchronous, on the driver's
// thread.  Per packet: header split, interface filters tail->head, demux,
// offers, protocol filters tail->head, dl_input.  No lock, no allocation.
#include <cerrno>

#include "dlil/datapath.hpp"

namespace nke::ref::dlil {
namespace {

// What a filter's return value means for the packet.
enum class Verdict { go_on, consumed, dropped };

Verdict judge(int rc, mbuf *&m, ifnet *seen, ifnet *expected) noexcept {
    if (rc == EJUSTRETURN) return Verdict::consumed;  // the filter owns m
    if (rc == 0 && m == nullptr) return Verdict::consumed;
    if (rc == 0 && seen == expected) return Verdict::go_on;
    // An error, or an interface switch (forbidden, DLIL-FLT-0xx): the DLIL frees.
    if (m) mb::free_chain(m);
    m = nullptr;
    return Verdict::dropped;
}

// Inline: GCC kept it out of line (a second prologue and epilogue per
// frame) though each caller is on the per-frame path.
[[gnu::always_inline]] inline void deliver(Iface *i, Proto *p, mbuf *m, char *frame,
                                           int sync_ok) noexcept {
    ifnet *ifp = i->ifp;
    if (p->dead.load(std::memory_order_acquire)) {  // detached while the frame was on its way
        mb::free_chain(m);
        bump(ifp->if_data.ifi_noproto);
        return;
    }
    int rc;
    {
        OwnerScope scope(p->owner());
        rc = p->input(m, frame, ifp, p->tag, sync_ok);
    }
    if (rc != 0 && rc != EJUSTRETURN) {  // the protocol refused it: the DLIL frees
        mb::free_chain(m);
        bump(ifp->if_data.ifi_iqdrops);
    }
}

// The inbound walk shared by both kinds of filter: tail to head from `from`;
// `call(f, seen)` runs one filter's input callback.  True: the frame goes on
// (m and frame as the filters left them); false: a filter took it, or it was
// dropped and counted.
template <class Call>
[[gnu::always_inline]] inline bool walk_input_filters(const std::vector<Filter *> &list, size_t from, ifnet *ifp,
                                                      mbuf *&m, Call call) noexcept {
    if (from > list.size()) from = list.size();
    for (size_t k = from; k-- > 0;) {
        Filter *f = list[k];
        ifnet *seen = ifp;
        int rc;
        if (f->input_fast.load(std::memory_order_acquire)) [[likely]] {
            rc = call(*f, seen);
        } else {
            if (!f->has_input() || f->dead.load(std::memory_order_acquire)) continue;
            OwnerScope scope(f->owner());
            rc = call(*f, seen);
        }
        // The usual verdict, decided without judge(): go on with the packet.
        if (rc == 0 && m != nullptr && seen == ifp) [[likely]] continue;
        switch (judge(rc, m, seen, ifp)) {
        case Verdict::go_on: break;
        case Verdict::consumed: return false;
        case Verdict::dropped: bump(ifp->if_data.ifi_iqdrops); return false;
        }
    }
    return true;
}

}  // namespace

void input_from_proto_filters(Iface *i, Proto *p, mbuf *m, char *frame, size_t from,
                              int sync_ok) noexcept {
    const bool go_on = walk_input_filters(p->filters.get(), from, i->ifp, m, [&](Filter &f, ifnet *&seen) {
        return f.prl.filter_dl_input(f.prl.cookie, &m, &frame, &seen);
    });
    if (!go_on) return;
    if (m->m_flags & M_PKTHDR) m->m_pkthdr.header = frame;
    deliver(i, p, m, frame, sync_ok);
}

void input_from_if_filters(Iface *i, mbuf *m, char *frame, size_t from, int sync_ok) noexcept {
    ifnet *ifp = i->ifp;
    const bool go_on = walk_input_filters(i->filters.get(), from, ifp, m, [&](Filter &f, ifnet *&seen) {
        return f.ifl.filter_if_input(f.ifl.cookie, &seen, &m, &frame);
    });
    if (!go_on) return;
    if (m->m_flags & M_PKTHDR) m->m_pkthdr.header = frame;

    // Demux.  A built-in family's demux is stack code; a module's runs in
    // its owner's scope.
    if_proto *handle = nullptr;
    int rc = ENOENT;
    if (ifp->if_demux) {
        OwnerScope scope(i->fam->builtin ? nullptr : i->fam->owner());
        rc = ifp->if_demux(ifp, m, frame, &handle);
    }
    if (rc == EJUSTRETURN) return;  // the family consumed (or dropped and counted) it
    if (m->m_flags & (M_BCAST | M_MCAST)) bump(ifp->if_data.ifi_imcasts);
    Proto *p = nullptr;
    if (rc == 0) {
        p = proto_on(i, handle);
    } else {
        // Unclaimed by demux: offer it to each protocol in attach order.
        for (Proto *o : i->protos.get()) {
            if (!o->offer || o->dead.load(std::memory_order_acquire)) continue;
            int claimed;
            {
                OwnerScope scope(o->owner());
                claimed = o->offer(m, frame);
            }
            if (claimed == 0) {
                p = o;
                break;
            }
        }
    }
    if (p == nullptr) {
        mb::free_chain(m);
        bump(ifp->if_data.ifi_noproto);
        return;
    }
    if (p->filters.get().empty()) {
        // No protocol filter (the usual case): what input_from_proto_filters
        // does with an empty list, without a call and a walk.
        if (m->m_flags & M_PKTHDR) m->m_pkthdr.header = frame;
        deliver(i, p, m, frame, sync_ok);
        return;
    }
    input_from_proto_filters(i, p, m, frame, kAllFilters, sync_ok);
}

namespace {

// Split the link header off a packet whose driver left pkthdr.header NULL.
// False if the packet was dropped (and counted).
bool split_header(ifnet *ifp, mbuf *&m, char *&frame) noexcept {
    if (m->m_pkthdr.header != nullptr) {
        frame = static_cast<char *>(m->m_pkthdr.header);
        return true;
    }
    const int hdrlen = ifp->if_hdrlen;
    if (m->m_pkthdr.len < hdrlen) {
        mb::free_chain(m);
        bump(ifp->if_data.ifi_ierrors);
        return false;
    }
    if (m->m_len < hdrlen) {
        m = mb::pullup(m, hdrlen);  // frees the chain when it fails
        if (m == nullptr) {
            bump(ifp->if_data.ifi_iqdrops);
            return false;
        }
    }
    frame = m->m_data;
    m->m_data += hdrlen;
    m->m_len -= hdrlen;
    m->m_pkthdr.len -= hdrlen;
    m->m_pkthdr.header = frame;
    return true;
}

int input(ifnet *ifp, mbuf *m_head) noexcept {
    if (ifp == nullptr || m_head == nullptr) return EINVAL;
    ReadSection rs;
    CallbackScope in_dlil(nullptr);  // see OwnerScope
    Iface *i = find_usable(ifp);
    if (i == nullptr) {
        mb::free_packets(m_head);
        return ENXIO;
    }
    uint64_t packets = 0, bytes = 0;
    for (mbuf *m = m_head, *next; m != nullptr; m = next) {
        next = m->m_nextpkt;
        m->m_nextpkt = nullptr;
        ++packets;
        if (!(m->m_flags & M_PKTHDR)) {
            mb::free_chain(m);
            bump(ifp->if_data.ifi_ierrors);
            continue;
        }
        bytes += static_cast<uint64_t>(m->m_pkthdr.len);
        m->m_pkthdr.rcvif = ifp;
        char *frame = nullptr;
        if (!split_header(ifp, m, frame)) continue;
        input_from_if_filters(i, m, frame, kAllFilters, 1);
    }
    bump(ifp->if_data.ifi_ipackets, packets);
    bump(ifp->if_data.ifi_ibytes, bytes);
    return 0;
}

}  // namespace
}  // namespace nke::ref::dlil

extern "C" NKE_API int dlil_input(struct ifnet *ifp, struct mbuf *m_head, struct mbuf *m_tail) {
    (void)m_tail;  // a hint only: the m_nextpkt list from m_head is authoritative
    return nke::ref::dlil::input(ifp, m_head);
}
