// Property: lifecycle and reference counts (rc::state).
//
// Commands drawn at random load and unload modules (two independent owners,
// built from modules/prop_agent.c) and, on behalf of the test itself or of a
// loaded module, attach and detach DLIL interfaces, protocols and filters of
// both kinds, inserting filters at the tail or before a given filter (or
// before a stale or foreign id).  The model, written from spec/dlil.md and
// spec/module.md, predicts for every command its result (0, the errno,
// DLIL_WAIT_FOR_FREE), whether an unload is refused before or by the stop
// routine, which filter_detach and if_free callbacks run, and what the stack
// reaps when a module goes.  After every command the implementation must
// agree with the model on: the harness counters (interfaces, dl_protos,
// dl_filters, modules), every filter's filter_detach count, every
// interface's if_free count, each module's start/stop calls, and each loaded
// module's kmod_get_stat (registrations it owns; referenced or not).  At the
// end everything is released and every live counter is back where it was.
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "nke_prop.hpp"                   // <nke/mbuf.h> macros from here on
#include "modules/prop_agent.h"

namespace {

constexpr int kTest = -1;  // the owner "the test itself" (no module)
constexpr int kMods = 2;   // prop_agent_a, prop_agent_b
constexpr int kSlots = 3;  // ifnet structures the case may attach
constexpr int16_t kUnitBase = 7300;
const char *const kModName[kMods] = {"prop_agent_a", "prop_agent_b"};
constexpr uint32_t kPf[2] = {0x50525041u, 0x50525042u};

std::string owner_name(int owner) { return owner == kTest ? "test" : owner == 0 ? "mod_a" : "mod_b"; }
std::string rc_name(int rc) {
    switch (rc) {
    case 0: return "0";
    case DLIL_WAIT_FOR_FREE: return "DLIL_WAIT_FOR_FREE";
    case ENOENT: return "ENOENT";
    case ENXIO: return "ENXIO";
    case EEXIST: return "EEXIST";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    default: return std::to_string(rc);
    }
}

// ---------------------------------------------------------------------------
// The model.

enum class IfState { Off, Up, Detaching };

struct MIf {
    int owner = kTest;
    IfState st = IfState::Off;
    int if_free = 0;  // if_free calls so far
};
struct MProto {
    int owner;
    int slot;
    uint32_t pf;
    bool live = true;
};
struct MFilter {
    int owner;
    bool on_if;  // interface filter (else protocol filter)
    int target;  // slot or protocol index
    bool live = true;
    int detach_calls = 0;
};
struct MMod {
    bool loaded = false;
    int start_calls = 0, stop_calls = 0;
};

struct Model {
    std::array<MMod, kMods> mods{};
    std::array<MIf, kSlots> ifs{};
    std::vector<MProto> protos;
    std::vector<MFilter> filters;
    std::array<std::vector<int>, kSlots> if_list{};  // filter indices, head -> tail
    std::map<int, std::vector<int>> pr_list;         // protocol index -> filter indices

    bool owner_ok(int owner) const { return owner == kTest || mods[static_cast<size_t>(owner)].loaded; }
    int live_protos_on(int slot) const {
        int n = 0;
        for (const MProto &p : protos) n += p.live && p.slot == slot;
        return n;
    }
    bool pf_on(int slot, uint32_t pf) const {
        for (const MProto &p : protos)
            if (p.live && p.slot == slot && p.pf == pf) return true;
        return false;
    }
    // KMOD-REF-001 / DLIL-MOD-002: one of its interfaces carries a protocol
    // or a filter of another owner.  "A filter" of an interface is read as
    // either kind: an interface filter, or a protocol filter on one of the
    // interface's protocols (the module could not go without detaching it).
    bool referenced(int m) const {
        for (int s = 0; s < kSlots; ++s) {
            if (ifs[static_cast<size_t>(s)].owner != m || ifs[static_cast<size_t>(s)].st == IfState::Off) continue;
            for (const MProto &p : protos)
                if (p.live && p.slot == s && p.owner != m) return true;
            for (const MFilter &f : filters) {
                if (!f.live || f.owner == m) continue;
                const int on = f.on_if ? f.target : protos[static_cast<size_t>(f.target)].slot;
                if (on == s) return true;
            }
        }
        return false;
    }
    uint32_t registrations(int m) const {
        uint32_t n = 0;
        for (const MIf &i : ifs) n += i.owner == m && i.st != IfState::Off;
        for (const MProto &p : protos) n += p.owner == m && p.live;
        for (const MFilter &f : filters) n += f.owner == m && f.live;
        return n;
    }
    std::vector<int> &list_of(const MFilter &f) {
        return f.on_if ? if_list[static_cast<size_t>(f.target)] : pr_list[f.target];
    }

