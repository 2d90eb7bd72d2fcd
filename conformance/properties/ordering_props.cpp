// Property: filter ordering (spec/dlil.md DLIL-FLT-005..007, DLIL-ORDER-*).
//
// One Ethernet interface with two attached protocols.  Random sequences
// insert interface filters and protocol filters (of either protocol) at the
// tail (DLIL_LAST_FILTER), before a filter of the same list (the head
// included), or before an id that is not on that list (a detached filter, a
// filter of another list, DLIL_NULL_FILTER: ENOENT, nothing linked), and
// detach filters.  The model keeps each list from head (protocol side) to
// tail (wire side).  After every command, one frame of each kind walks the
// stack and every stage records itself; the recorded order must be exactly
// the model's:
//
//   input   interface filters tail->head, protocol filters tail->head, dl_input
//   output  dl_pre_output, protocol filters head->tail, interface filters
//           head->tail, if_output
//   ioctl   protocol filters head->tail, dl_ioctl, interface filters
//           head->tail, (the family module), if_ioctl
//   event   interface filters tail->head, if_event, then per protocol in
//           attach order: its filters tail->head, dl_event
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "nke_prop.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace {

constexpr int16_t kUnit = 7400;
constexpr uint8_t kMac[6] = {0x02, 0x00, 0x5e, 0x30, 0x00, 0x01};
constexpr uint8_t kPeer[6] = {0x02, 0x00, 0x5e, 0x30, 0x00, 0x02};
constexpr uint32_t kPf[2] = {0x4f524441u, 0x4f524442u};
constexpr uint16_t kType[2] = {0x88b5, 0x88b6};
constexpr unsigned long kIoctlCmd = 0xc0206e99UL;  // no meaning to any stage

// --- the trace every stage writes -----------------------------------------------

std::vector<std::string> g_trace;
void rec(std::string s) { g_trace.push_back(std::move(s)); }

std::string fname(uintptr_t key) { return "f" + std::to_string(key); }
uintptr_t key_of(void *cookie) { return reinterpret_cast<uintptr_t>(cookie); }

// Filters (cookie = the model's filter number).
int if_in(void *c, ifnet **, struct mbuf **, char **) { rec(fname(key_of(c)) + ":in"); return 0; }
int if_out(void *c, ifnet **, struct mbuf **) { rec(fname(key_of(c)) + ":out"); return 0; }
int if_ioctl(void *c, ifnet *, unsigned long, void *) { rec(fname(key_of(c)) + ":ioctl"); return 0; }
int if_event(void *c, ifnet **, kern_event_msg **) { rec(fname(key_of(c)) + ":event"); return 0; }
int pr_in(void *c, struct mbuf **, char **, ifnet **) { rec(fname(key_of(c)) + ":in"); return 0; }
int pr_out(void *c, struct mbuf **, ifnet **, nke_sockaddr **, char *, char *) { rec(fname(key_of(c)) + ":out"); return 0; }
int pr_ioctl(void *c, ifnet *, unsigned long, void *) { rec(fname(key_of(c)) + ":ioctl"); return 0; }
int pr_event(void *c, kern_event_msg *) { rec(fname(key_of(c)) + ":event"); return 0; }
int flt_detach(void *) { return 0; }

