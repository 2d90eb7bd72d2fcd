// dlil_output (spec/dlil.md, DLIL-OUTPUT-*): pre_output, protocol filters
// head->tail, framer, interface filters head->tail, the driver.  One
// ownership rule at every stage: an error means the DLIL freed m (unless the
// stage already set *m to NULL); EJUSTRETURN means the stage kept it.
#include <cerrno>
#include <cstring>

#include "dlil/datapath.hpp"

namespace nke::ref::dlil {
namespace {

// A stage returned rc.  True to go on; otherwise *result is the call's value.
bool stage_ok(int rc, mbuf *&m, ifnet *seen, ifnet *ifp, int &result) noexcept {
    if (rc == 0 && m != nullptr && seen == ifp) return true;
    if (rc == EJUSTRETURN || (rc == 0 && m == nullptr)) {
        result = 0;  // the stage owns (or already disposed of) m
        return false;
    }
    if (rc == 0) rc = EINVAL;  // switched interfaces: forbidden (DLIL-FLT-0xx)
    if (m) mb::free_chain(m);
    m = nullptr;
    bump(ifp->if_data.ifi_oerrors);
    result = rc;
    return false;
}

int to_driver(Iface *i, mbuf *m) noexcept {
    ifnet *ifp = i->ifp;
    bump(ifp->if_data.ifi_opackets);
    bump(ifp->if_data.ifi_obytes,
         static_cast<uint64_t>((m->m_flags & M_PKTHDR) ? m->m_pkthdr.len : mb::length(m)));
    if (m->m_flags & (M_BCAST | M_MCAST)) bump(ifp->if_data.ifi_omcasts);
    int rc;
    {
        OwnerScope scope(i->owner());
        rc = ifp->if_output(ifp, m);  // the driver owns m from here, whatever it returns
    }
    if (rc == EJUSTRETURN) return 0;
    if (rc != 0) bump(ifp->if_data.ifi_oerrors);
    return rc;
}

}  // namespace

int output_from_if_filters(Iface *i, mbuf *m, size_t from) noexcept {
    ifnet *ifp = i->ifp;
    const std::vector<Filter *> &list = i->filters.get();
    int result = 0;
    for (size_t k = from; k < list.size(); ++k) {
        Filter *f = list[k];
        if (!f->ifl.filter_if_output || f->dead.load(std::memory_order_acquire)) continue;
        ifnet *seen = ifp;
        int rc;
        {
            OwnerScope scope(f->owner());
            rc = f->ifl.filter_if_output(f->ifl.cookie, &seen, &m);
        }
        if (!stage_ok(rc, m, seen, ifp, result)) return result;
    }
    return to_driver(i, m);
}

int output_from_proto_filters(Iface *i, Proto *p, mbuf *m, const nke_sockaddr *dest, int raw,
                              char *frame_type, char *dst_linkaddr, size_t from) noexcept {
    ifnet *ifp = i->ifp;
    int result = 0;
    auto *d = const_cast<nke_sockaddr *>(dest);
    const std::vector<Filter *> &list = p->filters.get();
    for (size_t k = from; k < list.size(); ++k) {
        Filter *f = list[k];
        if (!f->prl.filter_dl_output || f->dead.load(std::memory_order_acquire)) continue;
        ifnet *seen = ifp;
        int rc;
        {
            OwnerScope scope(f->owner());
            rc = f->prl.filter_dl_output(f->prl.cookie, &m, &seen, &d, dst_linkaddr, frame_type);
        }
        if (!stage_ok(rc, m, seen, ifp, result)) return result;
    }
    if (raw == 0 && ifp->if_framer) {
        int rc;
        {
            OwnerScope scope(i->fam->builtin ? nullptr : i->fam->owner());
            rc = ifp->if_framer(ifp, &m, d, dst_linkaddr, frame_type);
        }
        if (!stage_ok(rc, m, ifp, ifp, result)) return result;
    }
    return output_from_if_filters(i, m, 0);
}

namespace {

int output(unsigned long tag, mbuf *m, void *route, const nke_sockaddr *dest, int raw) noexcept {
    if (m == nullptr) return EINVAL;
    ReadSection rs;
    CallbackScope in_dlil(nullptr);  // see OwnerScope
    Proto *p = find_tag(tag);
    if (p == nullptr || p->dead.load(std::memory_order_acquire)) {
        mb::free_chain(m);
        return ENOENT;
    }
    Iface *i = p->iface;
    ifnet *ifp = i->ifp;
    // DLIL-owned buffers the protocol fills for the framer (hist §4.7).
    char frame_type[DLIL_FRAME_TYPE_MAX];
    char dst_linkaddr[DLIL_LINKADDR_MAX];
    std::memset(frame_type, 0, sizeof frame_type);
    std::memset(dst_linkaddr, 0, sizeof dst_linkaddr);
    if (raw == 0 && p->pre_output) {
        int rc;
        {
            OwnerScope scope(p->owner());
            rc = p->pre_output(ifp, &m, dest, route, frame_type, dst_linkaddr, tag);
        }
        int result = 0;
        if (!stage_ok(rc, m, ifp, ifp, result)) return result;
    }
    return output_from_proto_filters(i, p, m, dest, raw, frame_type, dst_linkaddr, 0);
}

}  // namespace
}  // namespace nke::ref::dlil

extern "C" NKE_API int dlil_output(unsigned long dl_tag, struct mbuf *m, void *route,
                                   const struct nke_sockaddr *dest, int raw) {
    return nke::ref::dlil::output(dl_tag, m, route, dest, raw);
}