    // --- transitions (spec/dlil.md) ---
    void detach_filter(int f) {
        MFilter &x = filters[static_cast<size_t>(f)];
        auto &l = list_of(x);
        l.erase(std::find(l.begin(), l.end(), f));
        x.live = false;
        ++x.detach_calls;  // DLIL-FLT-010
    }
    void complete_if(int s) {  // DLIL-IF-017
        ifs[static_cast<size_t>(s)].st = IfState::Off;
        ++ifs[static_cast<size_t>(s)].if_free;
    }
    void detach_proto(int p) {  // DLIL-PROTO-013/014
        for (int f : std::vector<int>(pr_list[p])) detach_filter(f);
        protos[static_cast<size_t>(p)].live = false;
        const int s = protos[static_cast<size_t>(p)].slot;
        if (ifs[static_cast<size_t>(s)].st == IfState::Detaching && live_protos_on(s) == 0) complete_if(s);
    }
    int detach_if(int s) {  // DLIL-IF-013/014/015
        for (int f : std::vector<int>(if_list[static_cast<size_t>(s)])) detach_filter(f);
        if (live_protos_on(s) > 0) {
            ifs[static_cast<size_t>(s)].st = IfState::Detaching;
            return DLIL_WAIT_FOR_FREE;
        }
        ifs[static_cast<size_t>(s)].st = IfState::Off;
        return 0;
    }
    // KMOD-UNLOAD-005, DLIL-MOD-003: filters, protocols, interfaces.
    void reap(int m) {
        for (size_t f = 0; f < filters.size(); ++f)
            if (filters[f].live && filters[f].owner == m) detach_filter(static_cast<int>(f));
        for (size_t p = 0; p < protos.size(); ++p)
            if (protos[p].live && protos[p].owner == m) detach_proto(static_cast<int>(p));
        for (int s = 0; s < kSlots; ++s)
            if (ifs[static_cast<size_t>(s)].owner == m && ifs[static_cast<size_t>(s)].st != IfState::Off) detach_if(s);
    }
};

// ---------------------------------------------------------------------------
// The system under test.

struct Sut;
Sut *g_sut = nullptr;  // callbacks of the test's own objects find it here

struct Sut {
    std::array<prop_agent, kMods> agents{};
    std::array<int, kMods> mod_id{};
    std::array<ifnet, kSlots> ifs{};
    std::vector<unsigned long> tags;  // by model protocol index
    std::vector<unsigned long> fids;  // by model filter index
    std::map<uintptr_t, int> detach_calls;  // cookie (filter index + 1) -> calls
    std::array<int, kSlots> if_free{};
    nke_counters base = nke::test::counters();

    Sut() {
        g_sut = this;
        for (auto &a : agents) {
            a.version = PROP_AGENT_VERSION;
            a.hook = &Sut::hook;
            a.hook_ctx = this;
        }
    }
    Sut(const Sut &) = delete;
    Sut &operator=(const Sut &) = delete;
    ~Sut() {
        release_all();
        g_sut = nullptr;
    }

    static void hook(void *ctx, int event, void *cookie) {
        auto *s = static_cast<Sut *>(ctx);
        if (event == PROP_EV_FILTER_DETACH) ++s->detach_calls[reinterpret_cast<uintptr_t>(cookie)];
        if (event == PROP_EV_IF_FREE)
            for (int k = 0; k < kSlots; ++k)
                if (cookie == &s->ifs[static_cast<size_t>(k)]) ++s->if_free[static_cast<size_t>(k)];
    }

    // Best effort, whatever state the case left (also after a failure).
    void release_all() {
        for (unsigned long id : fids) (void)dlil_detach_filter(id);
        for (unsigned long t : tags) (void)dlil_detach_protocol(t);
        for (auto &i : ifs)
            for (int k = 0; k < 4 && dlil_if_detach(&i) == 0; ++k) {
            }
        for (int m = 0; m < kMods; ++m) {
            if (mod_id[static_cast<size_t>(m)] == 0) continue;
            agents[static_cast<size_t>(m)].stop_result = KMOD_RETURN_SUCCESS;
            (void)kmod_unload(mod_id[static_cast<size_t>(m)], nullptr);
            mod_id[static_cast<size_t>(m)] = 0;
        }
        fids.clear();
        tags.clear();
    }

    void init_if(int s) {
        ifnet &i = ifs[static_cast<size_t>(s)];
        std::memset(&i, 0, sizeof i);
        std::strcpy(i.if_name, "prp");
        i.if_unit = static_cast<int16_t>(kUnitBase + s);
        i.if_family = APPLE_IF_FAM_ETHERNET;
        i.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING;
        i.if_mtu = 1500;
        const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x20, 0x00, static_cast<uint8_t>(s)};
        std::memcpy(i.if_lladdr, mac, 6);
        i.if_addrlen = 6;
        i.if_hdrlen = 14;
    }
};