// Protocols (named by tag) and the driver.
std::map<unsigned long, std::string> g_proto_name;
std::string pname(unsigned long tag) {
    auto it = g_proto_name.find(tag);
    return it == g_proto_name.end() ? "p?" : it->second;
}
int p_input(struct mbuf *m, char *, ifnet *, unsigned long tag, int) {
    rec(pname(tag) + ":input");
    m_freem(m);
    return 0;
}
int p_pre_output(ifnet *, struct mbuf **, const nke_sockaddr *, void *, char *frame_type, char *dst,
                 unsigned long tag) {
    rec(pname(tag) + ":pre_output");
    const int k = pname(tag) == "p0" ? 0 : 1;
    frame_type[0] = static_cast<char>(kType[k] >> 8);
    frame_type[1] = static_cast<char>(kType[k] & 0xff);
    std::memcpy(dst, kPeer, 6);
    return 0;
}
int p_event(kern_event_msg *, unsigned long tag) { rec(pname(tag) + ":event"); return 0; }
int p_ioctl(unsigned long tag, ifnet *, unsigned long, void *) { rec(pname(tag) + ":ioctl"); return EOPNOTSUPP; }
int d_output(ifnet *, struct mbuf *m) {
    rec("drv:output");
    m_freem(m);
    return 0;
}
int d_ioctl(ifnet *, unsigned long, void *) { rec("drv:ioctl"); return EOPNOTSUPP; }
int d_event(ifnet *, kern_event_msg *) { rec("drv:event"); return 0; }

// --- the model ----------------------------------------------------------------------

struct Model {
    std::vector<int> if_list;                // filter numbers, head -> tail
    std::array<std::vector<int>, 2> pr_list;  // per protocol
    std::vector<int> kind;                   // per filter number: -1 interface, 0/1 protocol
    std::vector<bool> live;
    std::vector<int> &list(int k) { return k < 0 ? if_list : pr_list[static_cast<size_t>(k)]; }
    const std::vector<int> &list(int k) const { return k < 0 ? if_list : pr_list[static_cast<size_t>(k)]; }
};

// --- the system under test --------------------------------------------------------------

struct Sut {
    ifnet ifp{};
    std::array<unsigned long, 2> tags{};
    std::array<std::vector<uint8_t>, 2> type_bytes;
    std::vector<unsigned long> fids;  // by filter number
    bool attached = false;

    Sut() {
        g_trace.clear();
        g_proto_name.clear();
        std::strcpy(ifp.if_name, "ord");
        ifp.if_unit = kUnit;
        ifp.if_family = APPLE_IF_FAM_ETHERNET;
        ifp.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING | NKE_IFF_BROADCAST;
        ifp.if_mtu = 1500;
        ifp.if_addrlen = 6;
        ifp.if_hdrlen = 14;
        std::memcpy(ifp.if_lladdr, kMac, 6);
        ifp.if_output = d_output;
        ifp.if_ioctl = d_ioctl;
        ifp.if_event = d_event;
        if (dlil_if_attach(&ifp) != 0) RC_FAIL("setup: dlil_if_attach failed (DLIL-IF-001)");
        attached = true;
        for (int k = 0; k < 2; ++k) {
            type_bytes[static_cast<size_t>(k)] = {static_cast<uint8_t>(kType[k] >> 8), static_cast<uint8_t>(kType[k] & 0xff)};
            dlil_demux_desc d{};
            d.type = DLIL_DESC_ETYPE2;
            d.native_type = type_bytes[static_cast<size_t>(k)].data();
            d.variants.native_type_length = 2;
            dlil_proto_reg_str reg{};
            TAILQ_INIT(&reg.demux_desc_head);
            TAILQ_INSERT_TAIL(&reg.demux_desc_head, &d, next);
            reg.interface_family = APPLE_IF_FAM_ETHERNET;
            reg.unit_number = kUnit;
            reg.protocol_family = kPf[k];
            reg.input = p_input;
            reg.pre_output = p_pre_output;
            reg.event = p_event;
            reg.ioctl = p_ioctl;
            unsigned long tag = 0;
            if (dlil_attach_protocol(&reg, &tag) != 0) RC_FAIL("setup: dlil_attach_protocol failed (DLIL-PROTO-001)");
            tags[static_cast<size_t>(k)] = tag;
            g_proto_name[tag] = "p" + std::to_string(k);
        }
    }
    Sut(const Sut &) = delete;
    Sut &operator=(const Sut &) = delete;
    ~Sut() {
        for (unsigned long id : fids) (void)dlil_detach_filter(id);
        for (unsigned long t : tags)
            if (t) (void)dlil_detach_protocol(t);
        if (attached) (void)dlil_if_detach(&ifp);
    }
};

