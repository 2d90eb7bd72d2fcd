// Properties of sockets, protocol families, socket filters and kernel
// controllers (spec/domain.md, spec/socket.md, spec/sockfilter.md,
// spec/kern_control.md, spec/module.md).
//
// 1. Lifecycle and reference counts (rc::state).  Commands load and unload
//    two modules (modules/prop_agent.c) and, on behalf of the test or of a
//    module, add and remove protocol families and protocol handlers (the
//    test's loopback family of conformance/fixtures, each module's own
//    family, each module's protosw added to any family), create sockets of
//    every protosw (PF_SYSTEM control sockets included), listen, connect
//    (sonewconn), accept, close (a listener's queued connections are freed
//    with it), register and unregister socket filters (global on any
//    protosw, or programmatic), insert them with SO_NKE, register and
//    deregister controllers and connect clients to them.  The model
//    predicts every result (EBUSY for a busy domain, protosw, filter,
//    controller or module; ENOENT, ENXIO, EEXIST, EPFNOSUPPORT,
//    EADDRNOTAVAIL, ...), and after every command the stack must agree on
//    dom_refs and pr_refs of every registered family and protosw, the
//    harness counters, each filter's sf_socreate/sf_sofree calls, each
//    controller's connect/disconnect calls, and each module's start/stop
//    calls and kmod_get_stat.  At the end everything is released and every
//    counter is back.
// 2. Socket-filter ordering: random global registrations (NFF_BEFORE,
//    NFF_AFTER, with and without nfp1) and SO_NKE insertions (before/after,
//    with and without nke_where) must give exactly the model's chain, both
//    as so_getext/e_next and as the order in which the hooks run.
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <sys/ioctl.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "loopdomain.hpp"
#include "nke_prop.hpp"  // <nke/mbuf.h> macros from here on
#include "modules/prop_agent.h"

namespace {

namespace loop = nke::test::loop;

constexpr int kMods = 2;
const char *const kModName[kMods] = {"prop_agent_a", "prop_agent_b"};
constexpr int kModFamily[kMods] = {41, 42};
constexpr int kModProtocol[kMods] = {20, 21};
constexpr int kSfSlots = 4;   // 0, 1: the test's; 2: module a's; 3: module b's
constexpr unsigned kSfHandle[kSfSlots] = {0x50530001u, 0x50530002u, 0x50530003u, 0x50530004u};
constexpr int kCtlSlots = 3;  // 0: the test's; 1: module a's; 2: module b's
constexpr uint32_t kCtlId = 0x70726f70u;

int sf_owner(int slot) { return slot < 2 ? -1 : slot - 2; }
int ctl_owner(int slot) { return slot == 0 ? -1 : slot - 1; }
std::string owner_name(int o) { return o < 0 ? "test" : o == 0 ? "mod_a" : "mod_b"; }

std::string err_name(int rc) {
    switch (rc) {
    case 0: return "0";
    case EBUSY: return "EBUSY";
    case ENOENT: return "ENOENT";
    case ENXIO: return "ENXIO";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EPFNOSUPPORT: return "EPFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EWOULDBLOCK: return "EWOULDBLOCK";
    case ECONNREFUSED: return "ECONNREFUSED";
    default: return std::to_string(rc);
    }
}

// --- protocol handlers ----------------------------------------------------------------

// The protosws a socket can be made of.
enum Pr { LS, LD, MD0, MD1, MP0, MP1, CTL, kPrCount };
const char *const kPrName[kPrCount] = {"loop.stream", "loop.dgram", "mod_a.dgram", "mod_b.dgram",
                                       "mod_a.proto", "mod_b.proto", "control"};
// Domains: 0 loop, 1 mod_a's, 2 mod_b's, 3 PF_SYSTEM.
enum Dom { DL, DA, DB, DSYS };
const char *const kDomName[4] = {"loop", "mod_a's family", "mod_b's family", "PF_SYSTEM"};

// --- the model -------------------------------------------------------------------------

struct MSock {
    int pr;
    bool open = true;
    bool has_fd = true;
    bool listener = false;
    int head = -1;             // queued on this listener (no descriptor yet)
    std::vector<int> filters;  // attached filter slots, in chain order
    int ctl = -1;              // the controller slot it is a client of
    bool connected = false;    // a loop stream end of a connection
};
struct MFilter {
    bool registered = false;
    bool global = false;
    int pr = -1;
    int socreate = 0, sofree = 0;
};
struct MCtl {
    bool registered = false;
    bool ever = false;  // registered at least once (its old reference is stale)
    int client = -1;
    int connects = 0, disconnects = 0;
};
struct MMod {
    bool loaded = false;
    int start_calls = 0, stop_calls = 0;
};

struct Model {
    bool loop_registered = true;
    std::array<bool, kMods> dom_registered{};
    std::array<int, kMods> mp_in{-1, -1};  // domain of the module's added protosw, -1: none
    std::vector<MSock> socks;
    std::array<MFilter, kSfSlots> filters{};
    std::array<std::vector<int>, kPrCount> glist{};  // global filters per protosw
    std::array<MCtl, kCtlSlots> ctls{};
    std::array<MMod, kMods> mods{};

    int dom_of(int pr) const {
        switch (pr) {
        case LS: case LD: return DL;
        case MD0: return DA;
        case MD1: return DB;
        case MP0: return mp_in[0];
        case MP1: return mp_in[1];
        default: return DSYS;
        }
    }
    bool dom_registered_(int d) const {
        return d == DL ? loop_registered : d == DA ? dom_registered[0] : d == DB ? dom_registered[1] : d == DSYS;
    }
    bool pr_registered(int pr) const {
        if (pr == MP0 || pr == MP1) return mp_in[static_cast<size_t>(pr - MP0)] >= 0;
        return dom_registered_(dom_of(pr));
    }
    int owner_of_pr(int pr) const {
        return pr == MD0 || pr == MP0 ? 0 : pr == MD1 || pr == MP1 ? 1 : -1;
    }
    int pr_refs(int pr) const {
        int n = 0;
        for (const MSock &s : socks) n += s.open && s.pr == pr;
        return n;
    }
    int dom_refs(int d) const {
        int n = 0;
        for (const MSock &s : socks) n += s.open && dom_of(s.pr) == d;
        return n;
    }
    bool carries(int slot) const {
        for (const MSock &s : socks)
            if (s.open && std::count(s.filters.begin(), s.filters.end(), slot)) return true;
        return false;
    }
    bool global_filter_on_domain(int d) const {
        for (int pr = 0; pr < kPrCount; ++pr)
            if (pr_registered(pr) && dom_of(pr) == d && !glist[static_cast<size_t>(pr)].empty()) return true;
        return false;
    }
    bool owner_ok(int o) const { return o < 0 || mods[static_cast<size_t>(o)].loaded; }
    // KMOD-REF-001, DOM-MOD-001, DOM-MOD-003, PROTO-MOD-001, SF-MOD-001, CTL-MOD-001.
    bool referenced(int m) const {
        const int d = m == 0 ? DA : DB;
        if (dom_registered[static_cast<size_t>(m)] && dom_refs(d) > 0) return true;
        const int mp = MP0 + m, md = MD0 + m;
        if (pr_registered(mp) && pr_refs(mp) > 0) return true;
        if (filters[static_cast<size_t>(2 + m)].registered && carries(2 + m)) return true;
        if (ctls[static_cast<size_t>(1 + m)].registered && ctls[static_cast<size_t>(1 + m)].client >= 0) return true;
        if (dom_registered[static_cast<size_t>(m)] && mp_in[static_cast<size_t>(1 - m)] == d) return true;
        for (int pr : {md, mp})
            if (pr_registered(pr))
                for (int f : glist[static_cast<size_t>(pr)])
                    if (sf_owner(f) != m) return true;
        return false;
    }
    bool owns_anything(int m) const {
        return dom_registered[static_cast<size_t>(m)] || mp_in[static_cast<size_t>(m)] >= 0 ||
               filters[static_cast<size_t>(2 + m)].registered || ctls[static_cast<size_t>(1 + m)].registered;
    }