// Callbacks of the test's own interfaces, protocols and filters.
int t_output(ifnet *, struct mbuf *m) {
    m_freem(m);
    return 0;
}
void t_if_free(ifnet *ifp) {
    if (g_sut) Sut::hook(g_sut, PROP_EV_IF_FREE, ifp);
}
int t_proto_input(struct mbuf *m, char *, ifnet *, unsigned long, int) {
    m_freem(m);
    return 0;
}
int t_filter_detach(void *cookie) {
    if (g_sut) Sut::hook(g_sut, PROP_EV_FILTER_DETACH, cookie);
    return 0;
}
int t_if_flt_input(void *, ifnet **, struct mbuf **, char **) { return 0; }
int t_pr_flt_input(void *, struct mbuf **, char **, ifnet **) { return 0; }

void *cookie_of(size_t filter_index) { return reinterpret_cast<void *>(filter_index + 1); }

// Every observation against the model (after every command).
void check_agreement(const Model &m, Sut &s, const std::string &after) {
    const std::string ctx = " (after " + after + ")";
    const nke_counters now = nke::test::counters();
    uint64_t ifs = 0, protos = 0, filters = 0, mods = 0;
    for (const MIf &i : m.ifs) ifs += i.st != IfState::Off;
    for (const MProto &p : m.protos) protos += p.live;
    for (const MFilter &f : m.filters) filters += f.live;
    for (const MMod &x : m.mods) mods += x.loaded;
    auto same = [&](uint64_t got, uint64_t base, uint64_t want, const char *what, const char *rule) {
        if (got != base + want)
            RC_FAIL(std::string(what) + ": the stack counts " + std::to_string(static_cast<int64_t>(got - base)) +
                    ", the model " + std::to_string(want) + ctx + " (" + rule + ")");
    };
    same(now.interfaces, s.base.interfaces, ifs, "interfaces", "DLIL-IF-019");
    same(now.dl_protos, s.base.dl_protos, protos, "attached protocols", "DLIL-PROTO-016");
    same(now.dl_filters, s.base.dl_filters, filters, "attached filters", "DLIL-FLT-018");
    same(now.modules, s.base.modules, mods, "loaded modules", "HARN-COUNT-001");
    for (size_t f = 0; f < m.filters.size(); ++f) {
        const int got = s.detach_calls[reinterpret_cast<uintptr_t>(cookie_of(f))];
        if (got != m.filters[f].detach_calls)
            RC_FAIL("filter f" + std::to_string(f) + ": filter_detach called " + std::to_string(got) +
                    " times, the model says " + std::to_string(m.filters[f].detach_calls) + ctx +
                    " (DLIL-FLT-010, DLIL-PROTO-013, DLIL-IF-013, KMOD-UNLOAD-005)");
    }
    for (int k = 0; k < kSlots; ++k)
        if (s.if_free[static_cast<size_t>(k)] != m.ifs[static_cast<size_t>(k)].if_free)
            RC_FAIL("if" + std::to_string(k) + ": if_free called " + std::to_string(s.if_free[static_cast<size_t>(k)]) +
                    " times, the model says " + std::to_string(m.ifs[static_cast<size_t>(k)].if_free) + ctx +
                    " (DLIL-IF-014, DLIL-IF-017)");
    for (int x = 0; x < kMods; ++x) {
        const prop_agent &a = s.agents[static_cast<size_t>(x)];
        const MMod &mm = m.mods[static_cast<size_t>(x)];
        if (a.start_calls != mm.start_calls || a.stop_calls != mm.stop_calls)
            RC_FAIL(owner_name(x) + ": start/stop called " + std::to_string(a.start_calls) + "/" +
                    std::to_string(a.stop_calls) + " times, the model says " + std::to_string(mm.start_calls) +
                    "/" + std::to_string(mm.stop_calls) + ctx + " (KMOD-LOAD-007, KMOD-UNLOAD-002, KMOD-UNLOAD-003)");
        if (!mm.loaded) continue;
        kmod_stat st{};
        const int rc = kmod_get_stat(s.mod_id[static_cast<size_t>(x)], &st);
        if (rc != 0) RC_FAIL(owner_name(x) + ": kmod_get_stat of a loaded module failed" + ctx);
        if (st.registrations != m.registrations(x))
            RC_FAIL(owner_name(x) + ": kmod_get_stat reports " + std::to_string(st.registrations) +
                    " registrations, the model " + std::to_string(m.registrations(x)) + ctx +
                    " (KMOD-OWN-001, KMOD-OWN-002, DLIL-MOD-001)");
        if ((st.reference_count > 0) != m.referenced(x))
            RC_FAIL(owner_name(x) + ": kmod_get_stat reference_count " + std::to_string(st.reference_count) +
                    (m.referenced(x) ? ", but the module is referenced" : ", but nothing refers to the module") + ctx +
                    " (KMOD-OWN-002, KMOD-REF-001, DLIL-MOD-002)");
    }
}

