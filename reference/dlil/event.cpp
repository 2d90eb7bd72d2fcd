// dlil_event (spec/dlil.md, DLIL-EVENT-*): interface filters tail->head, the
// driver's if_event, each protocol (its filters tail->head, then dl_event) in
// attach order, then a repost to PF_SYSTEM event listeners with a new id.
#include <cerrno>
#include <cstring>

#include "core/events.hpp"
#include "dlil/datapath.hpp"

namespace nke::ref::dlil {
namespace {

// The walk; on success fills `copy` with the (possibly replaced) event so it
// can be reposted after the read section ends: the event sink takes the
// funnel, and a funnel holder may be waiting for this section to end.
int walk(ifnet *ifp, kern_event_msg *ev, uint32_t *copy, bool &repost_it) noexcept {
    ReadSection rs;
    CallbackScope in_dlil(nullptr);  // see OwnerScope
    Iface *i = find_usable(ifp);
    if (i == nullptr) return ENXIO;
    auto verdict = [](int rc, int &result) {
        if (rc == 0) return false;
        result = rc == EJUSTRETURN ? 0 : rc;  // either way propagation stops
        return true;
    };
    int result = 0;
    const std::vector<Filter *> &iflist = i->filters.get();
    for (size_t k = iflist.size(); k-- > 0;) {
        Filter *f = iflist[k];
        if (!f->ifl.filter_if_event || f->dead.load(std::memory_order_acquire)) continue;
        ifnet *seen = ifp;
        int rc;
        {
            OwnerScope scope(f->owner());
            rc = f->ifl.filter_if_event(f->ifl.cookie, &seen, &ev);
        }
        if (rc == 0 && (seen != ifp || ev == nullptr)) rc = EINVAL;  // no switching interfaces
        if (verdict(rc, result)) return result;
    }
    if (ifp->if_event) {
        int rc;
        {
            OwnerScope scope(i->owner());
            rc = ifp->if_event(ifp, ev);
        }
        if (verdict(rc, result)) return result;
    }
    for (Proto *p : i->protos.get()) {
        if (p->dead.load(std::memory_order_acquire)) continue;
        const std::vector<Filter *> &pl = p->filters.get();
        for (size_t k = pl.size(); k-- > 0;) {
            Filter *f = pl[k];
            if (!f->prl.filter_dl_event || f->dead.load(std::memory_order_acquire)) continue;
            int rc;
            {
                OwnerScope scope(f->owner());
                rc = f->prl.filter_dl_event(f->prl.cookie, ev);
            }
            if (verdict(rc, result)) return result;
        }
        if (p->event) {
            int rc;
            {
                OwnerScope scope(p->owner());
                rc = p->event(ev, p->tag);
            }
            if (rc == EJUSTRETURN) return 0;  // other errors of dl_event are ignored (hist §4.9)
        }
    }
    if (ev->total_size < KEV_MSG_HEADER_SIZE || ev->total_size - KEV_MSG_HEADER_SIZE > KEV_MAX_DATA)
        return EINVAL;  // a filter substituted a malformed event
    std::memcpy(copy, ev, ev->total_size);
    repost_it = true;
    return 0;
}

int event(ifnet *ifp, kern_event_msg *ev) noexcept {
    if (ifp == nullptr || ev == nullptr || ev->total_size < KEV_MSG_HEADER_SIZE) return EINVAL;
    if (ev->total_size - KEV_MSG_HEADER_SIZE > KEV_MAX_DATA) return EMSGSIZE;
    uint32_t copy[(KEV_MSG_HEADER_SIZE + KEV_MAX_DATA + 3) / 4];
    bool repost_it = false;
    const int rc = walk(ifp, ev, copy, repost_it);
    if (!repost_it) return rc;
    ev = reinterpret_cast<kern_event_msg *>(copy);
    kev_msg repost{};
    repost.vendor_code = ev->vendor_code;
    repost.kev_class = ev->kev_class;
    repost.kev_subclass = ev->kev_subclass;
    repost.event_code = ev->event_code;
    repost.dv[0].data_length = ev->total_size - KEV_MSG_HEADER_SIZE;
    repost.dv[0].data_ptr = ev->event_data;
    return post_event(repost);
}

}  // namespace
}  // namespace nke::ref::dlil

extern "C" NKE_API int dlil_event(struct ifnet *ifp, struct kern_event_msg *event) {
    return nke::ref::dlil::event(ifp, event);
}