    // --- transitions ---
    void free_sock(int i) {
        MSock &s = socks[static_cast<size_t>(i)];
        if (!s.open) return;
        s.open = false;
        for (int f : s.filters) ++filters[static_cast<size_t>(f)].sofree;  // SF-HOOK-011
        if (s.ctl >= 0) {
            MCtl &c = ctls[static_cast<size_t>(s.ctl)];
            c.client = -1;
            ++c.disconnects;  // CTL-DISC-001
        }
        if (s.listener)  // SOCK-CLOSE-002, DOM-REFS-003
            for (size_t k = 0; k < socks.size(); ++k)
                if (socks[k].head == i) free_sock(static_cast<int>(k));
    }
    int new_sock(int pr, bool has_fd) {
        MSock s;
        s.pr = pr;
        s.has_fd = has_fd;
        s.filters = glist[static_cast<size_t>(pr)];  // SF-ATTACH-001
        for (int f : s.filters) ++filters[static_cast<size_t>(f)].socreate;
        socks.push_back(s);
        return static_cast<int>(socks.size()) - 1;
    }
    void unregister_filter(int slot) {
        MFilter &f = filters[static_cast<size_t>(slot)];
        if (f.global) {
            auto &l = glist[static_cast<size_t>(f.pr)];
            l.erase(std::find(l.begin(), l.end(), slot));
        }
        f.registered = false;
    }
    void remove_domain(int d) {  // DOM-DEL-001
        if (d == DL) loop_registered = false;
        else dom_registered[static_cast<size_t>(d - DA)] = false;
        for (int k = 0; k < kMods; ++k)
            if (mp_in[static_cast<size_t>(k)] == d) mp_in[static_cast<size_t>(k)] = -1;
    }
    void reap(int m) {  // KMOD-UNLOAD-005, DOM-MOD-002, SF-MOD-002, CTL-MOD-003
        if (filters[static_cast<size_t>(2 + m)].registered) unregister_filter(2 + m);
        if (ctls[static_cast<size_t>(1 + m)].registered) ctls[static_cast<size_t>(1 + m)].registered = false;
        mp_in[static_cast<size_t>(m)] = -1;
        if (dom_registered[static_cast<size_t>(m)]) remove_domain(m == 0 ? DA : DB);
    }
};

// --- the system under test ---------------------------------------------------------------

struct Sut;
Sut *g_sut = nullptr;

struct TestFilter {
    NFDescriptor nfd{};
    sockif soif{};
    sockutil sout{};
};

struct Sut {
    nke_counters base = nke::test::counters();
    int sys_refs_base = 0, ctl_refs_base = 0;
    std::optional<loop::LoopDomain> loop_dom;
    std::array<prop_agent, kMods> agents{};
    std::array<int, kMods> mod_id{};
    std::vector<int> fds;  // by model socket index (-1: none)
    std::array<TestFilter, 2> tfilters{};
    std::array<int, kSfSlots> socreate{}, sofree{};
    std::array<kern_ctl_ref, kCtlSlots> ctl_ref{};
    std::array<int, kCtlSlots> connects{}, disconnects{};
    int next_port = 1000;

    static int t_socreate(struct socket *, struct protosw *, struct kextcb *kp);
    static int t_sofree(struct socket *, struct kextcb *kp);
    static int t_ctl_connect(kern_ctl_ref ref, void *);
    static void t_ctl_disconnect(kern_ctl_ref ref, void *);
    static void hook(void *ctx, int ev, void *cookie);

    Sut() {
        g_sut = this;
        if (struct domain *sys = pffinddomain(PF_SYSTEM)) sys_refs_base = sys->dom_refs;
        if (struct protosw *c = pffindproto(PF_SYSTEM, SYSPROTO_CONTROL, SOCK_DGRAM)) ctl_refs_base = c->pr_refs;
        loop_dom.emplace();
        if (loop_dom->rc() != 0) RC_FAIL("setup: the loopback family did not register (DOM-ADD-001)");
        for (int m = 0; m < kMods; ++m) {
            prop_agent &a = agents[static_cast<size_t>(m)];
            a.version = PROP_AGENT_VERSION;
            a.hook = &Sut::hook;
            a.hook_ctx = this;
            a.family = kModFamily[m];
            a.protocol = kModProtocol[m];
            a.sf_handle = kSfHandle[2 + m];
        }
        for (int k = 0; k < 2; ++k) {
            TestFilter &t = tfilters[static_cast<size_t>(k)];
            t.soif.sf_socreate = t_socreate;
            t.soif.sf_sofree = t_sofree;
            t.nfd.nf_handle = kSfHandle[k];
            t.nfd.nf_soif = &t.soif;
            t.nfd.nf_soutil = &t.sout;
        }
    }
    Sut(const Sut &) = delete;
    Sut &operator=(const Sut &) = delete;
    ~Sut() {
        release_all();
        g_sut = nullptr;
    }

    // Best effort, whatever the case left (also after a failure).
    void release_all() {
        for (int &fd : fds)
            if (fd >= 0) {
                (void)nke_close(fd);
                fd = -1;
            }
        // The test's filters: unregister_sockfilter refuses (EINVAL) a
        // global filter with the wrong protosw, so try each candidate.
        std::vector<struct protosw *> cands = {nullptr, &loop::LoopDomain::stream(), &loop::LoopDomain::dgram(),
                                               pffindproto(PF_SYSTEM, SYSPROTO_CONTROL, SOCK_DGRAM)};
        for (int m = 0; m < kMods; ++m)
            if (mod_id[static_cast<size_t>(m)] > 0) {
                cands.push_back(agents[static_cast<size_t>(m)].dom_proto);
                cands.push_back(agents[static_cast<size_t>(m)].proto);
            }
        for (int k = 0; k < 2; ++k)
            for (struct protosw *p : cands)
                if (unregister_sockfilter(&tfilters[static_cast<size_t>(k)].nfd, p, 0) != EINVAL) break;
        // The modules' filters too: a module's global filter on the other
        // module's protosw, with that protosw in the first module's family,
        // makes each module hold the other (DOM-MOD-003).
        for (int m = 0; m < kMods; ++m)
            if (mod_id[static_cast<size_t>(m)] > 0)
                for (struct protosw *p : cands)
                    if (agents[static_cast<size_t>(m)].unregister_sf(p) != EINVAL) break;
        if (ctl_ref[0]) (void)ctl_deregister(ctl_ref[0]);
        // Two modules can hold each other, each with its protosw in the
        // other's family (DOM-MOD-003): take the protosws out first.
        for (int m = 0; m < kMods; ++m) {
            if (mod_id[static_cast<size_t>(m)] <= 0) continue;
            prop_agent &a = agents[static_cast<size_t>(m)];
            (void)a.del_proto(&loop::LoopDomain::dom());
            for (int o = 0; o < kMods; ++o)
                if (mod_id[static_cast<size_t>(o)] > 0) (void)a.del_proto(agents[static_cast<size_t>(o)].domain);
        }
        // One module may still hold the other: unload until nothing more goes.
        for (int round = 0; round < kMods; ++round)
            for (int m = 0; m < kMods; ++m) {
                if (mod_id[static_cast<size_t>(m)] <= 0) continue;
                agents[static_cast<size_t>(m)].stop_result = KMOD_RETURN_SUCCESS;
                const int rc = kmod_unload(mod_id[static_cast<size_t>(m)], nullptr);
                if (rc == 0 || rc == ENOENT) mod_id[static_cast<size_t>(m)] = 0;
            }
        ctl_ref = {};
        loop_dom.reset();
    }

