// Property: concurrent calls are explained by some serial order
// (spec/concurrency.md CONC-THREAD-001, spec/dlil.md DLIL-CONC-001).
//
// Built on parallel.hpp: a sequential prefix, then 2-3 short branches on
// separate threads against one stack.  The commands work on one Ethernet
// interface: attach interface filters (at the tail or before a filter the
// prefix created), detach filters, attach and detach protocols, detach the
// interface, pass a frame through it (the result is the walk: which
// filters saw it, in which order, and which protocol received it), and
// load and unload a module.  The model is the sequential one (spec/dlil.md,
// spec/module.md); every observed result and the final state (counters,
// filter_detach and if_free calls, the filter list seen by a last frame)
// must be those of one interleaving.
#include <rapidcheck.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "loopdomain.hpp"
#include "parallel.hpp"
#include "nke_prop.hpp"  // <nke/mbuf.h> macros from here on
#include "modules/prop_agent.h"

namespace {

constexpr int16_t kUnit = 7500;
constexpr uint8_t kMac[6] = {0x02, 0x00, 0x5e, 0x40, 0x00, 0x01};
constexpr uint8_t kPeer[6] = {0x02, 0x00, 0x5e, 0x40, 0x00, 0x02};
constexpr uint32_t kPf[2] = {0x434f4e41u, 0x434f4e42u};
constexpr uint16_t kType[2] = {0x88b5, 0x88b6};

std::string rc_name(int rc) {
    switch (rc) {
    case 0: return "0";
    case DLIL_WAIT_FOR_FREE: return "DLIL_WAIT_FOR_FREE";
    case ENOENT: return "ENOENT";
    case ENXIO: return "ENXIO";
    case EEXIST: return "EEXIST";
    case EBUSY: return "EBUSY";
    default: return std::to_string(rc);
    }
}

// --- commands, results, model ------------------------------------------------------

enum class K { AttachF, DetachF, AttachP, DetachP, DetachIf, Input, Load, Unload };

struct Cmd {
    K k = K::Input;
    std::string name;  // what it creates (AttachF, AttachP, Load)
    std::string ref;   // what it names (DetachF, DetachP, Unload; AttachF: "" = the tail)
    int pf = 0;        // AttachP, Input
};

struct Result {
    int rc = 0;
    std::vector<std::string> walk;  // Input: the stages the frame reached
    bool operator==(const Result &) const = default;
};

enum class If { Off, Up, Detaching };

struct Model {
    If ifst = If::Up;
    std::vector<std::string> if_list;  // head -> tail
    std::map<std::string, int> detach_calls;
    std::vector<std::string> filters;  // every filter name created
    std::map<std::string, int> protos;  // name -> pf, live ones
    std::vector<std::string> proto_names;
    std::string mod_loaded_by;  // the Load command whose id names the loaded module
    std::vector<std::string> loads;
    int if_free = 0;
};

struct Obs {
    int64_t interfaces = 0, dl_protos = 0, dl_filters = 0, modules = 0;
    Result last_frame;
    std::map<std::string, int> detach_calls;
    int if_free = 0;
    bool operator==(const Obs &) const = default;
};

// --- the system under test -------------------------------------------------------------

struct FState {
    std::string name;
    std::atomic<int> detach_calls{0};
};

thread_local std::vector<std::string> *t_walk = nullptr;
std::atomic<int> g_if_free{0};

void walk(const std::string &s) {
    if (t_walk) t_walk->push_back(s);
}
int f_input(void *c, ifnet **, struct mbuf **, char **) {
    walk(static_cast<FState *>(c)->name);
    return 0;
}
int f_detach(void *c) {
    static_cast<FState *>(c)->detach_calls.fetch_add(1);
    return 0;
}
int p0_input(struct mbuf *m, char *, ifnet *, unsigned long, int) {
    walk("pf0:input");
    m_freem(m);
    return 0;
}
int p1_input(struct mbuf *m, char *, ifnet *, unsigned long, int) {
    walk("pf1:input");
    m_freem(m);
    return 0;
}
int d_output(ifnet *, struct mbuf *m) {
    m_freem(m);
    return 0;
}
void d_if_free(ifnet *) { g_if_free.fetch_add(1); }

struct Sut {
    ifnet ifp{};
    nke_counters base = nke::test::counters();
    std::map<std::string, std::unique_ptr<FState>> fstate;  // every filter name, before threads start
    std::map<std::string, unsigned long> fid, tag;           // entries created before threads start
    std::map<std::string, int> mod_id;
    std::array<std::vector<uint8_t>, 2> type_bytes;
    prop_agent agent{};

