// Protocol families and protocol handlers (spec/domain.md, DOM-*, PROTO-*).
//
// The NKE owns its struct domain and struct protosw; while they are
// registered the stack owns their link fields (dom_next, dom_protosw's
// chain through pr_next, pr_sfilter) and their counters (dom_refs,
// pr_refs).  Next to each registered structure the stack keeps an entry
// (DomainEntry, ProtoEntry) with what the ABI structure has no room for:
// the module that owns it, atomic mirrors of the counters for the loader,
// and the protosw's global socket filters.
//
// Locking: everything here is guarded by the funnel (socket/funnel.hpp);
// every function below must be called with it held, except the
// Registration overrides references() (atomics only, called by the loader
// under the registry lock) and reap() (takes the funnel itself).
#pragma once

#include "module/module.hpp"

#include <nke/domain.h>
#include <nke/protosw.h>

#include <atomic>
#include <cstdint>

namespace nke::ref::sf {
class FilterEntry;
}

namespace nke::ref::dom {

class DomainEntry;

class ProtoEntry final : public Registration {
public:
    ProtoEntry(protosw &p, DomainEntry &d, bool is_builtin) noexcept : pr(p), dom(&d), builtin(is_builtin) {}
    const char *kind() const noexcept override { return "protosw"; }
    // Live sockets of this protocol plus global filters of other owners on it.
    uint64_t references() const noexcept override;
    void reap() noexcept override;

    protosw &pr;
    DomainEntry *dom;
    const bool builtin;
    std::atomic<int64_t> refs{0};         // mirror of pr.pr_refs
    std::atomic<int64_t> foreign{0};      // global filters of other owners on it
    // Whether references() counts the live sockets: not when the domain
    // has the same owner, whose entry counts them already (set once, at
    // registration).
    std::atomic<bool> counts_sockets{true};
    // Global socket filters, in pr_sfilter order (sockfilter/registry.cpp
    // links them; funnel).
    sf::FilterEntry *sf_first = nullptr;
    sf::FilterEntry *sf_last = nullptr;
    int sf_count = 0;
    bool needs_init = false;  // chained at net_add_domain, pr_init not yet run
    // All registered protosws, for membership checks (funnel).
    ProtoEntry *all_prev = nullptr;
    ProtoEntry *all_next = nullptr;
};

class DomainEntry final : public Registration {
public:
    DomainEntry(domain &d, bool is_builtin) noexcept : dp(d), builtin(is_builtin) {}
    const char *kind() const noexcept override { return "domain"; }
    // Live sockets of the family plus protosws of other owners chained on it.
    uint64_t references() const noexcept override;
    void reap() noexcept override;

    domain &dp;
    const bool builtin;
    std::atomic<int64_t> refs{0};     // mirror of dp.dom_refs
    std::atomic<int64_t> foreign{0};  // protosws of other owners on it
    DomainEntry *next = nullptr;      // registered domains (funnel)
};

// --- registration (funnel held) ---------------------------------------------
int add_domain(domain *dp) noexcept;
int del_domain(domain *dp) noexcept;
int add_proto(protosw *pp, domain *dp) noexcept;
int del_proto(int type, int protocol, domain *dp) noexcept;

// --- look-ups (funnel held) ---------------------------------------------------
domain *find_domain(int family) noexcept;
protosw *find_proto(int family, int protocol, int type) noexcept;
protosw *find_type(int family, int type) noexcept;
// The entry of a registered structure; nullptr when it is not registered.
DomainEntry *entry_of(const domain *dp) noexcept;
ProtoEntry *entry_of(const protosw *pr) noexcept;

// --- socket accounting (funnel held) -------------------------------------------
// One more / one fewer live socket of this protocol: pr_refs and dom_refs
// move together (DOM-REFS-*, PROTO-REFS-*).
void socket_created(ProtoEntry &p) noexcept;
void socket_freed(ProtoEntry &p) noexcept;

// --- built-in domains -------------------------------------------------------------
// A domain that the stack itself provides (PF_SYSTEM): define one at
// namespace scope in the subsystem that implements it,
//     nke::ref::dom::BuiltinDomain g_system(systemdomain);
// It is registered while the library loads, before any NKE or test runs,
// so the harness counters include it from the first snapshot.  Its
// dom_init may call net_add_proto; those protosws are built-in too.  Built-ins
// belong to no module and cannot be removed (DOM-BUILTIN-001).
class BuiltinDomain {
public:
    explicit BuiltinDomain(domain &d) noexcept;
    BuiltinDomain(const BuiltinDomain &) = delete;
    BuiltinDomain &operator=(const BuiltinDomain &) = delete;
};

}  // namespace nke::ref::dom