// --- probes ---------------------------------------------------------------------------

std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v) s += (s.empty() ? "" : " ") + x;
    return s.empty() ? "(nothing)" : s;
}

void append_filters(std::vector<std::string> &out, const std::vector<int> &l, bool head_to_tail, const char *what) {
    if (head_to_tail)
        for (int f : l) out.push_back(fname(static_cast<uintptr_t>(f)) + what);
    else
        for (auto it = l.rbegin(); it != l.rend(); ++it) out.push_back(fname(static_cast<uintptr_t>(*it)) + what);
}

void expect_trace(const std::vector<std::string> &want, const std::string &what, const char *rules,
                  bool driver_optional = false) {
    std::vector<std::string> got = g_trace;
    g_trace.clear();
    if (driver_optional && got.size() + 1 == want.size() && want.back().rfind("drv:", 0) == 0)
        got.push_back(want.back());  // the family module may end an unknown ioctl
    if (got != want)
        RC_FAIL(what + ": the stages ran as\n    " + join(got) + "\n  the model expects\n    " + join(want) +
                "\n  (" + rules + ")");
}

struct mbuf *frame_for(int k) {
    // Sized once, then filled: growing a 6-byte vector with insert() made
    // GCC 12 at -O2/-O3 report a false -Warray-bounds on the inlined
    // reallocation (the release preset did not build).
    std::vector<uint8_t> b(14 + 46, 0x5a);
    std::memcpy(b.data(), kMac, 6);
    std::memcpy(b.data() + 6, kPeer, 6);
    b[12] = static_cast<uint8_t>(kType[k] >> 8);
    b[13] = static_cast<uint8_t>(kType[k] & 0xff);
    struct mbuf *m = m_devget(reinterpret_cast<const char *>(b.data()), static_cast<int>(b.size()), 0, nullptr);
    if (m == nullptr) RC_FAIL("setup: m_devget failed with no failure injected");
    return m;
}

// Every kind of walk, against the model.
void probe_all(const Model &m, Sut &s, const std::string &after) {
    g_trace.clear();
    for (int k = 0; k < 2; ++k) {
        const std::string pk = "p" + std::to_string(k);
        // Input.
        std::vector<std::string> want;
        append_filters(want, m.if_list, false, ":in");
        append_filters(want, m.pr_list[static_cast<size_t>(k)], false, ":in");
        want.push_back(pk + ":input");
        const int irc = dlil_input(&s.ifp, frame_for(k), nullptr);
        if (irc != 0) RC_FAIL("dlil_input returned " + std::to_string(irc) + " (DLIL-INPUT-001)");
        expect_trace(want, "input to " + pk + " after " + after, "DLIL-ORDER-001, DLIL-ORDER-002, DLIL-FLT-005, DLIL-FLT-006");
        // Output.
        want.clear();
        want.push_back(pk + ":pre_output");
        append_filters(want, m.pr_list[static_cast<size_t>(k)], true, ":out");
        append_filters(want, m.if_list, true, ":out");
        want.push_back("drv:output");
        struct mbuf *out = m_gethdr(M_DONTWAIT, MT_DATA);
        if (out == nullptr) RC_FAIL("setup: m_gethdr failed with no failure injected");
        out->m_len = out->m_pkthdr.len = 20;
        std::memset(mtod(out, char *), 0x11, 20);
        const int orc = dlil_output(s.tags[static_cast<size_t>(k)], out, nullptr, nullptr, 0);
        if (orc != 0) RC_FAIL("dlil_output returned " + std::to_string(orc) + " (DLIL-OUTPUT-006)");
        expect_trace(want, "output from " + pk + " after " + after, "DLIL-ORDER-001, DLIL-ORDER-003, DLIL-FLT-005, DLIL-FLT-006");
        // Ioctl.
        want.clear();
        append_filters(want, m.pr_list[static_cast<size_t>(k)], true, ":ioctl");
        want.push_back(pk + ":ioctl");
        append_filters(want, m.if_list, true, ":ioctl");
        want.push_back("drv:ioctl");
        (void)dlil_ioctl(kPf[k], &s.ifp, kIoctlCmd, nullptr);
        expect_trace(want, "dlil_ioctl for " + pk + " after " + after, "DLIL-ORDER-004, DLIL-IOCTL-001", true);
    }
    // Event.
    std::vector<std::string> want;
    append_filters(want, m.if_list, false, ":event");
    want.push_back("drv:event");
    for (int k = 0; k < 2; ++k) {
        append_filters(want, m.pr_list[static_cast<size_t>(k)], false, ":event");
        want.push_back("p" + std::to_string(k) + ":event");
    }
    struct {
        kern_event_msg msg;
        uint32_t pad[3];
    } ev{};
    ev.msg.total_size = KEV_MSG_HEADER_SIZE + 4;
    ev.msg.vendor_code = KEV_VENDOR_APPLE;
    ev.msg.kev_class = KEV_NETWORK_CLASS;
    ev.msg.kev_subclass = KEV_DL_SUBCLASS;
    ev.msg.event_code = KEV_DL_LINK_ON;
    (void)dlil_event(&s.ifp, &ev.msg);
    expect_trace(want, "dlil_event after " + after, "DLIL-ORDER-005, DLIL-EVENT-001");
}