    // The struct protosw of a model protosw (valid only when it may be read).
    struct protosw *protosw_of(int pr) {
        switch (pr) {
        case LS: return &loop::LoopDomain::stream();
        case LD: return &loop::LoopDomain::dgram();
        case MD0: case MD1: return agents[static_cast<size_t>(pr - MD0)].dom_proto;
        case MP0: case MP1: return agents[static_cast<size_t>(pr - MP0)].proto;
        default: return pffindproto(PF_SYSTEM, SYSPROTO_CONTROL, SOCK_DGRAM);
        }
    }
    struct domain *domain_of(int d) {
        switch (d) {
        case DL: return &loop::LoopDomain::dom();
        case DA: return agents[0].domain;
        case DB: return agents[1].domain;
        default: return pffinddomain(PF_SYSTEM);
        }
    }
};

int Sut::t_socreate(struct socket *, struct protosw *, struct kextcb *kp) {
    if (g_sut)
        for (int k = 0; k < 2; ++k)
            if (kp->e_nfd == &g_sut->tfilters[static_cast<size_t>(k)].nfd) ++g_sut->socreate[static_cast<size_t>(k)];
    return 0;
}
int Sut::t_sofree(struct socket *, struct kextcb *kp) {
    if (g_sut)
        for (int k = 0; k < 2; ++k)
            if (kp->e_nfd == &g_sut->tfilters[static_cast<size_t>(k)].nfd) ++g_sut->sofree[static_cast<size_t>(k)];
    return 0;
}
int Sut::t_ctl_connect(kern_ctl_ref, void *) {
    if (g_sut) ++g_sut->connects[0];
    return 0;
}
void Sut::t_ctl_disconnect(kern_ctl_ref, void *) {
    if (g_sut) ++g_sut->disconnects[0];
}
void Sut::hook(void *ctx, int ev, void *cookie) {
    auto *s = static_cast<Sut *>(ctx);
    const auto handle = static_cast<unsigned>(reinterpret_cast<uintptr_t>(cookie));
    for (int k = 2; k < kSfSlots; ++k) {
        if (handle != kSfHandle[k]) continue;
        if (ev == PROP_EV_SF_CREATE) ++s->socreate[static_cast<size_t>(k)];
        if (ev == PROP_EV_SF_FREE) ++s->sofree[static_cast<size_t>(k)];
    }
    for (int k = 1; k < kCtlSlots; ++k) {
        if (cookie != s->ctl_ref[static_cast<size_t>(k)]) continue;
        if (ev == PROP_EV_CTL_CONNECT) ++s->connects[static_cast<size_t>(k)];
        if (ev == PROP_EV_CTL_DISCONNECT) ++s->disconnects[static_cast<size_t>(k)];
    }
}

// --- agreement after every command ---------------------------------------------------

void check_agreement(const Model &m, Sut &s, const std::string &after) {
    const std::string ctx = " (after " + after + ")";
    auto fail = [&](const std::string &what, const char *rules) { RC_FAIL(what + ctx + " (" + rules + ")"); };
    const nke_counters now = nke::test::counters();
    int socks = 0, fds = 0, kextcbs = 0, clients = 0;
    for (const MSock &x : m.socks) {
        if (!x.open) continue;
        ++socks;
        fds += x.has_fd;
        kextcbs += static_cast<int>(x.filters.size());
        clients += x.ctl >= 0;
    }
    int domains = m.loop_registered + m.dom_registered[0] + m.dom_registered[1];
    int protosws = (m.loop_registered ? 2 : 0) + m.dom_registered[0] + m.dom_registered[1] + (m.mp_in[0] >= 0) +
                   (m.mp_in[1] >= 0);
    int sfs = 0, ctls = 0, mods = 0;
    for (const MFilter &f : m.filters) sfs += f.registered;
    for (const MCtl &c : m.ctls) ctls += c.registered;
    for (const MMod &x : m.mods) mods += x.loaded;
    auto same = [&](uint64_t got, uint64_t base, int want, const char *what, const char *rules) {
        const int64_t d = static_cast<int64_t>(got - base);
        if (d != want) fail(std::string(what) + ": the stack counts " + std::to_string(d) + ", the model " + std::to_string(want), rules);
    };
    same(now.sockets, s.base.sockets, socks, "live sockets", "HARN-COUNT-001, SOCK-CLOSE-002, DOM-REFS-003");
    same(now.descriptors, s.base.descriptors, fds, "open descriptors", "HARN-COUNT-001, SOCK-CLOSE-001");
    same(now.domains, s.base.domains, domains, "registered domains", "DOM-ADD-001, DOM-DEL-001, DOM-MOD-002");
    same(now.protosws, s.base.protosws, protosws, "registered protosws", "DOM-ADD-007, PROTO-ADD-001, PROTO-DEL-001, DOM-DEL-001");
    same(now.sockfilters, s.base.sockfilters, sfs, "registered socket filters", "SF-REG-001, SF-UNREG-001, SF-MOD-002");
    same(now.kextcbs, s.base.kextcbs, kextcbs, "filter attachments", "SF-ATTACH-005");
    same(now.controllers, s.base.controllers, ctls, "registered controllers", "CTL-REG-001, CTL-DEREG-001, CTL-MOD-003");
    same(now.ctl_clients, s.base.ctl_clients, clients, "connected control clients", "CTL-CONNECT-012, CTL-DISC-001");
    same(now.modules, s.base.modules, mods, "loaded modules", "HARN-COUNT-001");
    // Look-ups find exactly what is registered.
    const int fam[3] = {loop::kFamily, kModFamily[0], kModFamily[1]};
    for (int d = DL; d <= DB; ++d) {
        const struct domain *got = pffinddomain(fam[d]);
        const struct domain *want = m.dom_registered_(d) ? s.domain_of(d) : nullptr;
        if (got != want)
            fail(std::string("pffinddomain(") + std::to_string(fam[d]) + ") " +
                     (want ? "does not return the registered " : "still finds the removed ") + kDomName[d],
                 "DOM-FIND-001, DOM-ADD-001, DOM-DEL-001, DOM-MOD-002");
    }
    for (int pr = LS; pr <= MP1; ++pr) {
        const int type = pr == LS ? SOCK_STREAM : SOCK_DGRAM;
        const int proto = pr == LS ? loop::kStreamProto : pr == LD ? loop::kDgramProto : pr <= MD1 ? 1 : kModProtocol[pr - MP0];
        for (int d = DL; d <= DB; ++d) {
            // The two modules' chained protosws share (protocol 1, SOCK_DGRAM):
            // each is looked for in its own family only.
            if ((pr == MD0 && d != DA) || (pr == MD1 && d != DB)) continue;
            const bool here = m.pr_registered(pr) && m.dom_of(pr) == d;
            const struct protosw *got = pffindproto(fam[d], proto, type);
            if (got != (here ? s.protosw_of(pr) : nullptr))
                fail(std::string("pffindproto(") + std::to_string(fam[d]) + ", " + std::to_string(proto) + ") " +
                         (here ? "does not return the registered " : "still finds the removed ") + kPrName[pr],
                     "PROTO-FIND-001, PROTO-ADD-001, PROTO-DEL-001, DOM-DEL-001");
        }
    }
    // dom_refs and pr_refs of everything registered (readable).
    for (int d = DL; d <= DSYS; ++d) {
        if (!m.dom_registered_(d)) continue;
        const struct domain *dp = s.domain_of(d);
        const int want = m.dom_refs(d) + (d == DSYS ? s.sys_refs_base : 0);
        if (dp == nullptr || dp->dom_refs != want)
            fail(std::string("dom_refs of ") + kDomName[d] + " is " + (dp ? std::to_string(dp->dom_refs) : "?") +
                     ", the model says " + std::to_string(want),
                 "DOM-REFS-001, DOM-REFS-003");
    }
    for (int pr = 0; pr < kPrCount; ++pr) {
        if (!m.pr_registered(pr)) continue;
        const struct protosw *p = s.protosw_of(pr);
        const int want = m.pr_refs(pr) + (pr == CTL ? s.ctl_refs_base : 0);
        if (p == nullptr || p->pr_refs != want)
            fail(std::string("pr_refs of ") + kPrName[pr] + " is " + (p ? std::to_string(p->pr_refs) : "?") +
                     ", the model says " + std::to_string(want),
                 "PROTO-REFS-001");
    }
    for (int k = 0; k < kSfSlots; ++k) {
        const MFilter &f = m.filters[static_cast<size_t>(k)];
        if (s.socreate[static_cast<size_t>(k)] != f.socreate || s.sofree[static_cast<size_t>(k)] != f.sofree)
            fail("filter " + std::to_string(k) + ": sf_socreate/sf_sofree ran " + std::to_string(s.socreate[static_cast<size_t>(k)]) + "/" +
                     std::to_string(s.sofree[static_cast<size_t>(k)]) + " times, the model says " +
                     std::to_string(f.socreate) + "/" + std::to_string(f.sofree),
                 "SF-ATTACH-001, SF-ATTACH-002, SF-SONKE-006, SF-HOOK-011");
    }
    for (int k = 0; k < kCtlSlots; ++k) {
        const MCtl &c = m.ctls[static_cast<size_t>(k)];
        if (s.connects[static_cast<size_t>(k)] != c.connects || s.disconnects[static_cast<size_t>(k)] != c.disconnects)
            fail("controller " + std::to_string(k) + ": ctl_connect/ctl_disconnect ran " +
                     std::to_string(s.connects[static_cast<size_t>(k)]) + "/" + std::to_string(s.disconnects[static_cast<size_t>(k)]) +
                     " times, the model says " + std::to_string(c.connects) + "/" + std::to_string(c.disconnects),
                 "CTL-CONNECT-012, CTL-DISC-001, CTL-DISC-002");
    }
    for (int x = 0; x < kMods; ++x) {
        const prop_agent &a = s.agents[static_cast<size_t>(x)];
        const MMod &mm = m.mods[static_cast<size_t>(x)];
        if (a.start_calls != mm.start_calls || a.stop_calls != mm.stop_calls)
            fail(owner_name(x) + ": start/stop ran " + std::to_string(a.start_calls) + "/" + std::to_string(a.stop_calls) +
                     " times, the model says " + std::to_string(mm.start_calls) + "/" + std::to_string(mm.stop_calls),
                 "KMOD-LOAD-007, KMOD-UNLOAD-002, KMOD-UNLOAD-003");
        if (!mm.loaded) continue;
        kmod_stat st{};
        if (kmod_get_stat(s.mod_id[static_cast<size_t>(x)], &st) != 0) fail(owner_name(x) + ": kmod_get_stat failed", "KMOD-STAT-002");
        if ((st.reference_count > 0) != m.referenced(x))
            fail(owner_name(x) + ": kmod_get_stat reference_count " + std::to_string(st.reference_count) +
                     (m.referenced(x) ? " but the module is referenced" : " but nothing refers to the module"),
                 "KMOD-OWN-002, KMOD-REF-001, DOM-MOD-001, DOM-MOD-003, PROTO-MOD-001, SF-MOD-001, CTL-MOD-001");
        if ((st.registrations > 0) != m.owns_anything(x))
            fail(owner_name(x) + ": kmod_get_stat registrations " + std::to_string(st.registrations) +
                     (m.owns_anything(x) ? " but the module owns registrations" : " but the module owns none"),
                 "KMOD-OWN-001, KMOD-OWN-002");
    }
}

using Cmd = rc::state::Command<Model, Sut>;

void expect_rc(int got, int want, const std::string &call, const char *rules) {
    if (got != want) RC_FAIL(call + " returned " + err_name(got) + ", the model expects " + err_name(want) + " (" + rules + ")");
}
// A user-side call: 0 or -1/errno -> 0 or the errno.
int sys_rc(int r) { return r < 0 ? errno : 0; }

int draw_index_open(const Model &m, bool need_fd) {
    std::vector<int> v;
    for (size_t k = 0; k < m.socks.size(); ++k)
        if (m.socks[k].open && (!need_fd || m.socks[k].has_fd)) v.push_back(static_cast<int>(k));
    RC_PRE(!v.empty());
    return *rc::gen::elementOf(v);
}
int draw_mod() { return *rc::gen::elementOf(std::vector<int>{0, 1}); }

// --- commands ------------------------------------------------------------------------------

struct LoadMod : Cmd {
    int mod = draw_mod();
    explicit LoadMod(const Model &) {}
    void apply(Model &m) const override {
        MMod &x = m.mods[static_cast<size_t>(mod)];
        if (!x.loaded) {
            x.loaded = true;
            ++x.start_calls;
        }
    }
    void run(const Model &m, Sut &s) const override {
        int id = 0;
        const int rc = kmod_load(nke::test::module_path(kModName[mod]).c_str(), &s.agents[static_cast<size_t>(mod)], &id);
        const bool loaded = m.mods[static_cast<size_t>(mod)].loaded;
        expect_rc(rc, loaded ? EEXIST : 0, "kmod_load(" + owner_name(mod) + ")", loaded ? "KMOD-LOAD-005" : "KMOD-LOAD-001");
        if (rc == 0) s.mod_id[static_cast<size_t>(mod)] = id;
        check_agreement(nextState(m), s, "kmod_load");
    }
    void show(std::ostream &os) const override { os << "kmod_load(" << owner_name(mod) << ")"; }
};

struct UnloadMod : Cmd {
    int mod = draw_mod();
    bool refuse = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
    explicit UnloadMod(const Model &m) { RC_PRE(m.mods[static_cast<size_t>(mod)].loaded); }
    int expected(const Model &m) const {
        if (m.referenced(mod)) return EBUSY;
        return refuse ? EBUSY : 0;
    }
    void checkPreconditions(const Model &m) const override { RC_PRE(m.mods[static_cast<size_t>(mod)].loaded); }
    void apply(Model &m) const override {
        MMod &x = m.mods[static_cast<size_t>(mod)];
        if (m.referenced(mod)) return;
        ++x.stop_calls;
        if (!refuse) {
            m.reap(mod);
            x.loaded = false;
        }
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        s.agents[static_cast<size_t>(mod)].stop_result = refuse ? KMOD_RETURN_FAILURE : KMOD_RETURN_SUCCESS;
        const int rc = kmod_unload(s.mod_id[static_cast<size_t>(mod)], nullptr);
        expect_rc(rc, want, "kmod_unload(" + owner_name(mod) + ")",
                  m.referenced(mod) ? "KMOD-UNLOAD-002, KMOD-REF-001, DOM-MOD-001, DOM-MOD-003, PROTO-MOD-001, SF-MOD-001, CTL-MOD-001"
                  : want ? "KMOD-UNLOAD-003" : "KMOD-UNLOAD-005, DOM-MOD-002, SF-MOD-002, CTL-MOD-003");
        // A controller the stack reaped keeps its (now stale) reference in
        // ctl_ref: references are never reused (CTL-REG-015).
        if (rc == 0) s.mod_id[static_cast<size_t>(mod)] = 0;  // its code is gone
        check_agreement(nextState(m), s, "kmod_unload");
    }
    void show(std::ostream &os) const override {
        os << "kmod_unload(" << owner_name(mod) << (refuse ? ", stop refuses" : "") << ")";
    }
};

// The loopback family: remove it, or add it again (EEXIST while registered).
struct LoopDomainCmd : Cmd {
    bool add = *rc::gen::arbitrary<bool>();
    explicit LoopDomainCmd(const Model &) {}
    int expected(const Model &m) const {
        if (add) return m.loop_registered ? EEXIST : 0;
        if (!m.loop_registered) return EPFNOSUPPORT;
        if (m.dom_refs(DL) > 0 || m.global_filter_on_domain(DL)) return EBUSY;
        return 0;
    }
    void apply(Model &m) const override {
        if (expected(m) != 0) return;
        if (add) m.loop_registered = true;
        else m.remove_domain(DL);
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        int rc;
        if (add && !m.loop_registered) {
            s.loop_dom.reset();
            s.loop_dom.emplace();
            rc = s.loop_dom->rc();
        } else if (add) {
            rc = net_add_domain(&loop::LoopDomain::dom());
        } else {
            rc = net_del_domain(&loop::LoopDomain::dom());
        }
        expect_rc(rc, want, add ? "net_add_domain(loop)" : "net_del_domain(loop)",
                  add ? (want ? "DOM-ADD-004" : "DOM-ADD-001, DOM-DEL-006")
                      : want == EBUSY ? "DOM-DEL-004, DOM-DEL-005" : want ? "DOM-DEL-003" : "DOM-DEL-001");
        check_agreement(nextState(m), s, add ? "net_add_domain(loop)" : "net_del_domain(loop)");
    }
    void show(std::ostream &os) const override { os << (add ? "net_add_domain(loop)" : "net_del_domain(loop)"); }
};

// A module adds or removes its own family.
struct ModDomainCmd : Cmd {
    int mod = draw_mod();
    bool add = *rc::gen::arbitrary<bool>();
    explicit ModDomainCmd(const Model &) {}
    void checkPreconditions(const Model &m) const override {
        RC_PRE(m.mods[static_cast<size_t>(mod)].loaded);
        // Adding resets the module's structure: never while it is registered.
        RC_PRE(!(add && m.dom_registered[static_cast<size_t>(mod)]));
    }
    int expected(const Model &m) const {
        const int d = mod == 0 ? DA : DB;
        if (add) return 0;
        if (!m.dom_registered[static_cast<size_t>(mod)]) return EPFNOSUPPORT;
        if (m.dom_refs(d) > 0 || m.global_filter_on_domain(d)) return EBUSY;
        return 0;
    }
    void apply(Model &m) const override {
        if (expected(m) != 0) return;
        if (add) m.dom_registered[static_cast<size_t>(mod)] = true;
        else m.remove_domain(mod == 0 ? DA : DB);
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        prop_agent &a = s.agents[static_cast<size_t>(mod)];
        const int rc = add ? a.add_domain() : a.del_domain();
        expect_rc(rc, want, std::string(add ? "net_add_domain(" : "net_del_domain(") + owner_name(mod) + "'s family)",
                  add ? "DOM-ADD-001" : want == EBUSY ? "DOM-DEL-004, DOM-DEL-005" : want ? "DOM-DEL-003" : "DOM-DEL-001");
        check_agreement(nextState(m), s, "net_add/del_domain");
    }
    void show(std::ostream &os) const override {
        os << (add ? "net_add_domain(" : "net_del_domain(") << owner_name(mod) << "'s family)";
    }
};

// A module adds its protosw to a family (any owner's), or removes it.
struct ModProtoCmd : Cmd {
    int mod = draw_mod();
    bool add = *rc::gen::arbitrary<bool>();
    int target = *rc::gen::elementOf(std::vector<int>{DL, DA, DB});
    explicit ModProtoCmd(const Model &) {}
    void checkPreconditions(const Model &m) const override {
        RC_PRE(m.mods[static_cast<size_t>(mod)].loaded);
        RC_PRE(!(add && m.mp_in[static_cast<size_t>(mod)] >= 0));  // adding resets the structure
        // A module's struct domain may be named only while that module is loaded.
        // (RC_PRE captures its expression: || would not short-circuit.)
        const bool named_ok = target == DL || m.mods[static_cast<size_t>(target - DA)].loaded;
        RC_PRE(named_ok);
    }
    int expected(const Model &m) const {
        const int pr = MP0 + mod;
        if (add) return m.dom_registered_(target) ? 0 : EPFNOSUPPORT;
        const int in = m.mp_in[static_cast<size_t>(mod)];
        if (in < 0 || in != target || !m.dom_registered_(target)) return ENXIO;
        if (m.pr_refs(pr) > 0 || !m.glist[static_cast<size_t>(pr)].empty()) return EBUSY;
        return 0;
    }
    void apply(Model &m) const override {
        if (expected(m) != 0) return;
        m.mp_in[static_cast<size_t>(mod)] = add ? target : -1;
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        prop_agent &a = s.agents[static_cast<size_t>(mod)];
        struct domain *dp = s.domain_of(target);
        const int rc = add ? a.add_proto(dp) : a.del_proto(dp);
        std::ostringstream call;
        show(call);
        expect_rc(rc, want, call.str(),
                  add ? (want ? "PROTO-ADD-005" : "PROTO-ADD-001") : want == ENXIO ? "PROTO-DEL-003"
                  : want == EBUSY ? "PROTO-DEL-004, PROTO-DEL-005" : "PROTO-DEL-001");
        check_agreement(nextState(m), s, call.str());
    }
    void show(std::ostream &os) const override {
        os << (add ? "net_add_proto(" : "net_del_proto(") << owner_name(mod) << ".proto, " << kDomName[target] << ")";
    }
};

// nke_socket of any protosw.
struct MakeSocket : Cmd {
    int pr = *rc::gen::inRange(0, static_cast<int>(kPrCount));
    explicit MakeSocket(const Model &) {}
    void apply(Model &m) const override {
        if (m.pr_registered(pr)) m.new_sock(pr, true);
    }
    void run(const Model &m, Sut &s) const override {
        int family = loop::kFamily, type = SOCK_DGRAM, proto = 0;
        switch (pr) {
        case LS: type = SOCK_STREAM; proto = loop::kStreamProto; break;
        case LD: proto = loop::kDgramProto; break;
        case MD0: case MD1: family = kModFamily[pr - MD0]; proto = 1; break;
        case MP0: case MP1: {
            const int in = m.mp_in[static_cast<size_t>(pr - MP0)];
            family = in == DA ? kModFamily[0] : in == DB ? kModFamily[1] : loop::kFamily;
            proto = kModProtocol[pr - MP0];
            break;
        }
        default: family = PF_SYSTEM; proto = SYSPROTO_CONTROL; break;
        }
        const int fd = nke_socket(family, type, proto);
        const int rc = fd < 0 ? errno : 0;
        expect_rc(rc, m.pr_registered(pr) ? 0 : EPROTONOSUPPORT, std::string("nke_socket(") + kPrName[pr] + ")",
                  m.pr_registered(pr) ? "SOCK-CREATE-001, DOM-REFS-001" : "SOCK-CREATE-002");
        if (fd >= 0) s.fds.push_back(fd);
        check_agreement(nextState(m), s, std::string("nke_socket(") + kPrName[pr] + ")");
    }
    void show(std::ostream &os) const override { os << "nke_socket(" << kPrName[pr] << ")"; }
};

struct CloseSocket : Cmd {
    int sock;
    explicit CloseSocket(const Model &m) : sock(draw_index_open(m, true)) {}
    void checkPreconditions(const Model &m) const override {
        const bool ok = static_cast<size_t>(sock) < m.socks.size() && m.socks[static_cast<size_t>(sock)].open &&
                        m.socks[static_cast<size_t>(sock)].has_fd;
        RC_PRE(ok);
    }
    void apply(Model &m) const override { m.free_sock(sock); }
    void run(const Model &m, Sut &s) const override {
        const int rc = sys_rc(nke_close(s.fds[static_cast<size_t>(sock)]));
        s.fds[static_cast<size_t>(sock)] = -1;
        expect_rc(rc, 0, "nke_close(s" + std::to_string(sock) + ")", "SOCK-CLOSE-001");
        check_agreement(nextState(m), s, "nke_close(s" + std::to_string(sock) + ")");
    }
    void show(std::ostream &os) const override { os << "nke_close(s" << sock << ")"; }
};

// Bind a loop stream socket to a fresh port and listen (non-blocking).
struct Listen : Cmd {
    int sock;
    explicit Listen(const Model &m) {
        std::vector<int> v;
        for (size_t k = 0; k < m.socks.size(); ++k)
            if (m.socks[k].open && m.socks[k].has_fd && m.socks[k].pr == LS && !m.socks[k].listener &&
                !m.socks[k].connected)
                v.push_back(static_cast<int>(k));
        RC_PRE(!v.empty());
        sock = *rc::gen::elementOf(v);
    }
    void checkPreconditions(const Model &m) const override {
        const bool ok = static_cast<size_t>(sock) < m.socks.size() && m.socks[static_cast<size_t>(sock)].open &&
                        m.socks[static_cast<size_t>(sock)].pr == LS && !m.socks[static_cast<size_t>(sock)].listener &&
                        !m.socks[static_cast<size_t>(sock)].connected;
        RC_PRE(ok);
    }
    void apply(Model &m) const override { m.socks[static_cast<size_t>(sock)].listener = true; }
    void run(const Model &m, Sut &s) const override {
        const int fd = s.fds[static_cast<size_t>(sock)];
        const auto a = loop::addr(static_cast<uint16_t>(s.next_port++));
        int on = 1;
        const int b = sys_rc(nke_bind(fd, loop::sa(a), loop::kAddrLen));
        const int l = b ? b : sys_rc(nke_listen(fd, 2));
        const int n = l ? l : sys_rc(nke_ioctl(fd, FIONBIO, &on));
        expect_rc(n, 0, "bind+listen(s" + std::to_string(sock) + ")", "SOCK-BIND-001, SOCK-LISTEN-001");
        check_agreement(nextState(m), s, "listen");
    }
    void show(std::ostream &os) const override { os << "bind+listen(s" << sock << ")"; }
};

int queued(const Model &m, int listener) {
    int n = 0;
    for (const MSock &x : m.socks) n += x.open && x.head == listener;
    return n;
}

// A new loop stream socket connects to a listener: sonewconn queues a
// connection (complete, in the fixture's immediate mode).
struct Connect : Cmd {
    int listener;
    explicit Connect(const Model &m) {
        std::vector<int> v;
        for (size_t k = 0; k < m.socks.size(); ++k)
            if (m.socks[k].open && m.socks[k].listener) v.push_back(static_cast<int>(k));
        RC_PRE(!v.empty());
        listener = *rc::gen::elementOf(v);
    }
    void checkPreconditions(const Model &m) const override {
        const bool ok = static_cast<size_t>(listener) < m.socks.size() && m.socks[static_cast<size_t>(listener)].open &&
                        m.socks[static_cast<size_t>(listener)].listener && m.loop_registered &&
                        queued(m, listener) < 3;  // below the backlog limit (SOCK-LISTEN-002)
        RC_PRE(ok);
    }
    void apply(Model &m) const override {
        const int a = m.new_sock(LS, true);
        const int c = m.new_sock(LS, false);
        m.socks[static_cast<size_t>(c)].head = listener;
        m.socks[static_cast<size_t>(a)].connected = m.socks[static_cast<size_t>(c)].connected = true;
    }
    void run(const Model &m, Sut &s) const override {
        const int fd = nke_socket(loop::kFamily, SOCK_STREAM, loop::kStreamProto);
        expect_rc(fd < 0 ? errno : 0, 0, "nke_socket(loop.stream)", "SOCK-CREATE-001");
        s.fds.push_back(fd);
        s.fds.push_back(-1);  // the queued connection has no descriptor yet
        struct sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        (void)nke_getsockname(s.fds[static_cast<size_t>(listener)], reinterpret_cast<struct sockaddr *>(&ss), &len);
        const int rc = sys_rc(nke_connect(fd, reinterpret_cast<struct sockaddr *>(&ss), loop::kAddrLen));
        expect_rc(rc, 0, "nke_connect(to s" + std::to_string(listener) + ")", "SOCK-CONNECT-001, SOCK-NEWCONN-001");
        check_agreement(nextState(m), s, "connect to s" + std::to_string(listener));
    }
    void show(std::ostream &os) const override { os << "connect a new loop.stream socket to s" << listener; }
};

struct Accept : Cmd {
    int listener;
    explicit Accept(const Model &m) {
        std::vector<int> v;
        for (size_t k = 0; k < m.socks.size(); ++k)
            if (m.socks[k].open && m.socks[k].listener) v.push_back(static_cast<int>(k));
        RC_PRE(!v.empty());
        listener = *rc::gen::elementOf(v);
    }
    void checkPreconditions(const Model &m) const override {
        const bool ok = static_cast<size_t>(listener) < m.socks.size() && m.socks[static_cast<size_t>(listener)].open &&
                        m.socks[static_cast<size_t>(listener)].listener;
        RC_PRE(ok);
    }
    int oldest(const Model &m) const {
        for (size_t k = 0; k < m.socks.size(); ++k)
            if (m.socks[k].open && m.socks[k].head == listener) return static_cast<int>(k);
        return -1;
    }
    void apply(Model &m) const override {
        const int c = oldest(m);
        if (c < 0) return;
        m.socks[static_cast<size_t>(c)].head = -1;
        m.socks[static_cast<size_t>(c)].has_fd = true;
    }
    void run(const Model &m, Sut &s) const override {
        const int c = oldest(m);
        const int fd = nke_accept(s.fds[static_cast<size_t>(listener)], nullptr, nullptr);
        expect_rc(fd < 0 ? errno : 0, c < 0 ? EWOULDBLOCK : 0, "nke_accept(s" + std::to_string(listener) + ")",
                  c < 0 ? "SOCK-ACCEPT-003" : "SOCK-ACCEPT-002");
        if (fd >= 0) s.fds[static_cast<size_t>(c)] = fd;
        check_agreement(nextState(m), s, "nke_accept");
    }
    void show(std::ostream &os) const override { os << "nke_accept(s" << listener << ")"; }
};

// register_sockfilter of a filter slot, global on a protosw or programmatic.
struct SfRegister : Cmd {
    int slot = *rc::gen::inRange(0, kSfSlots);
    bool global = *rc::gen::arbitrary<bool>();
    int pr = *rc::gen::inRange(0, static_cast<int>(kPrCount));
    explicit SfRegister(const Model &) {}
    void checkPreconditions(const Model &m) const override {
        const int o = sf_owner(slot);
        RC_PRE(m.owner_ok(o));
        // A module's descriptor is rebuilt by its register call: never while registered.
        RC_PRE(!(o >= 0 && m.filters[static_cast<size_t>(slot)].registered));
        // A module protosw may be named only while its module is loaded.
        const int po = m.owner_of_pr(pr);
        const bool named_ok = !global || po < 0 || m.mods[static_cast<size_t>(po)].loaded;
        RC_PRE(named_ok);
    }
    int expected(const Model &m) const {
        if (m.filters[static_cast<size_t>(slot)].registered) return EEXIST;
        if (global && !m.pr_registered(pr)) return ENOENT;
        return 0;
    }
    // A registered global descriptor called again with pr NULL is refused
    // with EEXIST (SF-REG-004) or EINVAL (SF-REG-003): both rules apply, and
    // the chapter does not order them.
    bool also_einval(const Model &m) const {
        const MFilter &f = m.filters[static_cast<size_t>(slot)];
        return f.registered && f.global && !global;
    }
    void apply(Model &m) const override {
        if (expected(m) != 0) return;
        MFilter &f = m.filters[static_cast<size_t>(slot)];
        f.registered = true;
        f.global = global;
        f.pr = global ? pr : -1;
        if (global) m.glist[static_cast<size_t>(pr)].push_back(slot);  // NFF_AFTER, no nfp1: last
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        struct protosw *p = global ? s.protosw_of(pr) : nullptr;
        int rc;
        if (slot < 2) {
            NFDescriptor &n = s.tfilters[static_cast<size_t>(slot)].nfd;
            // The stack owns a registered descriptor (SF-REG-010): touch it only when not.
            if (!m.filters[static_cast<size_t>(slot)].registered) n.nf_flags = global ? NFD_GLOBAL : NFD_PROG;
            rc = register_sockfilter(&n, nullptr, p, NFF_AFTER);
        } else {
            rc = s.agents[static_cast<size_t>(slot - 2)].register_sf(global, p, nullptr, NFF_AFTER);
        }
        std::ostringstream call;
        show(call);
        if (!(also_einval(m) && rc == EINVAL))
            expect_rc(rc, want, call.str(), want == EEXIST ? "SF-REG-004" : want ? "SF-REG-005" : "SF-REG-001, SF-REG-006");
        check_agreement(nextState(m), s, call.str());
    }
    void show(std::ostream &os) const override {
        os << "register_sockfilter(f" << slot << " of " << owner_name(sf_owner(slot)) << ", "
           << (global ? std::string("global on ") + kPrName[pr] : std::string("programmatic")) << ")";
    }
};

struct SfUnregister : Cmd {
    int slot = *rc::gen::inRange(0, kSfSlots);
    explicit SfUnregister(const Model &) {}
    void checkPreconditions(const Model &m) const override {
        const int o = sf_owner(slot);
        RC_PRE(m.owner_ok(o));
    }
    int expected(const Model &m) const {
        if (!m.filters[static_cast<size_t>(slot)].registered) return ENOENT;
        if (m.carries(slot)) return EBUSY;
        return 0;
    }
    void apply(Model &m) const override {
        if (expected(m) == 0) m.unregister_filter(slot);
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        const MFilter &f = m.filters[static_cast<size_t>(slot)];
        struct protosw *p = f.registered && f.global ? s.protosw_of(f.pr) : nullptr;
        const int rc = slot < 2 ? unregister_sockfilter(&s.tfilters[static_cast<size_t>(slot)].nfd, p, 0)
                                : s.agents[static_cast<size_t>(slot - 2)].unregister_sf(p);
        expect_rc(rc, want, "unregister_sockfilter(f" + std::to_string(slot) + ")",
                  want == ENOENT ? "SF-UNREG-002" : want == EBUSY ? "SF-UNREG-003" : "SF-UNREG-001");
        check_agreement(nextState(m), s, "unregister_sockfilter");
    }
    void show(std::ostream &os) const override { os << "unregister_sockfilter(f" << slot << ")"; }
};

// setsockopt(SO_NKE): insert a filter at the end of a socket's chain.
struct SoNke : Cmd {
    int sock;
    int slot = *rc::gen::inRange(0, kSfSlots);
    explicit SoNke(const Model &m) : sock(draw_index_open(m, true)) {}
    void checkPreconditions(const Model &m) const override {
        const bool ok = static_cast<size_t>(sock) < m.socks.size() && m.socks[static_cast<size_t>(sock)].open &&
                        m.socks[static_cast<size_t>(sock)].has_fd;
        RC_PRE(ok);
    }
    int expected(const Model &m) const {
        if (!m.filters[static_cast<size_t>(slot)].registered) return ENXIO;
        const auto &fl = m.socks[static_cast<size_t>(sock)].filters;
        if (std::count(fl.begin(), fl.end(), slot)) return EEXIST;
        return 0;
    }
    void apply(Model &m) const override {
        if (expected(m) != 0) return;
        m.socks[static_cast<size_t>(sock)].filters.push_back(slot);
        ++m.filters[static_cast<size_t>(slot)].socreate;
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        so_nke req{kSfHandle[slot], 0, NFF_AFTER};
        const int rc = sys_rc(nke_setsockopt(s.fds[static_cast<size_t>(sock)], SOL_SOCKET, SO_NKE, &req, sizeof req));
        expect_rc(rc, want, "SO_NKE(s" + std::to_string(sock) + ", f" + std::to_string(slot) + ")",
                  want == ENXIO ? "SF-SONKE-003" : want == EEXIST ? "SF-SONKE-004" : "SF-SONKE-005, SF-SONKE-006, SF-SONKE-008");
        check_agreement(nextState(m), s, "SO_NKE");
    }
    void show(std::ostream &os) const override { os << "SO_NKE(s" << sock << ", f" << slot << ", after, last)"; }
};

struct CtlRegister : Cmd {
    int slot = *rc::gen::inRange(0, kCtlSlots);
    explicit CtlRegister(const Model &) {}
    void checkPreconditions(const Model &m) const override { RC_PRE(m.owner_ok(ctl_owner(slot))); }
    void apply(Model &m) const override {
        MCtl &c = m.ctls[static_cast<size_t>(slot)];
        if (!c.registered) c.registered = c.ever = true;
    }
    void run(const Model &m, Sut &s) const override {
        const bool busy = m.ctls[static_cast<size_t>(slot)].registered;
        kern_ctl_ref ref = nullptr;
        int rc;
        if (slot == 0) {
            kern_ctl_reg r{};
            r.ctl_id = kCtlId;
            r.ctl_unit = 0;
            r.ctl_connect = Sut::t_ctl_connect;
            r.ctl_disconnect = Sut::t_ctl_disconnect;
            rc = ctl_register(&r, nullptr, &ref);
        } else {
            rc = s.agents[static_cast<size_t>(slot - 1)].ctl_register(kCtlId, static_cast<uint32_t>(slot), &ref);
        }
        expect_rc(rc, busy ? EEXIST : 0, "ctl_register(c" + std::to_string(slot) + ")", busy ? "CTL-REG-006" : "CTL-REG-001");
        if (rc == 0) s.ctl_ref[static_cast<size_t>(slot)] = ref;
        check_agreement(nextState(m), s, "ctl_register");
    }
    void show(std::ostream &os) const override { os << "ctl_register(c" << slot << " of " << owner_name(ctl_owner(slot)) << ")"; }
};

struct CtlDeregister : Cmd {
    int slot = *rc::gen::inRange(0, kCtlSlots);
    explicit CtlDeregister(const Model &m) { RC_PRE(m.ctls[static_cast<size_t>(slot)].ever); }
    void checkPreconditions(const Model &m) const override { RC_PRE(m.ctls[static_cast<size_t>(slot)].ever); }
    int expected(const Model &m) const {
        const MCtl &c = m.ctls[static_cast<size_t>(slot)];
        if (!c.registered) return EINVAL;
        return c.client >= 0 ? EBUSY : 0;
    }
    void apply(Model &m) const override {
        if (expected(m) == 0) m.ctls[static_cast<size_t>(slot)].registered = false;
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        // A stale reference (deregistered, or reaped with its module) must be refused.
        kern_ctl_ref ref = s.ctl_ref[static_cast<size_t>(slot)];
        const int rc = ref ? ctl_deregister(ref) : EINVAL;
        expect_rc(rc, want, "ctl_deregister(c" + std::to_string(slot) + ")",
                  want == EINVAL ? "CTL-DEREG-003" : want == EBUSY ? "CTL-DEREG-004" : "CTL-DEREG-001");
        check_agreement(nextState(m), s, "ctl_deregister");
    }
    void show(std::ostream &os) const override { os << "ctl_deregister(c" << slot << ")"; }
};

// A new control socket connects to a controller.
struct CtlConnect : Cmd {
    int slot = *rc::gen::inRange(0, kCtlSlots);
    explicit CtlConnect(const Model &) {}
    int expected(const Model &m) const {
        const MCtl &c = m.ctls[static_cast<size_t>(slot)];
        if (!c.registered) return EADDRNOTAVAIL;
        return c.client >= 0 ? EBUSY : 0;
    }
    void apply(Model &m) const override {
        const int want = expected(m);
        const int k = m.new_sock(CTL, true);
        if (want == 0) {
            m.socks[static_cast<size_t>(k)].ctl = slot;
            m.ctls[static_cast<size_t>(slot)].client = k;
            ++m.ctls[static_cast<size_t>(slot)].connects;
        }
    }
    void run(const Model &m, Sut &s) const override {
        const int fd = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
        expect_rc(fd < 0 ? errno : 0, 0, "nke_socket(PF_SYSTEM, control)", "CTL-DOMAIN-003");
        s.fds.push_back(fd);
        sockaddr_ctl a{};
        a.sc_len = sizeof a;
        a.sc_family = AF_SYSTEM;
        a.ss_sysaddr = AF_SYS_CONTROL;
        a.sc_id = kCtlId;
        a.sc_unit = static_cast<uint32_t>(slot);
        const int want = expected(m);
        const int rc = sys_rc(nke_connect(fd, reinterpret_cast<const struct sockaddr *>(&a), sizeof a));
        expect_rc(rc, want, "nke_connect(c" + std::to_string(slot) + ")",
                  want == EADDRNOTAVAIL ? "CTL-CONNECT-007" : want == EBUSY ? "CTL-CONNECT-010" : "CTL-CONNECT-012");
        check_agreement(nextState(m), s, "connect to c" + std::to_string(slot));
    }
    void show(std::ostream &os) const override { os << "connect a new control socket to c" << slot; }
};

}  // namespace

