// Filters on sockets: global attachment at creation, SO_NKE insertion, and
// the detach at the final free (spec/sockfilter.md, SF-ATTACH-*, SF-SONKE-*).
// Funnel held throughout.
#include "core/alloc.hpp"
#include "core/callback.hpp"
#include "core/counters.hpp"
#include "domain/domain_table.hpp"
#include "socket/socket_impl.hpp"
#include "sockfilter/registry.hpp"

#include <memory>

namespace nke::ref::sf {
namespace {

kextcb *new_kextcb(FilterEntry &f) noexcept {
    auto kp = try_make<kextcb>();
    if (!kp) return nullptr;
    kp->e_next = nullptr;
    kp->e_fcb = nullptr;
    kp->e_nfd = &f.nfd;
    kp->e_soif = f.nfd.nf_soif;
    kp->e_sout = f.nfd.nf_soutil;
    f.attachments.fetch_add(1, std::memory_order_relaxed);
    live_add(Live::kextcbs, 1);
    return kp.release();
}

void free_kextcb(kextcb *kp) noexcept {
    entry_of(*kp).attachments.fetch_sub(1, std::memory_order_relaxed);
    live_add(Live::kextcbs, -1);
    std::unique_ptr<kextcb> gone(kp);
}

// sf_socreate of one filter; its answer is ignored (hist §3.3).
void call_socreate(struct socket *so, kextcb *kp) noexcept {
    if (kp->e_soif == nullptr || kp->e_soif->sf_socreate == nullptr) return;
    CallbackScope scope(owner_of(*kp));
    (void)kp->e_soif->sf_socreate(so, so->so_proto, kp);
}

kextcb *on_socket(struct socket *so, const FilterEntry &f) noexcept {
    for (kextcb *kp = so->so_ext; kp; kp = kp->e_next) {
        if (kp->e_nfd == &f.nfd) return kp;
    }
    return nullptr;
}

FilterEntry *by_handle(unsigned int handle) noexcept {
    NFDescriptor *d = find(handle);
    return d ? entry_of(d) : nullptr;
}

}  // namespace

int attach_globals(struct socket *so) noexcept {
    kextcb **tail = &so->so_ext;
    while (*tail) tail = &(*tail)->e_next;
    // The attached filter cannot be unregistered (it is now in use), so its
    // pr_next is valid after its sf_socreate, whatever that did.
    for (FilterEntry *f = so->so_entry->sf_first; f; f = f->pr_next) {
        kextcb *kp = new_kextcb(*f);
        if (kp == nullptr) return ENOBUFS;
        *tail = kp;
        tail = &kp->e_next;
        call_socreate(so, kp);
    }
    return 0;
}

void detach_all(struct socket *so) noexcept {
    // Every filter hears sf_sofree once, with the chain still whole; its
    // answer cannot keep the socket (hist §9.2 #12, #13).
    for (kextcb *kp = so->so_ext; kp; kp = kp->e_next) {
        if (kp->e_soif == nullptr || kp->e_soif->sf_sofree == nullptr) continue;
        CallbackScope scope(owner_of(*kp));
        (void)kp->e_soif->sf_sofree(so, kp);
    }
    while (kextcb *kp = so->so_ext) {
        so->so_ext = kp->e_next;
        free_kextcb(kp);
    }
}

int insert_so_nke(struct socket *so, struct sockopt *sopt) noexcept {
    // The seed's 12-byte struct; a longer option (the historical 28-byte
    // form) is accepted and its tail ignored (SF-SONKE-001/002).
    so_nke req{};
    if (sopt->sopt_valsize < sizeof req) return EINVAL;
    if (const int e = sock::sopt_copyin(sopt, &req, sizeof req, sizeof req); e != 0) return e;
    const int fl = req.nke_flags;
    if ((fl & ~(NFF_BEFORE | NFF_AFTER)) != 0 || fl == (NFF_BEFORE | NFF_AFTER)) return EINVAL;
    const bool before = fl & NFF_BEFORE;
    FilterEntry *f = by_handle(req.nke_handle);
    if (f == nullptr) return ENXIO;
    kextcb *where = nullptr;
    if (req.nke_where != 0) {
        FilterEntry *w = by_handle(req.nke_where);
        if (w == nullptr) return ENXIO;
        where = on_socket(so, *w);
        if (where == nullptr) return ENXIO;
    }
    if (on_socket(so, *f) != nullptr) return EEXIST;
    kextcb *kp = new_kextcb(*f);
    if (kp == nullptr) return ENOBUFS;
    // Without a position: the head for NFF_BEFORE, the tail otherwise (the
    // seed; history put it second, hist §9.2 #11).
    kextcb **link = &so->so_ext;
    if (before) {
        while (*link && *link != where) link = &(*link)->e_next;
        if (where == nullptr) link = &so->so_ext;
    } else if (where != nullptr) {
        link = &where->e_next;
    } else {
        while (*link) link = &(*link)->e_next;
    }
    kp->e_next = *link;
    *link = kp;
    call_socreate(so, kp);
    return 0;
}

}  // namespace nke::ref::sf