    Sut() {
        g_if_free = 0;
        agent.version = PROP_AGENT_VERSION;
        std::strcpy(ifp.if_name, "cnc");
        ifp.if_unit = kUnit;
        ifp.if_family = APPLE_IF_FAM_ETHERNET;
        ifp.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING;
        ifp.if_mtu = 1500;
        ifp.if_addrlen = 6;
        ifp.if_hdrlen = 14;
        std::memcpy(ifp.if_lladdr, kMac, 6);
        ifp.if_output = d_output;
        ifp.if_free = d_if_free;
        for (int k = 0; k < 2; ++k)
            type_bytes[static_cast<size_t>(k)] = {static_cast<uint8_t>(kType[k] >> 8), static_cast<uint8_t>(kType[k] & 0xff)};
        if (dlil_if_attach(&ifp) != 0) RC_FAIL("setup: dlil_if_attach failed (DLIL-IF-001)");
    }
    Sut(const Sut &) = delete;
    Sut &operator=(const Sut &) = delete;
    ~Sut() {
        for (auto &[n, id] : fid)
            if (id) (void)dlil_detach_filter(id);
        for (auto &[n, t] : tag)
            if (t) (void)dlil_detach_protocol(t);
        for (int k = 0; k < 3 && dlil_if_detach(&ifp) == 0; ++k) {
        }
        int id = 0;
        if (kmod_lookup("org.opennke.props.agent_a", &id) == 0) {
            agent.stop_result = KMOD_RETURN_SUCCESS;
            (void)kmod_unload(id, nullptr);
        }
    }
};

struct mbuf *frame(int pf) {
    std::vector<uint8_t> b(kMac, kMac + 6);
    b.insert(b.end(), kPeer, kPeer + 6);
    b.push_back(static_cast<uint8_t>(kType[pf] >> 8));
    b.push_back(static_cast<uint8_t>(kType[pf] & 0xff));
    b.resize(60, 0x33);
    return m_devget(reinterpret_cast<const char *>(b.data()), static_cast<int>(b.size()), 0, nullptr);
}

Result input(Sut &s, int pf) {
    Result r;
    struct mbuf *m = frame(pf);
    if (m == nullptr) {
        r.rc = -1000;  // shown as a failure of the test's own setup
        return r;
    }
    t_walk = &r.walk;
    r.rc = dlil_input(&s.ifp, m, nullptr);
    t_walk = nullptr;
    return r;
}

// --- the spec for parallel.hpp -------------------------------------------------------------

struct Spec {
    using Model = ::Model;
    using Cmd = ::Cmd;
    using Result = ::Result;
    using Obs = ::Obs;
    using Sut = ::Sut;

    Model initial() const { return Model{}; }

    Cmd gen(const Model &m, const std::string &name) const {
        // (inRange scales with the case size; the choice of command must not.)
        const int pick = *rc::gen::resize(100, rc::gen::inRange(0, 100)).as(name + " kind");
        const unsigned r = *rc::gen::resize(100, rc::gen::inRange(0u, 1000u)).as(name + " argument");
        Cmd c;
        c.name = name;
        auto any = [&](const std::vector<std::string> &v) { return v.empty() ? std::string() : v[r % v.size()]; };
        if (pick < 30) {
            c.k = K::AttachF;
            c.ref = (r & 1) ? any(m.filters) : std::string();
        } else if (pick < 45) {
            c.k = m.filters.empty() ? K::AttachF : K::DetachF;
            c.ref = any(m.filters);
            if (c.k == K::AttachF) c.ref.clear();
        } else if (pick < 57) {
            c.k = K::AttachP;
            c.pf = static_cast<int>(r % 2);
        } else if (pick < 64) {
            c.k = m.proto_names.empty() ? K::AttachP : K::DetachP;
            c.ref = any(m.proto_names);
            c.pf = static_cast<int>(r % 2);
        } else if (pick < 68) {
            c.k = K::DetachIf;
        } else if (pick < 86) {
            c.k = K::Input;
            c.pf = static_cast<int>(r % 2);
        } else if (pick < 94) {
            c.k = K::Load;
        } else {
            c.k = m.loads.empty() ? K::Load : K::Unload;
            c.ref = any(m.loads);
        }
        return c;
    }