NKE_PROP(LifecycleProps, SocketsFiltersControllersMatchModel,
         "DOM-ADD-001", "DOM-ADD-004", "DOM-ADD-007", "DOM-DEL-001", "DOM-DEL-003", "DOM-DEL-004",
         "DOM-DEL-005", "DOM-DEL-006", "DOM-REFS-001", "DOM-REFS-003", "PROTO-REFS-001",
         "PROTO-ADD-001", "PROTO-ADD-005", "PROTO-DEL-001", "PROTO-DEL-003", "PROTO-DEL-004",
         "PROTO-DEL-005", "DOM-MOD-001", "DOM-MOD-002", "DOM-MOD-003", "PROTO-MOD-001",
         "SOCK-CREATE-001", "SOCK-CREATE-002", "SOCK-CLOSE-001", "SOCK-CLOSE-002", "SOCK-LISTEN-001",
         "SOCK-ACCEPT-002", "SOCK-ACCEPT-003", "SOCK-NEWCONN-001", "SOCK-NEWCONN-002",
         "SF-REG-001", "SF-REG-004", "SF-REG-005", "SF-UNREG-001", "SF-UNREG-002", "SF-UNREG-003",
         "SF-ATTACH-001", "SF-ATTACH-002", "SF-ATTACH-005", "SF-SONKE-003", "SF-SONKE-004",
         "SF-SONKE-006", "SF-SONKE-008", "SF-HOOK-011", "SF-MOD-001", "SF-MOD-002",
         "CTL-REG-001", "CTL-REG-006", "CTL-DEREG-001", "CTL-DEREG-003", "CTL-DEREG-004",
         "CTL-CONNECT-007", "CTL-CONNECT-010", "CTL-CONNECT-012", "CTL-DISC-001", "CTL-DISC-002",
         "CTL-MOD-001", "CTL-MOD-003", "KMOD-LOAD-005", "KMOD-REF-001", "KMOD-UNLOAD-002",
         "KMOD-UNLOAD-003", "KMOD-UNLOAD-005", "KMOD-OWN-002", "HARN-COUNT-002") {
    Model m0;
    Sut sut;
    rc::state::check(m0, sut,
                     rc::state::gen::execOneOfWithArgs<LoadMod, UnloadMod, LoopDomainCmd, ModDomainCmd, ModProtoCmd,
                                                      MakeSocket, MakeSocket, CloseSocket, CloseSocket, Listen,
                                                      Connect, Accept, SfRegister, SfUnregister, SoNke, CtlRegister,
                                                      CtlDeregister, CtlConnect>());
    sut.release_all();
    // Everything is gone, look-ups included.
    for (int fam : {loop::kFamily, kModFamily[0], kModFamily[1]})
        if (pffinddomain(fam) != nullptr)
            RC_FAIL("after releasing everything, pffinddomain(" + std::to_string(fam) +
                    ") still finds a domain (DOM-DEL-001, DOM-MOD-002, KMOD-UNLOAD-005)");
}