using Cmd = rc::state::Command<Model, Sut>;

void expect_rc(int got, std::initializer_list<int> allowed, const std::string &call, const char *rules) {
    for (int a : allowed)
        if (got == a) return;
    std::string want;
    for (int a : allowed) want += (want.empty() ? "" : " or ") + rc_name(a);
    RC_FAIL(call + " returned " + rc_name(got) + ", the model expects " + want + " (" + rules + ")");
}

// Draw an owner that is the test or a loaded module.
int draw_owner(const Model &m) {
    std::vector<int> owners{kTest};
    for (int x = 0; x < kMods; ++x)
        if (m.mods[static_cast<size_t>(x)].loaded) owners.push_back(x);
    return *rc::gen::elementOf(owners);
}

// Mostly an object the command can succeed on, now and then any (so that
// the error paths stay covered).
int draw_slot(const Model &m, IfState want) {
    std::vector<int> good;
    for (int k = 0; k < kSlots; ++k)
        if (m.ifs[static_cast<size_t>(k)].st == want) good.push_back(k);
    if (!good.empty() && *rc::gen::weightedElement<bool>({{4, true}, {1, false}})) return *rc::gen::elementOf(good);
    return *rc::gen::inRange(0, kSlots);
}
template <class T>
int draw_index(const std::vector<T> &v) {
    if (v.empty()) return 0;
    std::vector<int> live;
    for (size_t k = 0; k < v.size(); ++k)
        if (v[k].live) live.push_back(static_cast<int>(k));
    if (!live.empty() && *rc::gen::weightedElement<bool>({{4, true}, {1, false}})) return *rc::gen::elementOf(live);
    return *rc::gen::inRange<int>(0, static_cast<int>(v.size()));
}

// ---------------------------------------------------------------------------
// Commands.

struct LoadMod : Cmd {
    int mod;
    explicit LoadMod(const Model &) : mod(*rc::gen::inRange(0, kMods)) {}
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
        if (m.mods[static_cast<size_t>(mod)].loaded) {
            expect_rc(rc, {EEXIST}, "kmod_load(" + owner_name(mod) + ")", "KMOD-LOAD-005");
        } else {
            expect_rc(rc, {0}, "kmod_load(" + owner_name(mod) + ")", "KMOD-LOAD-001");
            if (id <= 0) RC_FAIL("kmod_load stored a non-positive id (KMOD-LOAD-008)");
            s.mod_id[static_cast<size_t>(mod)] = id;
        }
        check_agreement(nextState(m), s, "kmod_load");
    }
    void show(std::ostream &os) const override { os << "kmod_load(" << owner_name(mod) << ")"; }
};

struct UnloadMod : Cmd {
    int mod;
    bool stop_refuses;
    explicit UnloadMod(const Model &)
        : mod(*rc::gen::inRange(0, kMods)), stop_refuses(*rc::gen::weightedElement<bool>({{4, false}, {1, true}})) {}
    // The expected result, given the state before the call.
    int expected(const Model &m) const {
        const MMod &x = m.mods[static_cast<size_t>(mod)];
        if (!x.loaded) return ENOENT;
        if (m.referenced(mod)) return EBUSY;  // stop is not called
        return stop_refuses ? EBUSY : 0;
    }
    void apply(Model &m) const override {
        const int rc = expected(m);
        MMod &x = m.mods[static_cast<size_t>(mod)];
        if (x.loaded && !m.referenced(mod)) ++x.stop_calls;
        if (rc == 0) {
            m.reap(mod);
            x.loaded = false;
        }
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        const int id = s.mod_id[static_cast<size_t>(mod)];
        s.agents[static_cast<size_t>(mod)].stop_result = stop_refuses ? KMOD_RETURN_FAILURE : KMOD_RETURN_SUCCESS;
        const int rc = kmod_unload(id > 0 ? id : 1 << 29, nullptr);
        const char *rules = want == ENOENT ? "KMOD-UNLOAD-001"
                            : want == 0    ? "KMOD-UNLOAD-005"
                            : m.referenced(mod) ? "KMOD-UNLOAD-002, KMOD-REF-001, DLIL-MOD-002"
                                                : "KMOD-UNLOAD-003";
        // A stale id (the module was unloaded) stays in mod_id: ids are never
        // reused, so it must keep failing with ENOENT (KMOD-LOAD-008).
        expect_rc(rc, {want}, "kmod_unload(" + owner_name(mod) + (stop_refuses ? ", stop refuses" : "") + ")", rules);
        check_agreement(nextState(m), s, "kmod_unload");
    }
    void show(std::ostream &os) const override {
        os << "kmod_unload(" << owner_name(mod) << (stop_refuses ? ", stop returns KMOD_RETURN_FAILURE" : "") << ")";
    }
};