    Result step(Model &m, const Cmd &c) const {
        Result r;
        switch (c.k) {
        case K::AttachF:
            m.filters.push_back(c.name);
            if (m.ifst != If::Up) r.rc = ENXIO;  // DLIL-FLT-002
            else if (!c.ref.empty() && std::find(m.if_list.begin(), m.if_list.end(), c.ref) == m.if_list.end())
                r.rc = ENOENT;  // DLIL-FLT-007
            else {
                auto at = c.ref.empty() ? m.if_list.end() : std::find(m.if_list.begin(), m.if_list.end(), c.ref);
                m.if_list.insert(at, c.name);
            }
            break;
        case K::DetachF: {
            auto it = std::find(m.if_list.begin(), m.if_list.end(), c.ref);
            if (it == m.if_list.end()) r.rc = ENOENT;
            else {
                m.if_list.erase(it);
                ++m.detach_calls[c.ref];
            }
            break;
        }
        case K::AttachP: {
            bool taken = false;
            for (auto &[n, pf] : m.protos) taken = taken || pf == c.pf;
            if (m.ifst == If::Off) r.rc = ENOENT;
            else if (m.ifst == If::Detaching) r.rc = ENXIO;
            else if (taken) r.rc = EEXIST;
            else {
                m.protos[c.name] = c.pf;
                m.proto_names.push_back(c.name);
            }
            break;
        }
        case K::DetachP:
            if (!m.protos.count(c.ref)) r.rc = ENOENT;
            else {
                m.protos.erase(c.ref);
                if (m.ifst == If::Detaching && m.protos.empty()) {
                    m.ifst = If::Off;
                    ++m.if_free;
                }
            }
            break;
        case K::DetachIf:
            if (m.ifst != If::Up) r.rc = ENXIO;
            else {
                for (const auto &f : m.if_list) ++m.detach_calls[f];
                m.if_list.clear();
                if (!m.protos.empty()) {
                    m.ifst = If::Detaching;
                    r.rc = DLIL_WAIT_FOR_FREE;
                } else {
                    m.ifst = If::Off;
                }
            }
            break;
        case K::Input:
            if (m.ifst == If::Off) r.rc = ENXIO;
            else {
                for (auto it = m.if_list.rbegin(); it != m.if_list.rend(); ++it) r.walk.push_back(*it);
                for (auto &[n, pf] : m.protos)
                    if (pf == c.pf) r.walk.push_back("pf" + std::to_string(pf) + ":input");
            }
            break;
        case K::Load:
            m.loads.push_back(c.name);
            if (!m.mod_loaded_by.empty()) r.rc = EEXIST;
            else m.mod_loaded_by = c.name;
            break;
        case K::Unload:
            if (m.mod_loaded_by != c.ref) r.rc = ENOENT;
            else m.mod_loaded_by.clear();
            break;
        }
        return r;
    }

    void prepare(Sut &s, const std::vector<Cmd> &all) const {
        for (const Cmd &c : all) {
            if (c.k == K::AttachF) {
                s.fstate[c.name] = std::make_unique<FState>();
                s.fstate[c.name]->name = c.name;
                s.fid[c.name] = 0;
            }
            if (c.k == K::AttachP) s.tag[c.name] = 0;
            if (c.k == K::Load) s.mod_id[c.name] = 0;
        }
    }