// ===========================================================================
// 2. Socket-filter ordering.

namespace {
namespace sfo {

constexpr int kFilters = 5;
constexpr unsigned kHandle0 = 0x5f000001u;

std::vector<std::string> g_trace;
std::vector<unsigned> g_chain;  // so_getext chain seen by the first hook of a walk
bool g_chain_taken = false;

unsigned handle_of(const struct kextcb *kp) { return kp->e_nfd->nf_handle; }
std::string fname(unsigned h) { return "F" + std::to_string(h - kHandle0); }

void take_chain(struct socket *so) {
    if (g_chain_taken) return;
    g_chain_taken = true;
    g_chain.clear();
    int guard = 0;
    for (struct kextcb *k = so_getext(so); k != nullptr && guard < 64; k = k->e_next, ++guard)
        g_chain.push_back(handle_of(k));
}
int h_socontrol(struct socket *so, struct sockopt *, struct kextcb *kp) {
    take_chain(so);
    g_trace.push_back(fname(handle_of(kp)) + ":socontrol");
    return 0;
}
int h_soclose(struct socket *so, struct kextcb *kp) {
    take_chain(so);
    g_trace.push_back(fname(handle_of(kp)) + ":soclose");
    return 0;
}
int h_sofree(struct socket *, struct kextcb *kp) {
    g_trace.push_back(fname(handle_of(kp)) + ":sofree");
    return 0;
}

struct Model {
    std::array<int, kFilters> reg{};  // 0: not registered; 1: global on loop.stream; 2: programmatic
    std::vector<int> glist;           // global filters, in attach order
    std::vector<std::vector<int>> socks;  // each socket's chain
    std::vector<bool> open;
    bool carries(int f) const {
        for (size_t k = 0; k < socks.size(); ++k)
            if (open[k] && std::count(socks[k].begin(), socks[k].end(), f)) return true;
        return false;
    }
};

struct Sut {
    std::optional<loop::LoopDomain> dom;
    std::array<NFDescriptor, kFilters> nfd{};
    sockif soif{};
    sockutil sout{};
    std::vector<int> fds;
    Sut() {
        dom.emplace();
        if (dom->rc() != 0) RC_FAIL("setup: the loopback family did not register (DOM-ADD-001)");
        soif.sf_socontrol = h_socontrol;
        soif.sf_soclose = h_soclose;
        soif.sf_sofree = h_sofree;
        for (int k = 0; k < kFilters; ++k) {
            nfd[static_cast<size_t>(k)].nf_handle = kHandle0 + static_cast<unsigned>(k);
            nfd[static_cast<size_t>(k)].nf_soif = &soif;
            nfd[static_cast<size_t>(k)].nf_soutil = &sout;
        }
    }
    Sut(const Sut &) = delete;
    Sut &operator=(const Sut &) = delete;
    ~Sut() {
        for (int fd : fds)
            if (fd >= 0) (void)nke_close(fd);
        for (auto &n : nfd)
            if (unregister_sockfilter(&n, &loop::LoopDomain::stream(), 0) == EINVAL) (void)unregister_sockfilter(&n, nullptr, 0);
        dom.reset();
    }
};

std::string names(const std::vector<int> &v) {
    std::string s;
    for (int f : v) s += (s.empty() ? "" : " ") + std::string("F") + std::to_string(f);
    return s.empty() ? "(none)" : s;
}
std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v) s += (s.empty() ? "" : " ") + x;
    return s.empty() ? "(nothing)" : s;
}