// --- commands ---------------------------------------------------------------------------

using Cmd = rc::state::Command<Model, Sut>;

// Where the new filter goes.
struct Where {
    enum Kind { Last, Before, Stale, Foreign, Null } kind = Last;
    unsigned pick = 0;
};
std::ostream &operator<<(std::ostream &os, const Where &w) {
    switch (w.kind) {
    case Where::Last: return os << "DLIL_LAST_FILTER";
    case Where::Before: return os << "before list[" << w.pick << " mod n]";
    case Where::Stale: return os << "a detached id";
    case Where::Foreign: return os << "an id of another list";
    case Where::Null: return os << "DLIL_NULL_FILTER";
    }
    return os;
}
// The filter number to insert before (-1: the tail; -2: DLIL_NULL_FILTER;
// <= -3: -3 - f, a filter not on this list).
int resolve(const Model &m, const Where &w, int list_kind) {
    const auto &l = m.list(list_kind);
    std::vector<int> c;
    switch (w.kind) {
    case Where::Last: return -1;
    case Where::Null: return -2;
    case Where::Before: return l.empty() ? -1 : l[w.pick % l.size()];
    case Where::Stale:
        for (size_t f = 0; f < m.live.size(); ++f)
            if (!m.live[f]) c.push_back(static_cast<int>(f));
        break;
    case Where::Foreign:
        for (size_t f = 0; f < m.live.size(); ++f)
            if (m.live[f] && m.kind[f] != list_kind) c.push_back(static_cast<int>(f));
        break;
    }
    return c.empty() ? -1 : -3 - c[w.pick % c.size()];
}