    Result run(Sut &s, const Cmd &c) const {
        Result r;
        switch (c.k) {
        case K::AttachF: {
            dlil_if_flt_str f{};
            f.cookie = s.fstate.at(c.name).get();
            f.filter_if_input = f_input;
            f.filter_detach = f_detach;
            const unsigned long before = c.ref.empty() ? 0 : s.fid.at(c.ref);
            // A filter that was never attached has no id: insert before an
            // id that was never issued (ENOENT as for a detached one).
            const int where = c.ref.empty() ? DLIL_LAST_FILTER : before ? static_cast<int>(before) : 0x3fffffff;
            unsigned long id = 0;
            r.rc = dlil_attach_interface_filter(&s.ifp, &f, &id, where);
            if (r.rc == 0) s.fid.at(c.name) = id;
            break;
        }
        case K::DetachF: {
            const unsigned long id = s.fid.at(c.ref);
            r.rc = id ? dlil_detach_filter(id) : ENOENT;
            break;
        }
        case K::AttachP: {
            dlil_demux_desc d{};
            d.type = DLIL_DESC_ETYPE2;
            d.native_type = s.type_bytes[static_cast<size_t>(c.pf)].data();
            d.variants.native_type_length = 2;
            dlil_proto_reg_str reg{};
            TAILQ_INIT(&reg.demux_desc_head);
            TAILQ_INSERT_TAIL(&reg.demux_desc_head, &d, next);
            reg.interface_family = APPLE_IF_FAM_ETHERNET;
            reg.unit_number = kUnit;
            reg.protocol_family = kPf[c.pf];
            reg.input = c.pf == 0 ? p0_input : p1_input;
            unsigned long t = 0;
            r.rc = dlil_attach_protocol(&reg, &t);
            if (r.rc == 0) s.tag.at(c.name) = t;
            break;
        }
        case K::DetachP: {
            const unsigned long t = s.tag.at(c.ref);
            r.rc = t ? dlil_detach_protocol(t) : ENOENT;
            break;
        }
        case K::DetachIf: r.rc = dlil_if_detach(&s.ifp); break;
        case K::Input: r = input(s, c.pf); break;
        case K::Load: {
            int id = 0;
            r.rc = kmod_load(nke::test::module_path("prop_agent_a").c_str(), &s.agent, &id);
            if (r.rc == 0) s.mod_id.at(c.name) = id;
            break;
        }
        case K::Unload: {
            const int id = s.mod_id.at(c.ref);
            r.rc = id ? kmod_unload(id, nullptr) : ENOENT;
            break;
        }
        }
        return r;
    }

    Obs observe(Sut &s) const {
        Obs o;
        const nke_counters now = nke::test::counters();
        o.interfaces = static_cast<int64_t>(now.interfaces - s.base.interfaces);
        o.dl_protos = static_cast<int64_t>(now.dl_protos - s.base.dl_protos);
        o.dl_filters = static_cast<int64_t>(now.dl_filters - s.base.dl_filters);
        o.modules = static_cast<int64_t>(now.modules - s.base.modules);
        o.last_frame = input(s, 0);
        for (auto &[n, f] : s.fstate)
            if (int k = f->detach_calls.load()) o.detach_calls[n] = k;
        o.if_free = g_if_free.load();
        return o;
    }

    Obs expect(const Model &m) const {
        Obs o;
        o.interfaces = m.ifst != If::Off;
        o.dl_protos = static_cast<int64_t>(m.protos.size());
        o.dl_filters = static_cast<int64_t>(m.if_list.size());
        o.modules = !m.mod_loaded_by.empty();
        Model copy = m;
        Cmd probe;
        probe.k = K::Input;
        probe.pf = 0;
        o.last_frame = step(copy, probe);
        for (auto &[n, k] : m.detach_calls)
            if (k) o.detach_calls[n] = k;
        o.if_free = m.if_free;
        return o;
    }

    // DLIL-CONC-001: "every filter attached during the whole walk sees it at
    // most once, and no filter is called after its filter_detach".  A frame
    // may therefore miss a filter (or protocol) that another thread detached
    // while it walked; nothing else may differ.
    bool explains(const Result &model, const Result &got, const std::vector<const Cmd *> &concurrent) const {
        if (model.rc != got.rc) return false;
        auto may_miss = [&](const std::string &stage) {
            for (const Cmd *c : concurrent) {
                if (c->k == K::DetachIf && stage.find(':') == std::string::npos) return true;
                if (c->k == K::DetachF && c->ref == stage) return true;
                if (c->k == K::DetachP && stage.rfind("pf", 0) == 0) return true;
            }
            return false;
        };
        size_t g = 0;
        for (const std::string &stage : model.walk) {
            if (g < got.walk.size() && got.walk[g] == stage) ++g;
            else if (!may_miss(stage)) return false;
        }
        return g == got.walk.size();
    }