// Every live socket's chain: as so_getext/e_next, and as the order of the
// sf_socontrol hooks of a getsockopt.
void probe(const Model &m, Sut &s, const std::string &after) {
    for (size_t k = 0; k < m.socks.size(); ++k) {
        if (!m.open[k]) continue;
        g_trace.clear();
        g_chain_taken = false;
        g_chain.clear();
        int v = 0;
        socklen_t len = sizeof v;
        (void)nke_getsockopt(s.fds[k], SOL_SOCKET, SO_TYPE, &v, &len);
        std::vector<std::string> want;
        std::vector<unsigned> want_chain;
        for (int f : m.socks[k]) {
            want.push_back("F" + std::to_string(f) + ":socontrol");
            want_chain.push_back(kHandle0 + static_cast<unsigned>(f));
        }
        if (g_trace != want)
            RC_FAIL("socket s" + std::to_string(k) + " after " + after + ": the sf_socontrol hooks ran as " + join(g_trace) +
                    ", the model's chain is " + names(m.socks[k]) +
                    " (SF-HOOK-001, SF-HOOK-008, SF-ATTACH-001, SF-REG-006, SF-SONKE-005)");
        if (!want.empty() && g_chain != want_chain)
            RC_FAIL("socket s" + std::to_string(k) + " after " + after +
                    ": so_getext/e_next does not list the model's chain " + names(m.socks[k]) + " (SF-ATTACH-001)");
    }
}