struct AttachIf : Cmd {
    int slot, owner;
    explicit AttachIf(const Model &m) : slot(draw_slot(m, IfState::Off)), owner(draw_owner(m)) {}
    void checkPreconditions(const Model &m) const override { RC_PRE(m.owner_ok(owner)); }
    void apply(Model &m) const override {
        MIf &i = m.ifs[static_cast<size_t>(slot)];
        if (i.st != IfState::Off) return;
        i.st = IfState::Up;
        i.owner = owner;
    }
    void run(const Model &m, Sut &s) const override {
        const bool busy = m.ifs[static_cast<size_t>(slot)].st != IfState::Off;
        ifnet &i = s.ifs[static_cast<size_t>(slot)];
        if (!busy) s.init_if(slot);  // the stack owns if_data while attached: touch it only when detached
        int rc;
        if (busy) {
            // Never rewrite the callbacks of an attached interface.
            rc = dlil_if_attach(&i);
        } else if (owner == kTest) {
            i.if_output = t_output;
            i.if_free = t_if_free;
            rc = dlil_if_attach(&i);
        } else {
            rc = s.agents[static_cast<size_t>(owner)].if_attach(&i);
        }
        expect_rc(rc, {busy ? EEXIST : 0}, "dlil_if_attach(if" + std::to_string(slot) + ")", busy ? "DLIL-IF-004" : "DLIL-IF-001");
        check_agreement(nextState(m), s, "dlil_if_attach");
    }
    void show(std::ostream &os) const override { os << "dlil_if_attach(if" << slot << ") by " << owner_name(owner); }
};

struct DetachIf : Cmd {
    int slot;
    explicit DetachIf(const Model &m) : slot(draw_slot(m, IfState::Up)) {}
    void apply(Model &m) const override {
        if (m.ifs[static_cast<size_t>(slot)].st == IfState::Up) m.detach_if(slot);
    }
    void run(const Model &m, Sut &s) const override {
        const MIf &i = m.ifs[static_cast<size_t>(slot)];
        int want = ENXIO;
        if (i.st == IfState::Up) want = m.live_protos_on(slot) > 0 ? DLIL_WAIT_FOR_FREE : 0;
        const int rc = dlil_if_detach(&s.ifs[static_cast<size_t>(slot)]);
        expect_rc(rc, {want}, "dlil_if_detach(if" + std::to_string(slot) + ")",
                  want == ENXIO ? "DLIL-IF-012" : want == 0 ? "DLIL-IF-014" : "DLIL-IF-015");
        check_agreement(nextState(m), s, "dlil_if_detach");
    }
    void show(std::ostream &os) const override { os << "dlil_if_detach(if" << slot << ")"; }
};

struct AttachProto : Cmd {
    int slot, owner, pf;
    explicit AttachProto(const Model &m)
        : slot(draw_slot(m, IfState::Up)), owner(draw_owner(m)), pf(*rc::gen::inRange(0, 2)) {}
    void checkPreconditions(const Model &m) const override { RC_PRE(m.owner_ok(owner)); }
    int expected(const Model &m) const {
        const MIf &i = m.ifs[static_cast<size_t>(slot)];
        if (i.st == IfState::Off) return ENOENT;
        if (i.st == IfState::Detaching) return ENXIO;
        if (m.pf_on(slot, kPf[pf])) return EEXIST;
        return 0;
    }
    void apply(Model &m) const override {
        if (expected(m) == 0) m.protos.push_back(MProto{owner, slot, kPf[pf]});
    }
    void run(const Model &m, Sut &s) const override {
        const int want = expected(m);
        unsigned long tag = 0;
        const int16_t unit = static_cast<int16_t>(kUnitBase + slot);
        int rc;
        if (owner == kTest) {
            dlil_proto_reg_str reg{};
            TAILQ_INIT(&reg.demux_desc_head);
            reg.interface_family = APPLE_IF_FAM_ETHERNET;
            reg.unit_number = unit;
            reg.protocol_family = kPf[pf];
            reg.input = t_proto_input;
            rc = dlil_attach_protocol(&reg, &tag);
        } else {
            rc = s.agents[static_cast<size_t>(owner)].attach_proto(APPLE_IF_FAM_ETHERNET, unit, kPf[pf], &tag);
        }
        expect_rc(rc, {want}, "dlil_attach_protocol(if" + std::to_string(slot) + ", pf" + std::to_string(pf) + ")",
                  want == ENOENT ? "DLIL-PROTO-003" : want == ENXIO ? "DLIL-PROTO-004, DLIL-IF-016"
                  : want == EEXIST ? "DLIL-PROTO-005" : "DLIL-PROTO-001");
        if (rc == 0) {
            if (tag == 0 || std::find(s.tags.begin(), s.tags.end(), tag) != s.tags.end())
                RC_FAIL("dlil_attach_protocol issued tag " + std::to_string(tag) + ", zero or issued before (DLIL-TAG-001)");
            s.tags.push_back(tag);
        }
        check_agreement(nextState(m), s, "dlil_attach_protocol");
    }
    void show(std::ostream &os) const override {
        os << "dlil_attach_protocol(if" << slot << ", pf" << pf << ") by " << owner_name(owner);
    }
};