    std::string show(const Cmd &c) const {
        switch (c.k) {
        case K::AttachF: return c.name + " = attach interface filter " + (c.ref.empty() ? "at the tail" : "before " + c.ref);
        case K::DetachF: return "detach filter " + c.ref;
        case K::AttachP: return c.name + " = attach protocol pf" + std::to_string(c.pf);
        case K::DetachP: return "detach protocol " + c.ref;
        case K::DetachIf: return "dlil_if_detach";
        case K::Input: return "dlil_input of a pf" + std::to_string(c.pf) + " frame";
        case K::Load: return c.name + " = kmod_load(agent_a)";
        case K::Unload: return "kmod_unload(id of " + c.ref + ")";
        }
        return "?";
    }
    std::string show(const Result &r) const {
        std::string s = rc_name(r.rc);
        if (!r.walk.empty()) {
            s += " [";
            for (size_t k = 0; k < r.walk.size(); ++k) s += (k ? " " : "") + r.walk[k];
            s += "]";
        }
        return s;
    }
    std::string show(const Obs &o) const {
        std::ostringstream os;
        os << "interfaces " << o.interfaces << ", protocols " << o.dl_protos << ", filters " << o.dl_filters
           << ", modules " << o.modules << ", a last frame: " << show(o.last_frame) << ", filter_detach calls {";
        for (auto &[n, k] : o.detach_calls) os << " " << n << ":" << k;
        os << " }, if_free " << o.if_free;
        return os.str();
    }
};

}  // namespace

NKE_PROP(ConcurrencyProps, DlilAndModulesAreLinearizable,
         "CONC-THREAD-001", "CONC-THREAD-002", "DLIL-CONC-001", "DLIL-CONC-003", "DLIL-FLT-004",
         "DLIL-FLT-005", "DLIL-FLT-006", "DLIL-FLT-007", "DLIL-FLT-009", "DLIL-FLT-010",
         "DLIL-PROTO-005", "DLIL-IF-015", "DLIL-IF-017", "KMOD-LOAD-005", "KMOD-UNLOAD-001") {
    nke::prop::check_parallel(Spec{});
}

// ===========================================================================
// Controllers, socket filters and sockets from several threads
// (CTL-REG-016, SF-REG-004, SF-UNREG-003, SF-ATTACH-001, SF-SONKE-004,
// DOM-CONC-001, SOCK-CONC-*): a controller id registered by two threads at
// once gives one success and one EEXIST; a client and a deregistration race;
// filters register, unregister and insert while sockets are created, and
// every socket gets the global filters of one moment, in their order.