struct AttachFilter : Cmd {
    int list_kind;  // -1: interface filter; 0/1: protocol filter of p0/p1
    Where where;
    explicit AttachFilter(const Model &) {
        list_kind = *rc::gen::inRange(-1, 2);
        where.kind = *rc::gen::weightedElement<Where::Kind>(
            {{4, Where::Last}, {6, Where::Before}, {1, Where::Stale}, {1, Where::Foreign}, {1, Where::Null}});
        where.pick = *rc::gen::inRange(0u, 64u);
    }
    void apply(Model &m) const override {
        const int r = resolve(m, where, list_kind);
        if (r <= -2) return;  // ENOENT: nothing linked (DLIL-FLT-007)
        const int f = static_cast<int>(m.live.size());
        m.kind.push_back(list_kind);
        m.live.push_back(true);
        auto &l = m.list(list_kind);
        l.insert(r == -1 ? l.end() : std::find(l.begin(), l.end(), r), f);
    }
    void run(const Model &m, Sut &s) const override {
        const int r = resolve(m, where, list_kind);
        const int arg = r == -1 ? DLIL_LAST_FILTER : r == -2 ? DLIL_NULL_FILTER
                        : static_cast<int>(s.fids[static_cast<size_t>(r <= -3 ? -3 - r : r)]);
        void *cookie = reinterpret_cast<void *>(static_cast<uintptr_t>(m.live.size()));
        unsigned long id = 0;
        int rc;
        if (list_kind < 0) {
            dlil_if_flt_str f{};
            f.cookie = cookie;
            f.filter_if_input = if_in;
            f.filter_if_output = if_out;
            f.filter_if_ioctl = if_ioctl;
            f.filter_if_event = if_event;
            f.filter_detach = flt_detach;
            rc = dlil_attach_interface_filter(&s.ifp, &f, &id, arg);
        } else {
            dlil_pr_flt_str f{};
            f.cookie = cookie;
            f.filter_dl_input = pr_in;
            f.filter_dl_output = pr_out;
            f.filter_dl_ioctl = pr_ioctl;
            f.filter_dl_event = pr_event;
            f.filter_detach = flt_detach;
            rc = dlil_attach_protocol_filter(s.tags[static_cast<size_t>(list_kind)], &f, &id, arg);
        }
        std::ostringstream call;
        show(call);
        if (r <= -2) {
            if (rc != ENOENT) RC_FAIL(call.str() + " returned " + std::to_string(rc) + ", expected ENOENT (DLIL-FLT-007)");
        } else {
            if (rc != 0) RC_FAIL(call.str() + " returned " + std::to_string(rc) + " (DLIL-FLT-001)");
            s.fids.push_back(id);
        }
        probe_all(nextState(m), s, call.str());
    }
    void show(std::ostream &os) const override {
        if (list_kind < 0) os << "attach interface filter, " << where;
        else os << "attach protocol filter on p" << list_kind << ", " << where;
    }
};

struct DetachFilter : Cmd {
    int f;
    explicit DetachFilter(const Model &m) {
        std::vector<int> live;
        for (size_t k = 0; k < m.live.size(); ++k)
            if (m.live[k]) live.push_back(static_cast<int>(k));
        RC_PRE(!live.empty());
        f = *rc::gen::elementOf(live);
    }
    void checkPreconditions(const Model &m) const override {
        // (RC_PRE captures its expression: && would not short-circuit.)
        const bool ok = static_cast<size_t>(f) < m.live.size() && m.live[static_cast<size_t>(f)];
        RC_PRE(ok);
    }
    void apply(Model &m) const override {
        auto &l = m.list(m.kind[static_cast<size_t>(f)]);
        l.erase(std::find(l.begin(), l.end(), f));
        m.live[static_cast<size_t>(f)] = false;
    }
    void run(const Model &m, Sut &s) const override {
        const int rc = dlil_detach_filter(s.fids[static_cast<size_t>(f)]);
        if (rc != 0) RC_FAIL("dlil_detach_filter(f" + std::to_string(f) + ") returned " + std::to_string(rc) + " (DLIL-FLT-010)");
        probe_all(nextState(m), s, "detach f" + std::to_string(f));
    }
    void show(std::ostream &os) const override { os << "detach f" << f; }
};

}  // namespace

NKE_PROP(OrderingProps, DlilFilterWalksFollowTheModel,
         "DLIL-FLT-001", "DLIL-FLT-005", "DLIL-FLT-006", "DLIL-FLT-007", "DLIL-FLT-010",
         "DLIL-ORDER-001", "DLIL-ORDER-002", "DLIL-ORDER-003", "DLIL-ORDER-004", "DLIL-ORDER-005",
         "DLIL-PROTO-010", "DLIL-EVENT-001", "DLIL-IOCTL-001") {
    Model m0;
    Sut sut;
    probe_all(m0, sut, "setup");
    rc::state::check(m0, sut, rc::state::gen::execOneOfWithArgs<AttachFilter, AttachFilter, DetachFilter>());
}