struct DetachProto : Cmd {
    int proto;
    explicit DetachProto(const Model &m) : proto(draw_index(m.protos)) {}
    void checkPreconditions(const Model &m) const override { RC_PRE(static_cast<size_t>(proto) < m.protos.size()); }
    void apply(Model &m) const override {
        if (m.protos[static_cast<size_t>(proto)].live) m.detach_proto(proto);
    }
    void run(const Model &m, Sut &s) const override {
        const bool live = m.protos[static_cast<size_t>(proto)].live;
        const int rc = dlil_detach_protocol(s.tags[static_cast<size_t>(proto)]);
        expect_rc(rc, {live ? 0 : ENOENT}, "dlil_detach_protocol(p" + std::to_string(proto) + ")",
                  live ? "DLIL-PROTO-013, DLIL-PROTO-014" : "DLIL-PROTO-012, DLIL-TAG-001");
        check_agreement(nextState(m), s, "dlil_detach_protocol");
    }
    void show(std::ostream &os) const override { os << "dlil_detach_protocol(p" << proto << ")"; }
};

// Where a new filter goes: the tail, before a filter of the list, or before
// an id that is not on the list (ENOENT, DLIL-FLT-007).
struct Where {
    enum Kind { Last, Before, Stale, Foreign, Null } kind = Last;
    unsigned pick = 0;
};
Where draw_where() {
    Where w;
    w.kind = *rc::gen::weightedElement<Where::Kind>(
        {{4, Where::Last}, {4, Where::Before}, {1, Where::Stale}, {1, Where::Foreign}, {1, Where::Null}});
    w.pick = *rc::gen::inRange(0u, 64u);
    return w;
}
std::ostream &operator<<(std::ostream &os, const Where &w) {
    switch (w.kind) {
    case Where::Last: return os << "DLIL_LAST_FILTER";
    case Where::Before: return os << "before #" << w.pick;
    case Where::Stale: return os << "a detached id #" << w.pick;
    case Where::Foreign: return os << "an id of another list #" << w.pick;
    case Where::Null: return os << "DLIL_NULL_FILTER";
    }
    return os;
}
// Resolves a Where against the model: the filter index to insert before
// (-1: the tail), or -2 for "not on this list" (the attach fails with
// ENOENT).  `foreign` and `stale` candidates come from the whole model.
int resolve_where(const Model &m, const Where &w, const std::vector<int> &list) {
    std::vector<int> cands;
    switch (w.kind) {
    case Where::Last: return -1;
    case Where::Null: return -2;
    case Where::Before:
        if (list.empty()) return -1;
        return list[w.pick % list.size()];
    case Where::Stale:
        for (size_t f = 0; f < m.filters.size(); ++f)
            if (!m.filters[f].live) cands.push_back(static_cast<int>(f));
        break;
    case Where::Foreign:
        for (size_t f = 0; f < m.filters.size(); ++f)
            if (m.filters[f].live && std::find(list.begin(), list.end(), static_cast<int>(f)) == list.end())
                cands.push_back(static_cast<int>(f));
        break;
    }
    if (cands.empty()) return -1;  // nothing of that kind exists yet: the tail
    return -3 - cands[w.pick % cands.size()];  // -3 - f: "before f", which is not on the list
}
int where_arg(const Sut &s, int r) {
    if (r == -1) return DLIL_LAST_FILTER;
    if (r == -2) return DLIL_NULL_FILTER;
    if (r <= -3) return static_cast<int>(s.fids[static_cast<size_t>(-3 - r)]);
    return static_cast<int>(s.fids[static_cast<size_t>(r)]);
}

