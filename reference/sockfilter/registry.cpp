// register_sockfilter / unregister_sockfilter / find_nke (spec/sockfilter.md,
// SF-REG-*, SF-UNREG-*, SF-FIND-*).  Funnel held throughout.
//
// History accepted duplicates and unknowns and corrupted its lists
// (hist §9.2 #10), and let a filter be unregistered while sockets still
// pointed into it; here registration is checked and unregistration refused
// (EBUSY) while any live socket carries the filter.
#include "sockfilter/registry.hpp"

#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "domain/domain_table.hpp"
#include "socket/funnel.hpp"

#include <cerrno>
#include <memory>

namespace nke::ref::sf {
namespace {

// Every registered filter, in registration order.
FilterEntry *g_first = nullptr;
FilterEntry *g_last = nullptr;

bool foreign_to(const FilterEntry &f, const dom::ProtoEntry &p) noexcept {
    // The filter points into p; that matters when p's module could go.
    return p.owner() != nullptr && f.owner() != p.owner();
}

FilterEntry *by_handle(unsigned int handle) noexcept {
    for (FilterEntry *f = g_first; f; f = f->all_next) {
        if (f->nfd.nf_handle == handle) return f;
    }
    return nullptr;
}

void link_before(dom::ProtoEntry &p, FilterEntry &f, FilterEntry *at) noexcept {
    // at == nullptr: the tail.
    f.pr_next = at;
    f.pr_prev = at ? at->pr_prev : p.sf_last;
    if (f.pr_prev) f.pr_prev->pr_next = &f;
    else p.sf_first = &f;
    if (at) at->pr_prev = &f;
    else p.sf_last = &f;
    ++p.sf_count;
}

void remove(FilterEntry &f) noexcept {
    if (dom::ProtoEntry *p = f.pr) {
        if (f.pr_prev) f.pr_prev->pr_next = f.pr_next;
        else p->sf_first = f.pr_next;
        if (f.pr_next) f.pr_next->pr_prev = f.pr_prev;
        else p->sf_last = f.pr_prev;
        --p->sf_count;
        if (foreign_to(f, *p)) p->foreign.fetch_sub(1, std::memory_order_relaxed);
    }
    if (f.all_prev) f.all_prev->all_next = f.all_next;
    else g_first = f.all_next;
    if (f.all_next) f.all_next->all_prev = f.all_prev;
    else g_last = f.all_prev;
    f.nfd.nf_list[0] = nullptr;
    registration_remove(f);
    live_add(Live::sockfilters, -1);
    std::unique_ptr<FilterEntry> gone(&f);
}

}  // namespace

uint64_t FilterEntry::references() const noexcept {
    const int64_t n = attachments.load(std::memory_order_relaxed);
    return n > 0 ? static_cast<uint64_t>(n) : 0;
}

void FilterEntry::reap() noexcept {
    FunnelGuard funnel;
    // Sockets still carrying it keep it (the loader then reports EBUSY).
    if (attachments.load(std::memory_order_relaxed) > 0) return;
    remove(*this);
}

FilterEntry *entry_of(const NFDescriptor *nfp) noexcept {
    if (nfp == nullptr) return nullptr;
    for (FilterEntry *f = g_first; f; f = f->all_next) {
        if (&f->nfd == nfp) return f;
    }
    return nullptr;
}

NFDescriptor *find(unsigned int handle) noexcept {
    FilterEntry *f = by_handle(handle);
    return f ? &f->nfd : nullptr;
}

int register_filter(NFDescriptor *nfp, NFDescriptor *nfp1, protosw *pr, int flags) noexcept {
    if (nfp == nullptr) return EINVAL;
    const bool global = nfp->nf_flags & NFD_GLOBAL;
    if ((flags & ~(NFF_BEFORE | NFF_AFTER)) != 0 || flags == (NFF_BEFORE | NFF_AFTER)) return EINVAL;
    if (global && pr == nullptr) return EINVAL;
    if (entry_of(nfp) != nullptr) return EEXIST;
    // Handles are the SO_NKE name space: they must be unique (SF-REG-004).
    if (by_handle(nfp->nf_handle) != nullptr) return EEXIST;
    dom::ProtoEntry *p = nullptr;
    FilterEntry *anchor = nullptr;
    if (global) {
        p = dom::entry_of(pr);
        if (p == nullptr) return ENOENT;
        if (nfp1 != nullptr) {
            anchor = entry_of(nfp1);
            if (anchor == nullptr || anchor->pr != p) return ENOENT;
        }
    }
    auto owned = try_make<FilterEntry>(*nfp);
    if (!owned) return ENOMEM;
    FilterEntry &f = *owned.release();
    nfp->nf_list[0] = &f;
    nfp->nf_list[1] = nullptr;
    nfp->nf_next[0] = nfp->nf_next[1] = nullptr;
    // Always on the global list, at the tail.
    f.all_prev = g_last;
    if (g_last) g_last->all_next = &f;
    else g_first = &f;
    g_last = &f;
    const sockif *soif = nfp->nf_soif;
    registration_add(f, {nfp, soif, nfp->nf_soutil,
                         soif ? reinterpret_cast<const void *>(soif->sf_socreate) : nullptr,
                         soif ? reinterpret_cast<const void *>(soif->sf_sofree) : nullptr});
    if (p) {
        // Before the anchor (the head without one), or after it (the tail
        // without one) (hist §3.2).
        f.pr = p;
        if (flags & NFF_BEFORE) link_before(*p, f, anchor ? anchor : p->sf_first);
        else link_before(*p, f, anchor ? anchor->pr_next : nullptr);
        if (foreign_to(f, *p)) p->foreign.fetch_add(1, std::memory_order_relaxed);
    }
    live_add(Live::sockfilters, 1);
    return 0;
}

int unregister_filter(NFDescriptor *nfp, protosw *pr, int /*flags: ignored, as in history*/) noexcept {
    if (nfp == nullptr) return EINVAL;
    FilterEntry *f = entry_of(nfp);
    if (f == nullptr) return ENOENT;
    if (f->pr != nullptr && pr != &f->pr->pr) return EINVAL;
    if (f->attachments.load(std::memory_order_relaxed) > 0) return EBUSY;
    remove(*f);
    return 0;
}

void reap_filters_of(dom::ProtoEntry &p) noexcept {
    for (FilterEntry *f = p.sf_first; f;) {
        FilterEntry *next = f->pr_next;
        if (f->owner() == p.owner() && f->attachments.load(std::memory_order_relaxed) == 0) remove(*f);
        f = next;
    }
}

}  // namespace nke::ref::sf