namespace {
namespace cs {

namespace loop = nke::test::loop;

constexpr uint32_t kCtlId = 0x636f6e63u;  // 'conc'
constexpr int kCtls = 2;
constexpr int kFilters = 3;  // F0, F1 global on loop.stream; F2 programmatic
constexpr unsigned kHandle0 = 0x63000001u;

enum class K { CtlReg, CtlDereg, CtlConnect, SfReg, SfUnreg, MakeSock, SoNke };

struct Cmd {
    K k = K::MakeSock;
    std::string name;  // what it creates
    std::string ref;   // CtlDereg: the CtlReg whose reference it uses; SoNke: the socket
    int slot = 0;      // controller or filter
};

struct Result {
    int rc = 0;
    std::vector<int> chain;  // MakeSock: the filters its sf_socreate calls named, in order
    bool operator==(const Result &) const = default;
};

struct Model {
    std::array<std::string, kCtls> ctl_by{};      // the CtlReg whose reference is current
    std::array<std::string, kCtls> ctl_client{};  // the CtlConnect that holds it
    std::vector<std::pair<int, std::string>> regs;  // every CtlReg: (slot, name)
    std::array<bool, kFilters> sf{};
    std::vector<int> glist;
    std::map<std::string, std::vector<int>> socks;  // loop sockets: chains
    std::vector<std::string> sock_names;
    int ctl_socks = 0;
    bool carried(int f) const {
        for (const auto &[n, c] : socks)
            if (std::count(c.begin(), c.end(), f)) return true;
        return false;
    }
};

struct Obs {
    int64_t sockets = 0, controllers = 0, ctl_clients = 0, sockfilters = 0, kextcbs = 0;
    int loop_refs = 0;
    Result fresh;  // a socket made at the end
    bool operator==(const Obs &) const = default;
};

thread_local std::vector<int> *t_chain = nullptr;
int sf_create(struct socket *, struct protosw *, struct kextcb *kp) {
    if (t_chain) t_chain->push_back(static_cast<int>(kp->e_nfd->nf_handle - kHandle0));
    return 0;
}

struct Sut {
    nke_counters base = nke::test::counters();
    std::optional<loop::LoopDomain> dom;
    std::array<NFDescriptor, kFilters> nfd{};
    sockif soif{};
    sockutil sout{};
    std::map<std::string, kern_ctl_ref> refs;  // entries made before the threads start
    std::map<std::string, int> fds;
    Sut() {
        dom.emplace();
        if (dom->rc() != 0) RC_FAIL("setup: the loopback family did not register (DOM-ADD-001)");
        soif.sf_socreate = sf_create;
        for (int k = 0; k < kFilters; ++k) {
            NFDescriptor &n = nfd[static_cast<size_t>(k)];
            n.nf_handle = kHandle0 + static_cast<unsigned>(k);
            n.nf_flags = k < 2 ? NFD_GLOBAL : NFD_PROG;
            n.nf_soif = &soif;
            n.nf_soutil = &sout;
        }
    }
    Sut(const Sut &) = delete;
    Sut &operator=(const Sut &) = delete;
    ~Sut() {
        for (auto &[n, fd] : fds)
            if (fd >= 0) (void)nke_close(fd);
        for (int k = 0; k < kFilters; ++k)
            (void)unregister_sockfilter(&nfd[static_cast<size_t>(k)], k < 2 ? &loop::LoopDomain::stream() : nullptr, 0);
        for (auto &[n, r] : refs)
            if (r) (void)ctl_deregister(r);
        dom.reset();
    }
};

Result make_sock(Sut &s, const std::string &name) {
    Result r;
    t_chain = &r.chain;
    const int fd = nke_socket(loop::kFamily, SOCK_STREAM, loop::kStreamProto);
    t_chain = nullptr;
    r.rc = fd < 0 ? errno : 0;
    if (!name.empty()) s.fds.at(name) = fd;
    else if (fd >= 0) (void)nke_close(fd);
    return r;
}

struct Spec {
    using Model = cs::Model;
    using Cmd = cs::Cmd;
    using Result = cs::Result;
    using Obs = cs::Obs;
    using Sut = cs::Sut;

    Model initial() const { return Model{}; }

    Cmd gen(const Model &m, const std::string &name) const {
        const int pick = *rc::gen::resize(100, rc::gen::inRange(0, 100)).as(name + " kind");
        const unsigned r = *rc::gen::resize(100, rc::gen::inRange(0u, 1000u)).as(name + " argument");
        Cmd c;
        c.name = name;
        c.slot = static_cast<int>(r % kCtls);
        if (pick < 20) c.k = K::CtlReg;
        else if (pick < 32 && !m.regs.empty()) {
            c.k = K::CtlDereg;
            const auto &x = m.regs[r % m.regs.size()];
            c.slot = x.first;
            c.ref = x.second;
        } else if (pick < 45) c.k = K::CtlConnect;
        else if (pick < 60) {
            c.k = K::SfReg;
            c.slot = static_cast<int>(r % kFilters);
        } else if (pick < 68) {
            c.k = K::SfUnreg;
            c.slot = static_cast<int>(r % kFilters);
        } else if (pick < 88 || m.sock_names.empty()) c.k = K::MakeSock;
        else {
            c.k = K::SoNke;
            c.slot = static_cast<int>(r % kFilters);
            c.ref = m.sock_names[(r / 7) % m.sock_names.size()];
        }
        return c;
    }