struct AttachIfFilter : Cmd {
    int slot, owner;
    Where where;
    explicit AttachIfFilter(const Model &m)
        : slot(draw_slot(m, IfState::Up)), owner(draw_owner(m)), where(draw_where()) {}
    void checkPreconditions(const Model &m) const override { RC_PRE(m.owner_ok(owner)); }
    std::vector<int> expected(const Model &m, int r) const {
        std::vector<int> ok;
        if (m.ifs[static_cast<size_t>(slot)].st != IfState::Up) ok.push_back(ENXIO);
        if (r <= -2) ok.push_back(ENOENT);
        if (ok.empty()) ok.push_back(0);
        return ok;
    }
    void apply(Model &m) const override {
        const auto &list = m.if_list[static_cast<size_t>(slot)];
        const int r = resolve_where(m, where, list);
        if (expected(m, r) != std::vector<int>{0}) return;
        const int f = static_cast<int>(m.filters.size());
        m.filters.push_back(MFilter{owner, true, slot});
        auto &l = m.if_list[static_cast<size_t>(slot)];
        l.insert(r == -1 ? l.end() : std::find(l.begin(), l.end(), r), f);
    }
    void run(const Model &m, Sut &s) const override {
        const int r = resolve_where(m, where, m.if_list[static_cast<size_t>(slot)]);
        const auto want = expected(m, r);
        const size_t f = m.filters.size();
        unsigned long id = 0;
        int rc;
        if (owner == kTest) {
            dlil_if_flt_str flt{};
            flt.cookie = cookie_of(f);
            flt.filter_if_input = t_if_flt_input;
            flt.filter_detach = t_filter_detach;
            rc = dlil_attach_interface_filter(&s.ifs[static_cast<size_t>(slot)], &flt, &id, where_arg(s, r));
        } else {
            rc = s.agents[static_cast<size_t>(owner)].attach_if_filter(&s.ifs[static_cast<size_t>(slot)], cookie_of(f),
                                                                        where_arg(s, r), &id);
        }
        if (want.size() == 1) expect_rc(rc, {want[0]}, "dlil_attach_interface_filter(if" + std::to_string(slot) + ")",
                                        want[0] == 0 ? "DLIL-FLT-001, DLIL-FLT-005, DLIL-FLT-006" : want[0] == ENXIO ? "DLIL-FLT-002, DLIL-IF-016" : "DLIL-FLT-007");
        else expect_rc(rc, {want[0], want[1]}, "dlil_attach_interface_filter(if" + std::to_string(slot) + ")", "DLIL-FLT-002, DLIL-FLT-007");
        if (rc == 0) {
            if (id == 0 || std::find(s.fids.begin(), s.fids.end(), id) != s.fids.end())
                RC_FAIL("filter id " + std::to_string(id) + " is zero or was issued before (DLIL-FLT-004)");
            s.fids.push_back(id);
        }
        check_agreement(nextState(m), s, "dlil_attach_interface_filter");
    }
    void show(std::ostream &os) const override {
        os << "dlil_attach_interface_filter(if" << slot << ", " << where << ") by " << owner_name(owner);
    }
};

struct AttachProtoFilter : Cmd {
    int proto, owner;
    Where where;
    explicit AttachProtoFilter(const Model &m)
        : proto(draw_index(m.protos)), owner(draw_owner(m)), where(draw_where()) {}
    void checkPreconditions(const Model &m) const override {
        RC_PRE(m.owner_ok(owner));
        RC_PRE(static_cast<size_t>(proto) < m.protos.size());
    }
    std::vector<int> expected(const Model &m, int r) const {
        const MProto &p = m.protos[static_cast<size_t>(proto)];
        std::vector<int> ok;
        if (!p.live) ok.push_back(ENOENT);
        else if (m.ifs[static_cast<size_t>(p.slot)].st == IfState::Detaching) ok.push_back(ENXIO);
        if (r <= -2 && std::find(ok.begin(), ok.end(), ENOENT) == ok.end()) ok.push_back(ENOENT);
        if (ok.empty()) ok.push_back(0);
        return ok;
    }
    void apply(Model &m) const override {
        const int r = resolve_where(m, where, m.pr_list[proto]);
        if (expected(m, r) != std::vector<int>{0}) return;
        const int f = static_cast<int>(m.filters.size());
        m.filters.push_back(MFilter{owner, false, proto});
        auto &l = m.pr_list[proto];
        l.insert(r == -1 ? l.end() : std::find(l.begin(), l.end(), r), f);
    }
    void run(const Model &m, Sut &s) const override {
        auto it = m.pr_list.find(proto);
        const int r = resolve_where(m, where, it == m.pr_list.end() ? std::vector<int>{} : it->second);
        const auto want = expected(m, r);
        const size_t f = m.filters.size();
        unsigned long id = 0;
        const unsigned long tag = s.tags[static_cast<size_t>(proto)];
        int rc;
        if (owner == kTest) {
            dlil_pr_flt_str flt{};
            flt.cookie = cookie_of(f);
            flt.filter_dl_input = t_pr_flt_input;
            flt.filter_detach = t_filter_detach;
            rc = dlil_attach_protocol_filter(tag, &flt, &id, where_arg(s, r));
        } else {
            rc = s.agents[static_cast<size_t>(owner)].attach_proto_filter(tag, cookie_of(f), where_arg(s, r), &id);
        }
        const std::string call = "dlil_attach_protocol_filter(p" + std::to_string(proto) + ")";
        if (want.size() == 1) expect_rc(rc, {want[0]}, call, want[0] == 0 ? "DLIL-FLT-001, DLIL-FLT-005, DLIL-FLT-006" : "DLIL-FLT-003, DLIL-FLT-007, DLIL-IF-016");
        else expect_rc(rc, {want[0], want[1]}, call, "DLIL-FLT-003, DLIL-FLT-007");
        if (rc == 0) {
            if (id == 0 || std::find(s.fids.begin(), s.fids.end(), id) != s.fids.end())
                RC_FAIL("filter id " + std::to_string(id) + " is zero or was issued before (DLIL-FLT-004)");
            s.fids.push_back(id);
        }
        check_agreement(nextState(m), s, "dlil_attach_protocol_filter");
    }
    void show(std::ostream &os) const override {
        os << "dlil_attach_protocol_filter(p" << proto << ", " << where << ") by " << owner_name(owner);
    }
};

