// Interfaces (spec/dlil.md, DLIL-IF-*): dlil_if_attach, dlil_if_detach,
// ifunit, and the completion of a detach that waited for its protocols.
#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "dlil/dlil.hpp"

#include <cerrno>
#include <cstring>
#include <thread>

namespace nke::ref::dlil {

// --- look-ups ---------------------------------------------------------------------

Proto *proto_by_family(const Iface *i, uint32_t protocol_family) noexcept {
    for (Proto *p : i->protos.get()) {
        if (p->protocol_family == protocol_family) return p;
    }
    return nullptr;
}

Iface *iface_by_unit_locked(uint32_t family, int16_t unit) noexcept {
    for (Iface *i : state().ifaces) {
        if (i->state != IfState::attaching && i->ifp->if_family == family && i->ifp->if_unit == unit)
            return i;
    }
    return nullptr;
}

namespace {

std::vector<Iface *> usable_list_locked() {
    std::vector<Iface *> v;
    for (Iface *i : state().ifaces) {
        if (i->state == IfState::attached || i->state == IfState::detaching) v.push_back(i);
    }
    return v;
}

bool same_name(const ifnet *a, const ifnet *b) {
    return a->if_family == b->if_family && a->if_unit == b->if_unit &&
           std::strncmp(a->if_name, b->if_name, NKE_IFNAMSIZ) == 0;
}

}  // namespace

void republish_ifaces_locked() noexcept {
    std::vector<Iface *> v;
    try {
        v = usable_list_locked();
    } catch (...) {
        return;
    }
    republish(state().usable, v);
}
void republish_tags_locked() noexcept { republish(state().tags, state().tags_master); }
void republish_filter_ids_locked() noexcept { republish(state().filter_ids, state().filters_master); }

// --- attach -----------------------------------------------------------------------

namespace {

int if_attach(ifnet *ifp) noexcept {
    if (ifp == nullptr || ifp->if_output == nullptr ||
        std::memchr(ifp->if_name, '\0', NKE_IFNAMSIZ) == nullptr)
        return EINVAL;
    State &s = state();
    Iface *i = nullptr;
    Family *fam = nullptr;
    {
        std::lock_guard lk(s.mu);
        for (Iface *o : s.ifaces) {
            if (o->ifp == ifp || same_name(o->ifp, ifp)) return EEXIST;
        }
        fam = family_locked(ifp->if_family);
        if (!fam || fam->shutting_down) return ENODEV;
        auto made = try_make<Iface>();
        if (!made) return ENOMEM;
        try {
            s.ifaces.reserve(s.ifaces.size() + 1);
        } catch (...) {
            return ENOMEM;
        }
        i = made.release();
        i->ifp = ifp;
        i->fam = fam;
        i->state = IfState::attaching;  // reserves the name: a racing attach gets EEXIST
        s.ifaces.push_back(i);
        ++fam->ifcount;
    }
    // The stack owns if_data and if_dlil from here on.
    std::memset(&ifp->if_data, 0, sizeof ifp->if_data);
    ifp->if_dlil = i;
    int err;
    {
        CallbackScope scope(fam->owner());
        err = fam->reg.add_if(ifp);
    }
    const bool added = err == 0;
    if (added && fam->reg.init_if) {
        CallbackScope scope(fam->owner());
        (void)fam->reg.init_if(ifp);  // its error is only advisory (hist §4.3)
    }
    i->ident = ident_of(ifp);
    if (added) {
        // Build the new array under the same lock that publishes it: an
        // array built earlier could miss an interface attached meanwhile.
        std::lock_guard lk(s.mu);
        std::unique_ptr<Snap<Iface>> snap;
        try {
            std::vector<Iface *> v = usable_list_locked();
            v.push_back(i);
            snap = Published<Iface>::build(v, true);
        } catch (...) {
        }
        if (!snap) {
            err = ENOMEM;
        } else {
            // The owner is read by the data path: set it before publishing.
            registration_add(*i, {ifp, reinterpret_cast<const void *>(ifp->if_output),
                                  reinterpret_cast<const void *>(ifp->if_ioctl),
                                  reinterpret_cast<const void *>(ifp->if_free),
                                  reinterpret_cast<const void *>(ifp->if_event)});
            i->state = IfState::attached;
            s.usable.publish(std::move(snap));
            if (!fam->builtin && i->owner() != fam->owner()) fam->foreign.fetch_add(1);
            live_add(Live::interfaces, 1);
        }
    }
    if (err != 0) {
        if (added) {  // add_if succeeded but the interface cannot be published
            CallbackScope scope(fam->owner());
            (void)fam->reg.del_if(ifp);
        }
        {
            std::lock_guard lk(s.mu);
            std::erase(s.ifaces, i);
        }
        ifp->if_dlil = nullptr;
        family_release(fam);
        std::unique_ptr<Iface> never_published(i);
        quiesce();
        return err;
    }
    post_if_event(KEV_DL_IF_ATTACHED, i->ident);
    quiesce();
    return 0;
}

}  // namespace

// --- detach -----------------------------------------------------------------------

std::vector<Filter *> unlink_filters_locked(std::vector<Filter *> &list) noexcept {
    State &s = state();
    std::vector<Filter *> out;
    out.swap(list);
    for (Filter *f : out) {
        f->kill();
        std::erase(s.filters_master, f);
        live_add(Live::dl_filters, -1);
        if (f->foreign_to_iface) f->iface->foreign.fetch_sub(1);
    }
    if (!out.empty()) republish_filter_ids_locked();
    return out;
}

void complete_if_detach(Iface *i, bool call_if_free) noexcept {
    ifnet *ifp = i->ifp;
    {
        CallbackScope scope(i->fam->owner());
        (void)i->fam->reg.del_if(ifp);
    }
    if (!i->fam->builtin && i->owner() != i->fam->owner()) i->fam->foreign.fetch_sub(1);
    Family *fam = i->fam;
    post_if_event(KEV_DL_IF_DETACHED, i->ident);
    i->call_if_free = call_if_free;
    live_add(Live::interfaces, -1);
    family_release(fam);
    retire(i);
}

int if_detach(ifnet *ifp) noexcept {
    if (ifp == nullptr) return EINVAL;
    State &s = state();
    Iface *i = nullptr;
    std::vector<Filter *> filters;
    bool now = false;
    for (;;) {
        std::unique_lock lk(s.mu);
        i = nullptr;
        for (Iface *o : s.ifaces) {
            if (o->ifp == ifp && o->state == IfState::attached) i = o;
        }
        if (!i) return ENXIO;
        // An attach still running add_proto, or a protocol detach still
        // finishing (Iface::busy), decides whether a protocol is attached:
        // wait for it, so that the result (0 or DLIL_WAIT_FOR_FREE) matches
        // what other threads see (CONC-THREAD-001); inside a callback we may
        // not wait, and the attach then completes on the detaching interface.
        bool pending = i->busy > 0;
        for (const Proto *p : i->protos_master) pending = pending || !p->ready;
        if (pending && can_wait()) {
            lk.unlock();
            std::this_thread::yield();
            continue;
        }
        i->state = IfState::detaching;
        filters = unlink_filters_locked(i->filters_master);
        if (!filters.empty()) republish(i->filters, i->filters_master);
        if (i->protos_master.empty() && i->busy == 0) {
            now = true;
            i->state = IfState::gone;
            i->gone.store(true, std::memory_order_release);
            std::erase(s.ifaces, i);
            republish_ifaces_locked();
        } else {
            ++i->busy;  // until KEV_DL_IF_DETACHING is posted (see Iface::busy)
        }
        break;
    }
    for (Filter *f : filters) retire(f);
    if (!now) {
        post_if_event(KEV_DL_IF_DETACHING, i->ident);
        bool complete;
        {
            std::lock_guard lk(s.mu);
            --i->busy;
            complete = take_if_detach_locked(i);
        }
        // The last protocol left while the event was posted: finish here.
        if (complete) complete_if_detach(i, true);
        quiesce();
        return DLIL_WAIT_FOR_FREE;
    }
    // Inside a DLIL callback a reader on this very thread may still hold the
    // ifnet, and inside any callback we may not wait for other readers: then
    // if_free tells the driver when it may free the ifnet (DLIL-CONC-0xx).
    const bool deferred = !can_wait() && (read_depth() > 0 || readers_active());
    complete_if_detach(i, deferred);
    quiesce();
    return deferred ? DLIL_WAIT_FOR_FREE : 0;
}

void Iface::finish() noexcept {
    if (call_if_free && ifp->if_free) {
        CallbackScope scope(owner());
        ifp->if_free(ifp);
    }
    registration_remove(*this);
    std::unique_ptr<Iface> self(this);
}

void Iface::reap() noexcept {
    // Protocols and filters of other owners would have kept references()
    // above zero, so whatever is attached belongs to the same module.
    std::vector<unsigned long> tags;
    {
        State &s = dlil::state();
        std::lock_guard lk(s.mu);
        for (Proto *p : protos_master) tags.push_back(p->tag);
    }
    ifnet *victim = ifp;
    (void)if_detach(victim);  // also detaches the filters
    for (unsigned long t : tags) (void)detach_protocol(t);
    quiesce();
}

}  // namespace nke::ref::dlil

using namespace nke::ref::dlil;

extern "C" {

NKE_API int dlil_if_attach(struct ifnet *ifp) { return if_attach(ifp); }

NKE_API int dlil_if_detach(struct ifnet *ifp) { return if_detach(ifp); }

NKE_API struct ifnet *ifunit(const char *name) {
    if (name == nullptr) return nullptr;
    const size_t len = strnlen(name, NKE_IFNAMSIZ + 8);
    size_t digits = 0;
    while (digits < len && name[len - 1 - digits] >= '0' && name[len - 1 - digits] <= '9') ++digits;
    if (digits == 0 || digits == len || len - digits >= NKE_IFNAMSIZ || digits > 5) return nullptr;
    long unit = 0;
    for (size_t k = len - digits; k < len; ++k) unit = unit * 10 + (name[k] - '0');
    if (unit > INT16_MAX) return nullptr;
    nke::ref::dlil::ReadSection rs;
    for (Iface *i : state().usable.get()) {
        const ifnet *ifp = i->ifp;
        if (ifp->if_unit == unit && std::strncmp(ifp->if_name, name, len - digits) == 0 &&
            ifp->if_name[len - digits] == '\0')
            return i->ifp;
    }
    return nullptr;
}

}  // extern "C"