using Cmd = rc::state::Command<Model, Sut>;

void expect_one_of(int got, std::initializer_list<int> ok, const std::string &call, const char *rules) {
    for (int x : ok)
        if (got == x) return;
    std::string w;
    for (int x : ok) w += (w.empty() ? "" : " or ") + err_name(x);
    RC_FAIL(call + " returned " + err_name(got) + ", the model expects " + w + " (" + rules + ")");
}

// register_sockfilter: global on loop.stream (before/after nfp1 or an end),
// or programmatic.
struct Register : Cmd {
    int f = *rc::gen::inRange(0, kFilters);
    bool global = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    int flags = *rc::gen::element(NFF_BEFORE, NFF_AFTER, 0);
    int nfp1 = *rc::gen::inRange(-1, kFilters);  // -1: NULL
    explicit Register(const Model &) {}
    std::vector<int> expected(const Model &m) const {
        std::vector<int> ok;
        if (m.reg[static_cast<size_t>(f)]) ok.push_back(EEXIST);
        // The descriptor is still NFD_GLOBAL and pr is NULL: SF-REG-003 applies too.
        if (m.reg[static_cast<size_t>(f)] == 1 && !global) ok.push_back(EINVAL);
        if (global && nfp1 >= 0 && m.reg[static_cast<size_t>(nfp1)] != 1 && ok.size() < 2) ok.push_back(ENOENT);
        if (ok.empty()) ok.push_back(0);
        return ok;
    }
    void apply(Model &m) const override {
        if (expected(m) != std::vector<int>{0}) return;
        m.reg[static_cast<size_t>(f)] = global ? 1 : 2;
        if (!global) return;
        auto &l = m.glist;
        if (flags == NFF_BEFORE) l.insert(nfp1 < 0 ? l.begin() : std::find(l.begin(), l.end(), nfp1), f);
        else l.insert(nfp1 < 0 ? l.end() : std::find(l.begin(), l.end(), nfp1) + 1, f);
    }
    void run(const Model &m, Sut &s) const override {
        NFDescriptor &n = s.nfd[static_cast<size_t>(f)];
        if (!m.reg[static_cast<size_t>(f)]) n.nf_flags = global ? NFD_GLOBAL : NFD_PROG;
        const int rc = register_sockfilter(&n, nfp1 < 0 ? nullptr : &s.nfd[static_cast<size_t>(nfp1)],
                                           global ? &loop::LoopDomain::stream() : nullptr, flags);
        const auto ok = expected(m);
        std::ostringstream call;
        show(call);
        if (ok.size() == 1) expect_one_of(rc, {ok[0]}, call.str(), "SF-REG-001, SF-REG-004, SF-REG-005, SF-REG-006");
        else expect_one_of(rc, {ok[0], ok[1]}, call.str(), "SF-REG-003, SF-REG-004, SF-REG-005");
        probe(nextState(m), s, call.str());
    }
    void show(std::ostream &os) const override {
        os << "register F" << f;
        if (!global) {
            os << " programmatic";
            return;
        }
        os << " global, " << (flags == NFF_BEFORE ? "NFF_BEFORE" : flags == NFF_AFTER ? "NFF_AFTER" : "flags 0")
           << ", nfp1 " << (nfp1 < 0 ? std::string("NULL") : "F" + std::to_string(nfp1));
    }
};