struct DetachFilter : Cmd {
    int filter;
    explicit DetachFilter(const Model &m) : filter(draw_index(m.filters)) {}
    void checkPreconditions(const Model &m) const override { RC_PRE(static_cast<size_t>(filter) < m.filters.size()); }
    void apply(Model &m) const override {
        if (m.filters[static_cast<size_t>(filter)].live) m.detach_filter(filter);
    }
    void run(const Model &m, Sut &s) const override {
        const bool live = m.filters[static_cast<size_t>(filter)].live;
        const int rc = dlil_detach_filter(s.fids[static_cast<size_t>(filter)]);
        expect_rc(rc, {live ? 0 : ENOENT}, "dlil_detach_filter(f" + std::to_string(filter) + ")",
                  live ? "DLIL-FLT-010" : "DLIL-FLT-009, DLIL-FLT-004");
        check_agreement(nextState(m), s, "dlil_detach_filter");
    }
    void show(std::ostream &os) const override { os << "dlil_detach_filter(f" << filter << ")"; }
};

}  // namespace

NKE_PROP(LifecycleProps, DlilAndModulesMatchModel,
         "KMOD-LOAD-001", "KMOD-LOAD-005", "KMOD-LOAD-007", "KMOD-LOAD-008", "KMOD-OWN-001",
         "KMOD-OWN-002", "KMOD-REF-001", "KMOD-UNLOAD-001", "KMOD-UNLOAD-002", "KMOD-UNLOAD-003",
         "KMOD-UNLOAD-005",
         "DLIL-IF-001", "DLIL-IF-004", "DLIL-IF-012", "DLIL-IF-013", "DLIL-IF-014", "DLIL-IF-015",
         "DLIL-IF-016", "DLIL-IF-017", "DLIL-IF-018", "DLIL-IF-019",
         "DLIL-PROTO-001", "DLIL-PROTO-003", "DLIL-PROTO-004", "DLIL-PROTO-005", "DLIL-PROTO-012",
         "DLIL-PROTO-013", "DLIL-PROTO-014", "DLIL-PROTO-016", "DLIL-TAG-001",
         "DLIL-FLT-001", "DLIL-FLT-002", "DLIL-FLT-003", "DLIL-FLT-004", "DLIL-FLT-005",
         "DLIL-FLT-006", "DLIL-FLT-007", "DLIL-FLT-009", "DLIL-FLT-010", "DLIL-FLT-018",
         "DLIL-MOD-001", "DLIL-MOD-002", "DLIL-MOD-003", "HARN-COUNT-002") {
    Model m0;
    Sut sut;
    rc::state::check(m0, sut,
                     rc::state::gen::execOneOfWithArgs<LoadMod, UnloadMod, AttachIf, DetachIf, AttachProto,
                                                      DetachProto, AttachIfFilter, AttachProtoFilter,
                                                      DetachFilter>());
    sut.release_all();
    const nke_counters now = nke::test::counters();
    if (now.interfaces != sut.base.interfaces || now.dl_protos != sut.base.dl_protos ||
        now.dl_filters != sut.base.dl_filters || now.modules != sut.base.modules)
        RC_FAIL("releasing everything did not bring the DLIL and module counters back (HARN-COUNT-002): " +
                nke::test::live_diff(sut.base, now));
}