    Result step(Model &m, const Cmd &c) const {
        Result r;
        const auto k = static_cast<size_t>(c.slot);
        switch (c.k) {
        case K::CtlReg:
            m.regs.emplace_back(c.slot, c.name);
            if (!m.ctl_by[k].empty()) r.rc = EEXIST;  // CTL-REG-006, CTL-REG-016
            else m.ctl_by[k] = c.name;
            break;
        case K::CtlDereg:
            if (m.ctl_by[k] != c.ref) r.rc = EINVAL;  // CTL-DEREG-003
            else if (!m.ctl_client[k].empty()) r.rc = EBUSY;  // CTL-DEREG-004
            else m.ctl_by[k].clear();
            break;
        case K::CtlConnect:
            ++m.ctl_socks;
            if (m.ctl_by[k].empty()) r.rc = EADDRNOTAVAIL;  // CTL-CONNECT-007
            else if (!m.ctl_client[k].empty()) r.rc = EBUSY;  // CTL-CONNECT-010
            else m.ctl_client[k] = c.name;
            break;
        case K::SfReg:
            if (m.sf[k]) r.rc = EEXIST;
            else {
                m.sf[k] = true;
                if (c.slot < 2) m.glist.push_back(c.slot);
            }
            break;
        case K::SfUnreg:
            if (!m.sf[k]) r.rc = ENOENT;
            else if (m.carried(c.slot)) r.rc = EBUSY;
            else {
                m.sf[k] = false;
                m.glist.erase(std::remove(m.glist.begin(), m.glist.end(), c.slot), m.glist.end());
            }
            break;
        case K::MakeSock:
            r.chain = m.glist;
            m.socks[c.name] = m.glist;
            m.sock_names.push_back(c.name);
            break;
        case K::SoNke: {
            auto &chain = m.socks[c.ref];
            if (!m.sf[k]) r.rc = ENXIO;
            else if (std::count(chain.begin(), chain.end(), c.slot)) r.rc = EEXIST;
            else chain.push_back(c.slot);
            break;
        }
        }
        return r;
    }

    void prepare(Sut &s, const std::vector<Cmd> &all) const {
        for (const Cmd &c : all) {
            if (c.k == K::CtlReg) s.refs[c.name] = nullptr;
            if (c.k == K::CtlConnect || c.k == K::MakeSock) s.fds[c.name] = -1;
        }
    }

    Result run(Sut &s, const Cmd &c) const {
        Result r;
        switch (c.k) {
        case K::CtlReg: {
            kern_ctl_reg reg{};
            reg.ctl_id = kCtlId;
            reg.ctl_unit = static_cast<uint32_t>(c.slot);
            kern_ctl_ref ref = nullptr;
            r.rc = ctl_register(&reg, nullptr, &ref);
            if (r.rc == 0) s.refs.at(c.name) = ref;
            break;
        }
        case K::CtlDereg: {
            kern_ctl_ref ref = s.refs.at(c.ref);
            r.rc = ref ? ctl_deregister(ref) : EINVAL;
            break;
        }
        case K::CtlConnect: {
            const int fd = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
            s.fds.at(c.name) = fd;
            if (fd < 0) {
                r.rc = -1000 - errno;  // shown as a setup failure
                break;
            }
            sockaddr_ctl a{};
            a.sc_len = sizeof a;
            a.sc_family = AF_SYSTEM;
            a.ss_sysaddr = AF_SYS_CONTROL;
            a.sc_id = kCtlId;
            a.sc_unit = static_cast<uint32_t>(c.slot);
            r.rc = nke_connect(fd, reinterpret_cast<const struct sockaddr *>(&a), sizeof a) < 0 ? errno : 0;
            break;
        }
        case K::SfReg:
            r.rc = register_sockfilter(&s.nfd[static_cast<size_t>(c.slot)], nullptr,
                                       c.slot < 2 ? &loop::LoopDomain::stream() : nullptr, NFF_AFTER);
            break;
        case K::SfUnreg:
            r.rc = unregister_sockfilter(&s.nfd[static_cast<size_t>(c.slot)],
                                         c.slot < 2 ? &loop::LoopDomain::stream() : nullptr, 0);
            break;
        case K::MakeSock: r = make_sock(s, c.name); break;
        case K::SoNke: {
            so_nke req{kHandle0 + static_cast<unsigned>(c.slot), 0, NFF_AFTER};
            const int fd = s.fds.at(c.ref);
            r.rc = nke_setsockopt(fd, SOL_SOCKET, SO_NKE, &req, sizeof req) < 0 ? errno : 0;
            break;
        }
        }
        return r;
    }