struct Unregister : Cmd {
    int f = *rc::gen::inRange(0, kFilters);
    explicit Unregister(const Model &) {}
    int expected(const Model &m) const {
        if (!m.reg[static_cast<size_t>(f)]) return ENOENT;
        return m.carries(f) ? EBUSY : 0;
    }
    void apply(Model &m) const override {
        if (expected(m) != 0) return;
        if (m.reg[static_cast<size_t>(f)] == 1) m.glist.erase(std::find(m.glist.begin(), m.glist.end(), f));
        m.reg[static_cast<size_t>(f)] = 0;
    }
    void run(const Model &m, Sut &s) const override {
        const int rc = unregister_sockfilter(&s.nfd[static_cast<size_t>(f)],
                                             m.reg[static_cast<size_t>(f)] == 1 ? &loop::LoopDomain::stream() : nullptr, 0);
        expect_one_of(rc, {expected(m)}, "unregister F" + std::to_string(f), "SF-UNREG-001, SF-UNREG-002, SF-UNREG-003");
        probe(nextState(m), s, "unregister F" + std::to_string(f));
    }
    void show(std::ostream &os) const override { os << "unregister F" << f; }
};

struct NewSocket : Cmd {
    explicit NewSocket(const Model &m) { RC_PRE(m.socks.size() < 6); }
    void apply(Model &m) const override {
        m.socks.push_back(m.glist);
        m.open.push_back(true);
    }
    void run(const Model &m, Sut &s) const override {
        g_trace.clear();
        const int fd = nke_socket(loop::kFamily, SOCK_STREAM, loop::kStreamProto);
        if (fd < 0) RC_FAIL(std::string("nke_socket(loop.stream) failed: ") + std::strerror(errno) + " (SOCK-CREATE-001)");
        s.fds.push_back(fd);
        probe(nextState(m), s, "nke_socket");
    }
    void show(std::ostream &os) const override { os << "nke_socket(loop.stream)"; }
};

// setsockopt(SO_NKE) with nke_where 0, a filter on the socket, a registered
// filter that is not on it, or an unknown handle.
struct SoNke : Cmd {
    int sock, f = *rc::gen::inRange(0, kFilters);
    bool before = *rc::gen::arbitrary<bool>();
    int where = *rc::gen::inRange(-2, kFilters);  // -1: 0 (none); -2: an unknown handle
    explicit SoNke(const Model &m) {
        std::vector<int> v;
        for (size_t k = 0; k < m.socks.size(); ++k)
            if (m.open[k]) v.push_back(static_cast<int>(k));
        RC_PRE(!v.empty());
        sock = *rc::gen::elementOf(v);
    }
    void checkPreconditions(const Model &m) const override {
        const bool ok = static_cast<size_t>(sock) < m.socks.size() && m.open[static_cast<size_t>(sock)];
        RC_PRE(ok);
    }
    std::vector<int> expected(const Model &m) const {
        const auto &c = m.socks[static_cast<size_t>(sock)];
        std::vector<int> ok;
        const bool bad_where = where == -2 || (where >= 0 && (!m.reg[static_cast<size_t>(where)] ||
                                                               !std::count(c.begin(), c.end(), where)));
        if (!m.reg[static_cast<size_t>(f)] || bad_where) ok.push_back(ENXIO);
        if (m.reg[static_cast<size_t>(f)] && std::count(c.begin(), c.end(), f)) ok.push_back(EEXIST);
        if (ok.empty()) ok.push_back(0);
        return ok;
    }
    void apply(Model &m) const override {
        if (expected(m) != std::vector<int>{0}) return;
        auto &c = m.socks[static_cast<size_t>(sock)];
        if (where < 0) c.insert(before ? c.begin() : c.end(), f);  // SF-SONKE-005
        else c.insert(std::find(c.begin(), c.end(), where) + (before ? 0 : 1), f);
    }
    void run(const Model &m, Sut &s) const override {
        so_nke req{kHandle0 + static_cast<unsigned>(f),
                   where == -1 ? 0u : where == -2 ? 0x5f0000ffu : kHandle0 + static_cast<unsigned>(where),
                   before ? NFF_BEFORE : NFF_AFTER};
        const int r = nke_setsockopt(s.fds[static_cast<size_t>(sock)], SOL_SOCKET, SO_NKE, &req, sizeof req);
        const int rc = r < 0 ? errno : 0;
        const auto ok = expected(m);
        std::ostringstream call;
        show(call);
        if (ok.size() == 1) expect_one_of(rc, {ok[0]}, call.str(), "SF-SONKE-003, SF-SONKE-004, SF-SONKE-005");
        else expect_one_of(rc, {ok[0], ok[1]}, call.str(), "SF-SONKE-003, SF-SONKE-004");
        probe(nextState(m), s, call.str());
    }
    void show(std::ostream &os) const override {
        os << "SO_NKE(s" << sock << ", F" << f << ", " << (before ? "NFF_BEFORE" : "NFF_AFTER") << ", nke_where "
           << (where == -1 ? std::string("0") : where == -2 ? std::string("unknown") : "F" + std::to_string(where)) << ")";
    }
};

// Closing runs sf_soclose in chain order, then sf_sofree once per filter.
struct Close : Cmd {
    int sock;
    explicit Close(const Model &m) {
        std::vector<int> v;
        for (size_t k = 0; k < m.socks.size(); ++k)
            if (m.open[k]) v.push_back(static_cast<int>(k));
        RC_PRE(!v.empty());
        sock = *rc::gen::elementOf(v);
    }
    void checkPreconditions(const Model &m) const override {
        const bool ok = static_cast<size_t>(sock) < m.socks.size() && m.open[static_cast<size_t>(sock)];
        RC_PRE(ok);
    }
    void apply(Model &m) const override { m.open[static_cast<size_t>(sock)] = false; }
    void run(const Model &m, Sut &s) const override {
        g_trace.clear();
        (void)nke_close(s.fds[static_cast<size_t>(sock)]);
        s.fds[static_cast<size_t>(sock)] = -1;
        const auto &c = m.socks[static_cast<size_t>(sock)];
        std::vector<std::string> closes, frees;
        for (const auto &x : g_trace) (x.find(":soclose") != std::string::npos ? closes : frees).push_back(x);
        std::vector<std::string> want_closes, want_frees_sorted;
        for (int f : c) {
            want_closes.push_back("F" + std::to_string(f) + ":soclose");
            want_frees_sorted.push_back("F" + std::to_string(f) + ":sofree");
        }
        if (closes != want_closes)
            RC_FAIL("closing s" + std::to_string(sock) + ": sf_soclose ran as " + join(closes) + ", the chain is " + names(c) +
                    " (SF-HOOK-001, SF-HOOK-010)");
        std::sort(frees.begin(), frees.end());
        std::sort(want_frees_sorted.begin(), want_frees_sorted.end());
        if (frees != want_frees_sorted)
            RC_FAIL("closing s" + std::to_string(sock) + ": sf_sofree ran as " + join(frees) + ", once per filter of " +
                    names(c) + " expected (SF-HOOK-011)");
        const size_t first_free = g_trace.empty() ? 0 : static_cast<size_t>(
            std::find_if(g_trace.begin(), g_trace.end(), [](const std::string &x) { return x.find(":sofree") != std::string::npos; }) -
            g_trace.begin());
        if (first_free < closes.size())
            RC_FAIL("closing s" + std::to_string(sock) + ": an sf_sofree ran before the last sf_soclose: " + join(g_trace) +
                    " (SF-HOOK-011)");
        probe(nextState(m), s, "close s" + std::to_string(sock));
    }
    void show(std::ostream &os) const override { os << "nke_close(s" << sock << ")"; }
};

}  // namespace sfo
}  // namespace

NKE_PROP(OrderingProps, SocketFilterChainsFollowTheModel,
         "SF-REG-001", "SF-REG-004", "SF-REG-005", "SF-REG-006", "SF-REG-007", "SF-UNREG-001",
         "SF-UNREG-002", "SF-UNREG-003", "SF-ATTACH-001", "SF-SONKE-003", "SF-SONKE-004",
         "SF-SONKE-005", "SF-HOOK-001", "SF-HOOK-008", "SF-HOOK-010", "SF-HOOK-011") {
    sfo::Model m0;
    sfo::Sut sut;
    rc::state::check(m0, sut,
                     rc::state::gen::execOneOfWithArgs<sfo::Register, sfo::Register, sfo::Unregister, sfo::NewSocket,
                                                      sfo::SoNke, sfo::SoNke, sfo::Close>());
}
