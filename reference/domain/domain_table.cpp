// The domain and protosw registry (spec/domain.md).  Funnel held throughout.
#include "domain/domain_table.hpp"

#include "core/alloc.hpp"
#include "core/callback.hpp"
#include "core/counters.hpp"
#include "socket/funnel.hpp"
#include "sockfilter/registry.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <memory>
#include <utility>

namespace nke::ref::dom {
namespace {

// Registered domains, newest first (history inserted at the head; with
// unique families the order is not observable except through dom_next).
DomainEntry *g_domains = nullptr;
// Every registered protosw, for membership checks.
ProtoEntry *g_protos = nullptr;
// True while a BuiltinDomain registers: its entries are built-in, belong to
// no module, and are not reported to the module registry.
bool g_builtin_mode = false;

// A chain of protosws handed to net_add_domain longer than this is taken to
// be a cycle (a corrupt chain would otherwise hang the stack).
constexpr int kMaxChain = 4096;

bool owners_differ(const Registration &inner, const Registration &outer) noexcept {
    // "outer" is referenced by "inner"; it only matters when outer belongs
    // to a module that could be unloaded from under inner.
    return outer.owner() != nullptr && inner.owner() != outer.owner();
}

void link_proto(ProtoEntry &e) noexcept {
    e.all_next = g_protos;
    if (g_protos) g_protos->all_prev = &e;
    g_protos = &e;
}

void unlink_proto(ProtoEntry &e) noexcept {
    if (e.all_prev) e.all_prev->all_next = e.all_next;
    else g_protos = e.all_next;
    if (e.all_next) e.all_next->all_prev = e.all_prev;
    e.all_prev = e.all_next = nullptr;
}

// Attach a new entry to its protosw and report it (the protosw is already
// in its domain's chain).
void register_proto(std::unique_ptr<ProtoEntry> owned, domain &dp) noexcept {
    ProtoEntry &e = *owned.release();  // owned by the registry until removed
    protosw &pr = e.pr;
    pr.pr_domain = &dp;
    pr.pr_refs = 0;
    pr.pr_sfilter.opaque[0] = &e;
    pr.pr_sfilter.opaque[1] = nullptr;
    link_proto(e);
    if (!e.builtin) {
        const auto *u = pr.pr_usrreqs;
        registration_add(e, {&pr, u, reinterpret_cast<const void *>(pr.pr_init),
                             reinterpret_cast<const void *>(pr.pr_ctloutput),
                             reinterpret_cast<const void *>(u->pru_attach),
                             reinterpret_cast<const void *>(u->pru_send),
                             reinterpret_cast<const void *>(u->pru_detach)});
        if (owners_differ(e, *e.dom)) e.dom->foreign.fetch_add(1, std::memory_order_relaxed);
        e.counts_sockets.store(e.owner() != e.dom->owner(), std::memory_order_relaxed);
    }
    live_add(Live::protosws, 1);
}

// Forget a protosw's entry (it has already left its domain's chain).
void unregister_proto(ProtoEntry &e) noexcept {
    if (!e.builtin) {
        if (owners_differ(e, *e.dom)) e.dom->foreign.fetch_sub(1, std::memory_order_relaxed);
        registration_remove(e);
    }
    e.pr.pr_sfilter.opaque[0] = nullptr;
    unlink_proto(e);
    live_add(Live::protosws, -1);
    std::unique_ptr<ProtoEntry> gone(&e);
}

void call_pr_init(ProtoEntry &e) noexcept {
    if (e.pr.pr_init == nullptr) return;
    CallbackScope scope(e.owner());
    e.pr.pr_init();
}

// Unlink pr from dp's chain.
void chain_remove(domain &dp, protosw &pr) noexcept {
    for (protosw **pp = &dp.dom_protosw; *pp; pp = &(*pp)->pr_next) {
        if (*pp == &pr) {
            *pp = pr.pr_next;
            pr.pr_next = nullptr;
            return;
        }
    }
}

bool busy(const ProtoEntry &e) noexcept { return e.pr.pr_refs > 0 || e.sf_count > 0; }

// Remove a domain whose removal has been checked: its protosws first.
void remove_domain(DomainEntry &d) noexcept {
    domain &dp = d.dp;
    for (protosw *p = dp.dom_protosw; p; p = p->pr_next) {
        if (ProtoEntry *e = entry_of(p)) unregister_proto(*e);
    }
    for (DomainEntry **pp = &g_domains; *pp; pp = &(*pp)->next) {
        if (*pp == &d) {
            *pp = d.next;
            break;
        }
    }
    // Keep the NKE's dom_next chain consistent for the domains still listed.
    for (DomainEntry *x = g_domains; x; x = x->next) x->dp.dom_next = x->next ? &x->next->dp : nullptr;
    dp.dom_next = nullptr;
    if (!d.builtin) registration_remove(d);
    live_add(Live::domains, -1);
    std::unique_ptr<DomainEntry> gone(&d);
}

}  // namespace

// --- entries ------------------------------------------------------------------

uint64_t ProtoEntry::references() const noexcept {
    const int64_t sockets = counts_sockets.load(std::memory_order_relaxed) ? refs.load(std::memory_order_relaxed) : 0;
    const int64_t r = sockets + foreign.load(std::memory_order_relaxed);
    return r > 0 ? static_cast<uint64_t>(r) : 0;
}

void ProtoEntry::reap() noexcept {
    FunnelGuard funnel;
    // Filters of the same owner go with it; anything else still pointing at
    // it keeps it (the loader then refuses the unload, KMOD-UNLOAD-007).
    sf::reap_filters_of(*this);
    if (busy(*this) || builtin) return;
    chain_remove(*pr.pr_domain, pr);
    unregister_proto(*this);
}

uint64_t DomainEntry::references() const noexcept {
    const int64_t r = refs.load(std::memory_order_relaxed) + foreign.load(std::memory_order_relaxed);
    return r > 0 ? static_cast<uint64_t>(r) : 0;
}

void DomainEntry::reap() noexcept {
    FunnelGuard funnel;
    if (builtin || dp.dom_refs > 0) return;
    for (protosw *p = dp.dom_protosw; p; p = p->pr_next) {
        if (ProtoEntry *e = entry_of(p)) {
            sf::reap_filters_of(*e);
            if (busy(*e)) return;
        }
    }
    remove_domain(*this);
}

// --- look-ups ------------------------------------------------------------------

DomainEntry *entry_of(const domain *dp) noexcept {
    for (DomainEntry *d = g_domains; d; d = d->next) {
        if (&d->dp == dp) return d;
    }
    return nullptr;
}

ProtoEntry *entry_of(const protosw *pr) noexcept {
    if (pr == nullptr) return nullptr;
    // The protosw's private field points at its entry; check membership
    // before trusting it, since an unregistered protosw may hold anything.
    for (ProtoEntry *e = g_protos; e; e = e->all_next) {
        if (&e->pr == pr) return e;
    }
    return nullptr;
}

domain *find_domain(int family) noexcept {
    for (DomainEntry *d = g_domains; d; d = d->next) {
        if (d->dp.dom_family == family) return &d->dp;
    }
    return nullptr;
}

protosw *find_proto(int family, int protocol, int type) noexcept {
    if (family == 0) return nullptr;  // hist §5.3
    domain *dp = find_domain(family);
    if (dp == nullptr) return nullptr;
    protosw *raw = nullptr;
    for (protosw *p = dp->dom_protosw; p; p = p->pr_next) {
        if (p->pr_protocol == protocol && p->pr_type == type) return p;
        // A raw protocol with protocol 0 is the wildcard for SOCK_RAW.
        if (type == SOCK_RAW && raw == nullptr && p->pr_type == SOCK_RAW && p->pr_protocol == 0) raw = p;
    }
    return raw;
}

protosw *find_type(int family, int type) noexcept {
    domain *dp = find_domain(family);
    if (dp == nullptr) return nullptr;
    for (protosw *p = dp->dom_protosw; p; p = p->pr_next) {
        if (p->pr_type != 0 && p->pr_type == type) return p;
    }
    return nullptr;
}

// --- registration ----------------------------------------------------------------

int add_domain(domain *dp) noexcept {
    if (dp == nullptr) return EINVAL;
    // Validate the chained protosws before anything changes (hist §9.2 #16:
    // history panicked on a NULL pr_usrreqs and never initialised them).
    int n = 0;
    for (protosw *p = dp->dom_protosw; p; p = p->pr_next) {
        if (++n > kMaxChain) return EINVAL;  // a cycle, or absurdly long
        if (p->pr_usrreqs == nullptr) return EINVAL;
    }
    for (protosw *p = dp->dom_protosw; p; p = p->pr_next) {
        for (protosw *q = dp->dom_protosw; q != p; q = q->pr_next) {
            if (q->pr_type == p->pr_type && q->pr_protocol == p->pr_protocol) return EEXIST;
        }
        if (entry_of(p)) return EEXIST;  // already registered elsewhere
    }
    if (entry_of(dp) || find_domain(dp->dom_family)) return EEXIST;

    // Allocate every entry first, so that a failure leaves nothing behind.
    // The new protosw entries wait on a private list threaded through
    // all_next until they are registered.
    auto d = try_make<DomainEntry>(*dp, g_builtin_mode);
    if (!d) return ENOMEM;
    ProtoEntry *pending = nullptr;
    ProtoEntry **tail = &pending;
    for (protosw *p = dp->dom_protosw; p; p = p->pr_next) {
        auto e = try_make<ProtoEntry>(*p, *d, g_builtin_mode);
        if (!e) {
            while (pending) std::unique_ptr<ProtoEntry> gone(std::exchange(pending, pending->all_next));
            return ENOMEM;
        }
        *tail = e.release();
        tail = &(*tail)->all_next;
    }

    DomainEntry &de = *d.release();
    dp->dom_refs = 0;
    de.next = g_domains;
    g_domains = &de;
    dp->dom_next = de.next ? &de.next->dp : nullptr;
    if (!de.builtin) registration_add(de, {dp, reinterpret_cast<const void *>(dp->dom_init)});
    live_add(Live::domains, 1);

    // Register the chained protosws and mark them: dom_init may add more
    // with net_add_proto, and those are initialised there, once.
    for (ProtoEntry *e = pending; e;) {
        ProtoEntry *next = std::exchange(e->all_next, nullptr);
        e->needs_init = true;
        register_proto(std::unique_ptr<ProtoEntry>(e), *dp);
        e = next;
    }
    if (dp->dom_init) {
        CallbackScope scope(de.owner());
        dp->dom_init();
    }
    // pr_init of the originally chained ones, in chain order (dom_init
    // may have removed some again, or even the domain).
    // Rescan after each call: a pr_init may change the chain.
    while (entry_of(dp) == &de) {
        ProtoEntry *next = nullptr;
        for (protosw *p = dp->dom_protosw; p && !next; p = p->pr_next) {
            if (ProtoEntry *e = entry_of(p); e && e->needs_init) next = e;
        }
        if (next == nullptr) break;
        next->needs_init = false;
        call_pr_init(*next);
    }
    return 0;
}

int del_domain(domain *dp) noexcept {
    if (dp == nullptr) return EINVAL;
    DomainEntry *d = entry_of(dp);
    if (d == nullptr) return EPFNOSUPPORT;
    if (d->builtin) return EBUSY;
    if (dp->dom_refs > 0) return EBUSY;
    for (protosw *p = dp->dom_protosw; p; p = p->pr_next) {
        if (ProtoEntry *e = entry_of(p); e && busy(*e)) return EBUSY;
    }
    remove_domain(*d);
    return 0;
}

int add_proto(protosw *pp, domain *dp) noexcept {
    if (pp == nullptr || dp == nullptr || pp->pr_usrreqs == nullptr) return EINVAL;
    DomainEntry *d = entry_of(dp);
    if (d == nullptr) return EPFNOSUPPORT;
    if (entry_of(pp)) return EEXIST;
    for (protosw *q = dp->dom_protosw; q; q = q->pr_next) {
        if (q->pr_type == pp->pr_type && q->pr_protocol == pp->pr_protocol) return EEXIST;
    }
    auto e = try_make<ProtoEntry>(*pp, *d, g_builtin_mode || d->builtin);
    if (!e) return ENOMEM;
    // Appended at the tail (hist §5.3).
    pp->pr_next = nullptr;
    protosw **tail = &dp->dom_protosw;
    while (*tail) tail = &(*tail)->pr_next;
    *tail = pp;
    ProtoEntry &entry = *e;
    register_proto(std::move(e), *dp);
    call_pr_init(entry);
    return 0;
}

int del_proto(int type, int protocol, domain *dp) noexcept {
    if (dp == nullptr) return EINVAL;
    if (entry_of(dp) == nullptr) return ENXIO;
    for (protosw *p = dp->dom_protosw; p; p = p->pr_next) {
        if (p->pr_type != type || p->pr_protocol != protocol) continue;
        ProtoEntry *e = entry_of(p);
        if (e == nullptr) return ENXIO;
        if (e->builtin || busy(*e)) return EBUSY;
        chain_remove(*dp, *p);
        unregister_proto(*e);
        return 0;
    }
    return ENXIO;
}

// --- accounting ------------------------------------------------------------------

void socket_created(ProtoEntry &p) noexcept {
    ++p.pr.pr_refs;
    ++p.dom->dp.dom_refs;
    p.refs.fetch_add(1, std::memory_order_relaxed);
    p.dom->refs.fetch_add(1, std::memory_order_relaxed);
}

void socket_freed(ProtoEntry &p) noexcept {
    --p.pr.pr_refs;
    --p.dom->dp.dom_refs;
    p.refs.fetch_sub(1, std::memory_order_relaxed);
    p.dom->refs.fetch_sub(1, std::memory_order_relaxed);
}

// --- built-ins -------------------------------------------------------------------

BuiltinDomain::BuiltinDomain(domain &d) noexcept {
    FunnelGuard funnel;
    g_builtin_mode = true;
    (void)add_domain(&d);
    g_builtin_mode = false;
}

}  // namespace nke::ref::dom