    Obs observe(Sut &s) const {
        Obs o;
        const nke_counters now = nke::test::counters();
        o.sockets = static_cast<int64_t>(now.sockets - s.base.sockets);
        o.controllers = static_cast<int64_t>(now.controllers - s.base.controllers);
        o.ctl_clients = static_cast<int64_t>(now.ctl_clients - s.base.ctl_clients);
        o.sockfilters = static_cast<int64_t>(now.sockfilters - s.base.sockfilters);
        o.kextcbs = static_cast<int64_t>(now.kextcbs - s.base.kextcbs);
        o.loop_refs = loop::LoopDomain::dom().dom_refs;
        o.fresh = make_sock(s, "");
        return o;
    }

    Obs expect(const Model &m) const {
        Obs o;
        o.sockets = static_cast<int64_t>(m.socks.size()) + m.ctl_socks;
        for (const auto &x : m.ctl_by) o.controllers += !x.empty();
        for (const auto &x : m.ctl_client) o.ctl_clients += !x.empty();
        for (bool b : m.sf) o.sockfilters += b;
        for (const auto &[n, c] : m.socks) o.kextcbs += static_cast<int64_t>(c.size());
        o.loop_refs = static_cast<int>(m.socks.size());
        o.fresh.chain = m.glist;
        return o;
    }

    std::string show(const Cmd &c) const {
        const std::string k = std::to_string(c.slot);
        switch (c.k) {
        case K::CtlReg: return c.name + " = ctl_register(unit " + k + ")";
        case K::CtlDereg: return "ctl_deregister(the reference of " + c.ref + ")";
        case K::CtlConnect: return c.name + " = a control socket connecting to unit " + k;
        case K::SfReg: return "register_sockfilter(F" + k + (c.slot < 2 ? ", global on loop.stream)" : ", programmatic)");
        case K::SfUnreg: return "unregister_sockfilter(F" + k + ")";
        case K::MakeSock: return c.name + " = nke_socket(loop.stream)";
        case K::SoNke: return "SO_NKE(" + c.ref + ", F" + k + ", after, last)";
        }
        return "?";
    }
    std::string show(const Result &r) const {
        std::string s = r.rc == 0 ? "0" : r.rc == EEXIST ? "EEXIST" : r.rc == EBUSY ? "EBUSY" : r.rc == EINVAL ? "EINVAL"
                        : r.rc == ENOENT ? "ENOENT" : r.rc == ENXIO ? "ENXIO" : r.rc == EADDRNOTAVAIL ? "EADDRNOTAVAIL"
                        : std::to_string(r.rc);
        if (!r.chain.empty()) {
            s += " [";
            for (size_t k = 0; k < r.chain.size(); ++k) s += (k ? " F" : "F") + std::to_string(r.chain[k]);
            s += "]";
        }
        return s;
    }
    std::string show(const Obs &o) const {
        return "sockets " + std::to_string(o.sockets) + ", controllers " + std::to_string(o.controllers) +
               ", clients " + std::to_string(o.ctl_clients) + ", filters " + std::to_string(o.sockfilters) +
               ", attachments " + std::to_string(o.kextcbs) + ", loop dom_refs " + std::to_string(o.loop_refs) +
               ", a new socket gets " + show(o.fresh);
    }
};

}  // namespace cs
}  // namespace

NKE_PROP(ConcurrencyProps, ControllersFiltersSocketsAreLinearizable,
         "CONC-THREAD-001", "CONC-THREAD-002", "CTL-REG-016", "CTL-REG-006", "CTL-DEREG-003",
         "CTL-DEREG-004", "CTL-CONNECT-007", "CTL-CONNECT-010", "SF-REG-004", "SF-UNREG-002",
         "SF-UNREG-003", "SF-ATTACH-001", "SF-SONKE-003", "SF-SONKE-004", "DOM-CONC-001",
         "DOM-REFS-001") {
    nke::prop::check_parallel(cs::Spec{});
}
