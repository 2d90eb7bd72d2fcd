// DLIL filters (spec/dlil.md, DLIL-FLT-*, DLIL-ORDER-*): attach at the tail
// or before a named filter, detach, and the one id space both kinds share.
#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "dlil/dlil.hpp"

#include <cerrno>

namespace nke::ref::dlil {
namespace {

// Insert f into a copy of `list` per insertion_point; ENOENT if the point
// names no filter of that list.
int placed(const std::vector<Filter *> &list, Filter *f, int insertion_point,
           std::vector<Filter *> &out) {
    out = list;
    if (insertion_point == DLIL_LAST_FILTER) {
        out.push_back(f);
        return 0;
    }
    for (auto it = out.begin(); it != out.end(); ++it) {
        if (insertion_point > 0 && (*it)->id == static_cast<unsigned long>(insertion_point)) {
            out.insert(it, f);
            return 0;
        }
    }
    return ENOENT;
}

// The common tail of both attach calls, under the lock.
int link_locked(Filter *f, std::vector<Filter *> &list, Published<Filter> &pub, int insertion_point,
                const std::vector<const void *> &addrs) {
    State &s = state();
    std::vector<Filter *> next_list;
    std::unique_ptr<Snap<Filter>> list_snap, ids_snap;
    try {
        if (int err = placed(list, f, insertion_point, next_list)) return err;
        std::vector<Filter *> ids = s.filters_master;
        ids.push_back(f);  // ids only grow, so the order stays sorted
        s.filters_master.reserve(s.filters_master.size() + 1);
        list_snap = Published<Filter>::build(next_list, true);
        if (list_snap) ids_snap = Published<Filter>::build(ids, true);
    } catch (...) {
        return ENOBUFS;
    }
    if (!list_snap || !ids_snap) return ENOBUFS;
    f->id = s.next_filter++;
    // The owner is read by the data path (CallbackScope): set it first.
    registration_add(*f, {addrs[0], addrs[1], addrs[2], addrs[3], addrs[4], addrs[5]});
    f->input_fast.store(f->has_input() && f->owner() == nullptr, std::memory_order_relaxed);  // published below
    list.swap(next_list);
    s.filters_master.push_back(f);
    pub.publish(std::move(list_snap));
    s.filter_ids.publish(std::move(ids_snap));
    if (f->owner() != f->iface->owner()) {
        f->foreign_to_iface = true;
        f->iface->foreign.fetch_add(1);
    }
    live_add(Live::dl_filters, 1);
    return 0;
}

template <class Fn>
const void *addr(Fn fn) {
    return reinterpret_cast<const void *>(fn);
}

int attach_if_filter(ifnet *ifp, const dlil_if_flt_str *flt, unsigned long *filter_id,
                     int insertion_point) noexcept {
    if (ifp == nullptr || flt == nullptr || filter_id == nullptr) return EINVAL;
    State &s = state();
    std::lock_guard lk(s.mu);
    Iface *i = nullptr;
    for (Iface *o : s.ifaces) {
        if (o->ifp == ifp && o->state == IfState::attached) i = o;
    }
    if (!i) return ENXIO;
    auto f = try_make<Filter>();
    if (!f) return ENOBUFS;
    f->is_if = true;
    f->ifl = *flt;
    f->iface = i;
    if (int err = link_locked(f.get(), i->filters_master, i->filters, insertion_point,
                              {addr(flt->filter_if_input), addr(flt->filter_if_output),
                               addr(flt->filter_if_event), addr(flt->filter_if_ioctl),
                               addr(flt->filter_detach), addr(flt->filter_if_free)}))
        return err;
    *filter_id = f.release()->id;
    return 0;
}

int attach_pr_filter(unsigned long dl_tag, const dlil_pr_flt_str *flt, unsigned long *filter_id,
                     int insertion_point) noexcept {
    if (flt == nullptr || filter_id == nullptr) return EINVAL;
    State &s = state();
    std::lock_guard lk(s.mu);
    auto it = std::lower_bound(s.tags_master.begin(), s.tags_master.end(), dl_tag,
                               [](const Proto *q, unsigned long t) { return q->tag < t; });
    if (it == s.tags_master.end() || (*it)->tag != dl_tag) return ENOENT;
    Proto *p = *it;
    if (p->iface->state != IfState::attached) return ENXIO;
    auto f = try_make<Filter>();
    if (!f) return ENOBUFS;
    f->is_if = false;
    f->prl = *flt;
    f->iface = p->iface;
    f->proto = p;
    if (int err = link_locked(f.get(), p->filters_master, p->filters, insertion_point,
                              {addr(flt->filter_dl_input), addr(flt->filter_dl_output),
                               addr(flt->filter_dl_event), addr(flt->filter_dl_ioctl),
                               addr(flt->filter_detach), nullptr}))
        return err;
    *filter_id = f.release()->id;
    return 0;
}

}  // namespace

int detach_filter(unsigned long id) noexcept {
    State &s = state();
    Filter *f = nullptr;
    {
        std::lock_guard lk(s.mu);
        auto it = std::lower_bound(s.filters_master.begin(), s.filters_master.end(), id,
                                   [](const Filter *q, unsigned long k) { return q->id < k; });
        if (it == s.filters_master.end() || (*it)->id != id) return ENOENT;
        f = *it;
        f->kill();
        s.filters_master.erase(it);
        republish_filter_ids_locked();
        if (f->is_if) {
            std::erase(f->iface->filters_master, f);
            republish(f->iface->filters, f->iface->filters_master);
        } else {
            std::erase(f->proto->filters_master, f);
            republish(f->proto->filters, f->proto->filters_master);
        }
        if (f->foreign_to_iface) f->iface->foreign.fetch_sub(1);
        live_add(Live::dl_filters, -1);
    }
    retire(f);  // filter_detach runs once no reader can still call the filter
    quiesce();
    return 0;
}

void Filter::finish() noexcept {
    int (*detach)(void *) = is_if ? ifl.filter_detach : prl.filter_detach;
    void *cookie = is_if ? ifl.cookie : prl.cookie;
    if (call_detach && detach) {
        CallbackScope scope(owner());
        (void)detach(cookie);  // its result is ignored (hist §4.5)
    }
    registration_remove(*this);
    std::unique_ptr<Filter> self(this);
}

void Filter::reap() noexcept {
    (void)detach_filter(id);
    quiesce();
}

}  // namespace nke::ref::dlil

using namespace nke::ref::dlil;

extern "C" {

NKE_API int dlil_attach_interface_filter(struct ifnet *ifp, struct dlil_if_flt_str *if_filter,
                                         unsigned long *filter_id, int insertion_point) {
    return attach_if_filter(ifp, if_filter, filter_id, insertion_point);
}

NKE_API int dlil_attach_protocol_filter(unsigned long dl_tag, struct dlil_pr_flt_str *proto_filter,
                                        unsigned long *filter_id, int insertion_point) {
    return attach_pr_filter(dl_tag, proto_filter, filter_id, insertion_point);
}

NKE_API int dlil_detach_filter(unsigned long filter_id) { return detach_filter(filter_id); }

}  // extern "C"
