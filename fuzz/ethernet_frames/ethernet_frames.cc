// ethernet_frames — dlil_input with any frames on an Ethernet interface
// (spec/dlil.md: DLIL-INPUT-*, DLIL-ETHER-*, DLIL-FLT-*, DLIL-INJECT-*,
// DLIL-STATS-*, DLIL-OWN-*).
//
// Input (lwIP test/fuzz style):
//
//   4 config bytes, then frames, each a 2-byte big-endian word + bytes:
//     word & 0x07ff   frame length (0..2047)
//     word & 0x0800   the driver splits the chain inside the link header
//     word & 0x1000   the driver hands the link header apart (m_pkthdr.header set)
//     word & 0x2000   the packet has no M_PKTHDR (malformed)
//     word & 0x4000   batch this frame with the next one (m_nextpkt list)
//     word & 0x8000   hand it to an interface that is not attached (ENXIO)
//   A pcap's frames with lengths below 2048 are valid frames with no option.
//
//   config byte 0: bit 0 promiscuous; bits 1-2 offer mode (never, always,
//                  VLAN types only); bits 3-4 dl_input mode; bits 5-7 PF_IP mode
//          byte 1: bits 0-2 IF_A mode, bits 3-5 IF_B mode
//          byte 2: bits 0-2 PF_LLC mode
//   filter modes: 0 pass, 1 keep (EJUSTRETURN), 2 error, 3 replace the chain,
//   4 free and set *m NULL, 5 free and EJUSTRETURN, 6 re-inject after itself
//   (dlil_inject_*_input) and EJUSTRETURN, 7 change *ifp.
//
// The interface "fz0" (set up once) has six protocols: IP (ETYPE2 0x0800,
// 0x0806), IP6 (ETYPE2 0x86dd), LLC (SAP 42/42/03, 802_2 e0/e0/03), SNAP
// (SNAP 00-00-00/8137, 802_2_SNAP 08-00-07/809b), RAW (0x88xx under a mask,
// with an offer function that declines) and OFFER (no descriptor; its offer
// function claims frames as the config says); interface filters A, B
// (head..tail) and protocol filters on IP and LLC.
//
// For every frame a small oracle written from the spec predicts the stages
// that run (filters, offers, protocol) in order, where the frame ends
// (delivered to which protocol, kept, or dropped and counted in which
// if_data counter), sync_ok, and the if_data deltas; the callbacks check the
// frame they see (bytes, header pointer, rcvif, tag, M_BCAST/M_MCAST).  The
// harness counters must show exactly the mbufs the NKE side holds after
// every dlil_input call (ownership: DLIL-OWN-001), no double free, and
// nothing live at the end of each input.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fdp_writer.hpp"
#include "fuzz_common.hpp"  // last: <nke/mbuf.h> macros

namespace {

using nke::fuzz::counters;
using nke::fuzz::trace;

constexpr uint8_t kMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
constexpr size_t kHdr = 14;
constexpr size_t kMaxFrames = 64;

enum Mode : uint8_t {
    kPass = 0,
    kKeep = 1,
    kError = 2,
    kReplace = 3,
    kNull = 4,
    kConsume = 5,
    kInject = 6,
    kChangeIfp = 7,
};
const char *mode_name(int m) {
    static const char *n[] = {"pass", "keep", "error", "replace", "null", "consume", "inject", "change-ifp"};
    return n[m & 7];
}

enum InMode : uint8_t { kAcceptFree = 0, kAcceptKeep = 1, kInError = 2, kInJust = 3 };

struct Config {
    bool promisc = false;
    int offer = 0;  // 0 never, 1 always, 2 VLAN types
    int in_mode = kAcceptFree;
    int pf_ip = kPass, pf_llc = kPass, if_a = kPass, if_b = kPass;
};

Config parse_config(const uint8_t c[4]) {
    Config k;
    k.promisc = c[0] & 1;
    k.offer = (c[0] >> 1) & 3;
    if (k.offer == 3) k.offer = 1;
    k.in_mode = (c[0] >> 3) & 3;
    k.pf_ip = (c[0] >> 5) & 7;
    k.if_a = c[1] & 7;
    k.if_b = (c[1] >> 3) & 7;
    k.pf_llc = c[2] & 7;
    return k;
}

// ---------------------------------------------------------------------------
// The world: one interface, its protocols and filters (set up once)
// ---------------------------------------------------------------------------

enum ProtoId { P_IP, P_IP6, P_LLC, P_SNAP, P_RAW, P_OFFER, kNumProtos };
const char *kProtoNames[] = {"IP", "IP6", "LLC", "SNAP", "RAW", "OFFER"};
constexpr uint32_t kFamilies[] = {0x4e4b0001, 0x4e4b0002, 0x4e4b0003, 0x4e4b0004, 0x4e4b0005, 0x4e4b0006};

enum FilterId { F_A, F_B, F_PF_IP, F_PF_LLC, kNumFilters };
const char *kFilterNames[] = {"IF_A", "IF_B", "PF_IP", "PF_LLC"};

struct World {
    ifnet ifp{};
    ifnet dead{};  // never attached
    unsigned long tag[kNumProtos] = {};
    unsigned long fid[kNumFilters] = {};
    int fslot[kNumFilters] = {F_A, F_B, F_PF_IP, F_PF_LLC};
    int pslot[kNumProtos] = {P_IP, P_IP6, P_LLC, P_SNAP, P_RAW, P_OFFER};
};

World *g_world = nullptr;
Config g_cfg;

// What the callbacks saw for the frame in flight.
struct Seen {
    std::vector<std::string> stages;
    int delivered = -1;   // protocol
    int sync_ok = -1;
    bool kept = false;
    std::vector<uint8_t> header, payload;  // what dl_input received
    int16_t flags = 0;
};
Seen g_seen;

// The frame in flight, as the oracle knows it.
struct Expect {
    const std::vector<uint8_t> *bytes = nullptr;  // whole frame, link header included
};
Expect g_cur;

// Frames the NKE side owns (kept with EJUSTRETURN), freed at the end of the input.
std::vector<struct mbuf *> g_kept;
// Link headers handed apart by the driver: must outlive the frames.
std::vector<std::unique_ptr<uint8_t[]>> g_headers;

int mode_of(int f) {
    switch (f) {
    case F_A: return g_cfg.if_a;
    case F_B: return g_cfg.if_b;
    case F_PF_IP: return g_cfg.pf_ip;
    default: return g_cfg.pf_llc;
    }
}

std::vector<uint8_t> chain_bytes(const struct mbuf *m) {
    std::vector<uint8_t> v;
    size_t guard = 0;
    for (; m; m = m->m_next) {
        FUZZ_CHECK(++guard < 100000, "frame chain does not end");
        FUZZ_CHECK(m->m_len >= 0, "mbuf with m_len %d", m->m_len);
        v.insert(v.end(), reinterpret_cast<const uint8_t *>(m->m_data),
                 reinterpret_cast<const uint8_t *>(m->m_data) + m->m_len);
    }
    return v;
}

int count_mbufs(const struct mbuf *m) {
    int n = 0;
    for (; m; m = m->m_next) ++n;
    return n;
}

// Every stage sees a packet whose header and data are the frame's.
void check_frame(const char *who, struct mbuf *m, const char *frame) {
    FUZZ_CHECK(m != nullptr && (m->m_flags & M_PKTHDR), "%s: packet without M_PKTHDR", who);
    FUZZ_CHECK(m->m_pkthdr.header == frame, "%s: m_pkthdr.header %p != frame pointer %p (DLIL-INPUT-016)", who,
               m->m_pkthdr.header, static_cast<const void *>(frame));
    FUZZ_CHECK(m->m_pkthdr.rcvif == &g_world->ifp, "%s: rcvif %p is not the interface (DLIL-INPUT-006)", who,
               static_cast<void *>(m->m_pkthdr.rcvif));
    FUZZ_CHECK(m->m_nextpkt == nullptr, "%s: packet still linked by m_nextpkt (DLIL-INPUT-004)", who);
    const auto &all = *g_cur.bytes;
    FUZZ_CHECK(std::memcmp(frame, all.data(), kHdr) == 0, "%s: link header bytes differ: %s", who,
               nke::fuzz::hex(frame, kHdr).c_str());
    const std::vector<uint8_t> data = chain_bytes(m);
    FUZZ_CHECK(data.size() == all.size() - kHdr && std::equal(data.begin(), data.end(), all.begin() + kHdr),
               "%s: payload (%zu bytes) differs from the frame's (%zu bytes)", who, data.size(), all.size() - kHdr);
    FUZZ_CHECK(m->m_pkthdr.len == static_cast<int32_t>(data.size()), "%s: pkthdr.len %d, chain %zu", who,
               m->m_pkthdr.len, data.size());
}

// A copy of the packet with its own link header (filters may replace both).
struct mbuf *replacement(struct mbuf *m, char **frame) {
    struct mbuf *n = m_getpacket();
    if (n == nullptr) return nullptr;
    const std::vector<uint8_t> data = chain_bytes(m);
    FUZZ_CHECK(kHdr + data.size() <= MCLBYTES, "frame too large to copy");
    std::memcpy(n->m_data, *frame, kHdr);
    if (!data.empty()) std::memcpy(n->m_data + kHdr, data.data(), data.size());
    n->m_pkthdr = m->m_pkthdr;
    n->m_pkthdr.aux = nullptr;
    n->m_pkthdr.header = n->m_data;
    n->m_flags = static_cast<int16_t>(n->m_flags | (m->m_flags & (M_BCAST | M_MCAST)));
    *frame = n->m_data;
    n->m_data += kHdr;
    n->m_len = static_cast<int32_t>(data.size());
    n->m_pkthdr.len = n->m_len;
    m_freem(m);
    return n;
}

// The shared body of both kinds of input filter.
int filter_input(int f, struct mbuf **m, char **frame, struct ifnet **ifp) {
    const char *name = kFilterNames[f];
    g_seen.stages.emplace_back(name);
    FUZZ_CHECK(*ifp == &g_world->ifp, "%s: called for another interface", name);
    check_frame(name, *m, *frame);
    const int mode = mode_of(f);
    trace("    %s(%s)\n", name, mode_name(mode));
    switch (mode) {
    case kPass: return 0;
    case kKeep:
        g_kept.push_back(*m);
        g_seen.kept = true;
        return EJUSTRETURN;
    case kError: return EPERM;
    case kReplace: {
        struct mbuf *n = replacement(*m, frame);
        FUZZ_CHECK(n != nullptr, "m_getpacket failed with no failure armed");
        *m = n;
        return 0;
    }
    case kNull:
        m_freem(*m);
        *m = nullptr;
        g_seen.kept = true;
        return 0;
    case kConsume:
        m_freem(*m);
        g_seen.kept = true;
        return EJUSTRETURN;
    case kInject: {
        const int rc = f <= F_B ? dlil_inject_if_input(*m, *frame, g_world->fid[f])
                                : dlil_inject_pr_input(*m, *frame, g_world->fid[f]);
        trace("    %s: dlil_inject_%s_input(..., %lu) -> %s\n", name, f <= F_B ? "if" : "pr", g_world->fid[f],
              nke::fuzz::errno_name(rc));
        FUZZ_CHECK(rc == 0, "%s: dlil_inject_%s_input returned %d (DLIL-INJECT-001/002)", name,
                   f <= F_B ? "if" : "pr", rc);
        return EJUSTRETURN;
    }
    default:
        *ifp = &g_world->dead;
        return 0;
    }
}

int if_filter_input(void *cookie, struct ifnet **ifp, struct mbuf **m, char **frame) {
    return filter_input(*static_cast<int *>(cookie), m, frame, ifp);
}
int pr_filter_input(void *cookie, struct mbuf **m, char **frame, struct ifnet **ifp) {
    return filter_input(*static_cast<int *>(cookie), m, frame, ifp);
}
int filter_detach(void *) { return 0; }

int proto_input(int p, struct mbuf *m, char *frame, struct ifnet *ifp, unsigned long tag, int sync_ok) {
    const std::string name = std::string("in:") + kProtoNames[p];
    g_seen.stages.push_back(name);
    FUZZ_CHECK(ifp == &g_world->ifp, "%s: wrong interface", name.c_str());
    FUZZ_CHECK(tag == g_world->tag[p], "%s: dl_tag %lu, attached as %lu", name.c_str(), tag, g_world->tag[p]);
    check_frame(name.c_str(), m, frame);
    g_seen.delivered = p;
    g_seen.sync_ok = sync_ok;
    g_seen.flags = m->m_flags;
    trace("    dl_input(%s, sync_ok %d) mode %d\n", kProtoNames[p], sync_ok, g_cfg.in_mode);
    switch (g_cfg.in_mode) {
    case kAcceptFree: m_freem(m); return 0;
    case kAcceptKeep: g_kept.push_back(m); return 0;
    case kInError: return EINVAL;  // the stack frees it
    default: g_kept.push_back(m); return EJUSTRETURN;
    }
}

template <int P>
int input_cb(struct mbuf *m, char *frame, struct ifnet *ifp, unsigned long tag, int sync_ok) {
    return proto_input(P, m, frame, ifp, tag, sync_ok);
}

uint16_t ether_type(const uint8_t *h) { return static_cast<uint16_t>(h[12] << 8 | h[13]); }

bool offer_claims(const uint8_t *h) {
    if (g_cfg.offer == 1) return true;
    if (g_cfg.offer == 2) {
        const uint16_t t = ether_type(h);
        return t == 0x8100 || t == 0x88a8;
    }
    return false;
}

int offer_raw(struct mbuf *m, char *frame) {
    g_seen.stages.emplace_back("offer:RAW");
    check_frame("offer:RAW", m, frame);
    return ENOENT;  // declines
}
int offer_offer(struct mbuf *m, char *frame) {
    g_seen.stages.emplace_back("offer:OFFER");
    check_frame("offer:OFFER", m, frame);
    return offer_claims(reinterpret_cast<const uint8_t *>(frame)) ? 0 : ENOENT;
}

int if_output(struct ifnet *, struct mbuf *m) {
    m_freem(m);
    return 0;
}

void init_ifnet(ifnet &i, const char *name, int16_t unit) {
    std::strncpy(i.if_name, name, NKE_IFNAMSIZ - 1);
    i.if_unit = unit;
    i.if_family = APPLE_IF_FAM_ETHERNET;
    i.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING | NKE_IFF_BROADCAST | NKE_IFF_MULTICAST;
    i.if_mtu = 1500;
    i.if_addrlen = 6;
    i.if_hdrlen = kHdr;
    std::memcpy(i.if_lladdr, kMac, 6);
    i.if_output = if_output;
}

// Descriptors (the Ethernet module copies them: DLIL-ETHER-013).
struct Desc {
    dlil_demux_desc d{};
    unsigned char value[8] = {};
    unsigned char mask[2] = {};
};

void attach_proto(World &w, int p, std::vector<Desc> descs, dl_offer_func offer) {
    dlil_proto_reg_str reg{};
    TAILQ_INIT(&reg.demux_desc_head);
    for (auto &d : descs) {
        if (d.d.type == DLIL_DESC_RAW) {
            d.d.variants.bitmask.proto_id = d.value;
            d.d.variants.bitmask.proto_id_mask = d.mask;
            d.d.variants.bitmask.proto_id_length = 2;
        } else if (d.d.type == DLIL_DESC_ETYPE2 || d.d.type == DLIL_DESC_SAP || d.d.type == DLIL_DESC_SNAP) {
            d.d.native_type = d.value;
        }
        TAILQ_INSERT_TAIL(&reg.demux_desc_head, &d.d, next);
    }
    reg.interface_family = APPLE_IF_FAM_ETHERNET;
    reg.protocol_family = kFamilies[p];
    reg.unit_number = w.ifp.if_unit;
    static const dl_input_func inputs[] = {input_cb<0>, input_cb<1>, input_cb<2>,
                                           input_cb<3>, input_cb<4>, input_cb<5>};
    reg.input = inputs[p];
    reg.offer = offer;
    const int rc = dlil_attach_protocol(&reg, &w.tag[p]);
    FUZZ_CHECK(rc == 0, "dlil_attach_protocol(%s) = %d", kProtoNames[p], rc);
}

Desc etype(uint16_t t) {
    Desc d;
    d.d.type = DLIL_DESC_ETYPE2;
    d.value[0] = static_cast<unsigned char>(t >> 8);
    d.value[1] = static_cast<unsigned char>(t);
    return d;
}
Desc sap(uint8_t a, uint8_t b, uint8_t c) {
    Desc d;
    d.d.type = DLIL_DESC_SAP;
    d.value[0] = a;
    d.value[1] = b;
    d.value[2] = c;
    return d;
}
Desc snap(const uint8_t v[5]) {
    Desc d;
    d.d.type = DLIL_DESC_SNAP;
    std::memcpy(d.value, v, 5);
    return d;
}

World *make_world() {
    auto *w = new World;
    init_ifnet(w->ifp, "fz", 0);
    init_ifnet(w->dead, "fzdead", 0);
    int rc = dlil_if_attach(&w->ifp);
    FUZZ_CHECK(rc == 0, "dlil_if_attach = %d", rc);
    attach_proto(*w, P_IP, {etype(0x0800), etype(0x0806)}, nullptr);
    attach_proto(*w, P_IP6, {etype(0x86dd)}, nullptr);
    {
        Desc llc2;
        llc2.d.type = DLIL_DESC_802_2;
        llc2.d.variants.desc_802_2.dsap = 0xe0;
        llc2.d.variants.desc_802_2.ssap = 0xe0;
        llc2.d.variants.desc_802_2.control_code = 0x03;
        attach_proto(*w, P_LLC, {sap(0x42, 0x42, 0x03), llc2}, nullptr);
    }
    {
        static const uint8_t ipx_snap[5] = {0x00, 0x00, 0x00, 0x81, 0x37};
        Desc at;
        at.d.type = DLIL_DESC_802_2_SNAP;
        at.d.variants.desc_802_2_SNAP.dsap = 0xaa;
        at.d.variants.desc_802_2_SNAP.ssap = 0xaa;
        at.d.variants.desc_802_2_SNAP.control_code = 0x03;
        at.d.variants.desc_802_2_SNAP.org[0] = 0x08;
        at.d.variants.desc_802_2_SNAP.org[1] = 0x00;
        at.d.variants.desc_802_2_SNAP.org[2] = 0x07;
        const uint8_t type[2] = {0x80, 0x9b};  // network order in memory
        std::memcpy(&at.d.variants.desc_802_2_SNAP.protocol_type, type, 2);
        attach_proto(*w, P_SNAP, {snap(ipx_snap), at}, nullptr);
    }
    {
        Desc raw;
        raw.d.type = DLIL_DESC_RAW;
        raw.value[0] = 0x88;
        raw.value[1] = 0x00;
        raw.mask[0] = 0xff;
        raw.mask[1] = 0x00;
        attach_proto(*w, P_RAW, {raw}, offer_raw);
    }
    attach_proto(*w, P_OFFER, {}, offer_offer);
    // Interface filters: B at the tail, then A inserted before B (head..tail: A, B).
    dlil_if_flt_str iff{};
    iff.filter_if_input = if_filter_input;
    iff.filter_detach = filter_detach;
    iff.cookie = &w->fslot[F_B];
    rc = dlil_attach_interface_filter(&w->ifp, &iff, &w->fid[F_B], DLIL_LAST_FILTER);
    FUZZ_CHECK(rc == 0, "dlil_attach_interface_filter(B) = %d", rc);
    iff.cookie = &w->fslot[F_A];
    rc = dlil_attach_interface_filter(&w->ifp, &iff, &w->fid[F_A], static_cast<int>(w->fid[F_B]));
    FUZZ_CHECK(rc == 0, "dlil_attach_interface_filter(A before B) = %d", rc);
    dlil_pr_flt_str prf{};
    prf.filter_dl_input = pr_filter_input;
    prf.filter_detach = filter_detach;
    prf.cookie = &w->fslot[F_PF_IP];
    rc = dlil_attach_protocol_filter(w->tag[P_IP], &prf, &w->fid[F_PF_IP], DLIL_LAST_FILTER);
    FUZZ_CHECK(rc == 0, "dlil_attach_protocol_filter(IP) = %d", rc);
    prf.cookie = &w->fslot[F_PF_LLC];
    rc = dlil_attach_protocol_filter(w->tag[P_LLC], &prf, &w->fid[F_PF_LLC], DLIL_LAST_FILTER);
    FUZZ_CHECK(rc == 0, "dlil_attach_protocol_filter(LLC) = %d", rc);
    return w;
}

// ---------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------

enum class End { kDelivered, kKept, kIErr, kIQDrop, kNoProto, kIErrOrIQDrop };
const char *end_name(End e) {
    static const char *n[] = {"delivered", "kept", "ierrors", "iqdrops", "noproto", "ierrors|iqdrops"};
    return n[static_cast<int>(e)];
}

struct Prediction {
    std::vector<std::string> stages;
    End end = End::kNoProto;
    int proto = -1;
    int sync_ok = 1;
    bool imcast = false;
    bool imcast_known = true;
};

// Walk one filter: true when the frame goes on.
bool predict_filter(int f, Prediction &p) {
    p.stages.emplace_back(kFilterNames[f]);
    switch (mode_of(f)) {
    case kPass:
    case kReplace: return true;
    case kInject: p.sync_ok = 0; return true;  // resumes after itself, sync_ok 0
    case kKeep:
    case kNull:
    case kConsume: p.end = End::kKept; return false;
    default: p.end = End::kIQDrop; return false;  // error, changed ifp (DLIL-FLT-014)
    }
}

int demux(const std::vector<uint8_t> &f, Prediction &p, bool &consumed) {
    consumed = false;
    const uint8_t *h = f.data();
    const bool bcast = std::all_of(h, h + 6, [](uint8_t b) { return b == 0xff; });
    const bool mcast = !bcast && (h[0] & 1);
    const bool other = !bcast && !mcast && !g_cfg.promisc && std::memcmp(h, kMac, 6) != 0;
    const uint16_t t = ether_type(h);
    const bool malformed = t > 1500 && t < 0x0600;
    if (other) {
        consumed = true;
        p.end = malformed ? End::kIErrOrIQDrop : End::kIQDrop;
        return -1;
    }
    if (malformed) {
        consumed = true;
        p.end = End::kIErr;
        p.imcast_known = false;  // whether the demux returned EJUSTRETURN first is not observable
        return -1;
    }
    p.imcast = bcast || mcast;
    if (t >= 0x0600) {
        if (t == 0x0800 || t == 0x0806) return P_IP;
        if (t == 0x86dd) return P_IP6;
        if ((t & 0xff00) == 0x8800) return P_RAW;
        return -1;
    }
    const size_t n = f.size() - kHdr;
    const uint8_t *llc = h + kHdr;
    if (n >= 8 && llc[0] == 0xaa && llc[1] == 0xaa && llc[2] == 0x03) {
        static const uint8_t ipx[5] = {0x00, 0x00, 0x00, 0x81, 0x37};
        static const uint8_t atalk[5] = {0x08, 0x00, 0x07, 0x80, 0x9b};
        if (std::memcmp(llc + 3, ipx, 5) == 0 || std::memcmp(llc + 3, atalk, 5) == 0) return P_SNAP;
    }
    if (n >= 3 && llc[2] == 0x03 && ((llc[0] == 0x42 && llc[1] == 0x42) || (llc[0] == 0xe0 && llc[1] == 0xe0)))
        return P_LLC;
    return -1;
}

Prediction predict(const std::vector<uint8_t> &f) {
    Prediction p;
    if (!predict_filter(F_B, p) || !predict_filter(F_A, p)) return p;
    bool consumed;
    int proto = demux(f, p, consumed);
    if (consumed) return p;
    if (proto < 0) {
        p.stages.emplace_back("offer:RAW");
        p.stages.emplace_back("offer:OFFER");
        if (!offer_claims(f.data())) {
            p.end = End::kNoProto;
            return p;
        }
        proto = P_OFFER;
    }
    if (proto == P_IP && !predict_filter(F_PF_IP, p)) return p;
    if (proto == P_LLC && !predict_filter(F_PF_LLC, p)) return p;
    p.stages.push_back(std::string("in:") + kProtoNames[proto]);
    p.proto = proto;
    switch (g_cfg.in_mode) {
    case kAcceptFree: p.end = End::kDelivered; break;
    case kAcceptKeep: p.end = End::kDelivered; break;
    case kInError: p.end = End::kIQDrop; break;
    default: p.end = End::kDelivered; break;
    }
    return p;
}

// ---------------------------------------------------------------------------
// Frames and the run
// ---------------------------------------------------------------------------

constexpr uint16_t kOptSplit = 0x0800, kOptHdrApart = 0x1000, kOptNoPkthdr = 0x2000, kOptBatch = 0x4000,
                   kOptDead = 0x8000;

struct Frame {
    std::vector<uint8_t> bytes;
    uint16_t opts = 0;
};

uint64_t kept_mbufs() {
    uint64_t n = 0;
    for (auto *m : g_kept) n += static_cast<uint64_t>(count_mbufs(m));
    return n;
}

// Build the packet the driver hands over.  Returns the bytes the stack counts
// in ifi_ibytes (m_pkthdr.len as handed).
struct mbuf *make_packet(const Frame &fr, int64_t &handed) {
    const auto &b = fr.bytes;
    const bool apart = (fr.opts & kOptHdrApart) && b.size() >= kHdr;
    const bool nohdr = fr.opts & kOptNoPkthdr;
    const size_t off = apart ? kHdr : 0;
    const size_t len = b.size() - off;
    // Split point: inside the link header when asked, so the stack must make it contiguous.
    size_t cut = len;
    if ((fr.opts & kOptSplit) && len > 1) cut = 1 + (len * 7 + 3) % std::min<size_t>(len - 1, kHdr);
    struct mbuf *head = nullptr, *tail = nullptr;
    size_t at = 0;
    while (at < len || head == nullptr) {
        const bool first = head == nullptr;
        struct mbuf *m = (first && !nohdr) ? m_gethdr(M_DONTWAIT, MT_DATA) : m_get(M_DONTWAIT, MT_DATA);
        FUZZ_CHECK(m != nullptr, "m_get failed with no failure armed");
        size_t take = std::min(len - at, static_cast<size_t>(first ? cut : MCLBYTES));
        if (take > static_cast<size_t>(first && !nohdr ? MHLEN : MLEN)) {
            m_mclget(m, M_DONTWAIT);
            FUZZ_CHECK(m->m_flags & M_EXT, "m_mclget failed with no failure armed");
        }
        if (!(m->m_flags & M_EXT)) take = std::min(take, static_cast<size_t>(first && !nohdr ? MHLEN : MLEN));
        if (take) std::memcpy(m->m_data, b.data() + off + at, take);
        m->m_len = static_cast<int32_t>(take);
        at += take;
        if (tail) tail->m_next = m;
        else head = m;
        tail = m;
    }
    handed = static_cast<int64_t>(len);
    if (!nohdr) {
        head->m_pkthdr.len = static_cast<int32_t>(len);
        if (apart) {
            auto h = std::make_unique<uint8_t[]>(kHdr);
            std::memcpy(h.get(), b.data(), kHdr);
            head->m_pkthdr.header = h.get();
            g_headers.push_back(std::move(h));
        }
    }
    return head;
}

struct Stats {
    uint64_t ipackets, ibytes, ierrors, iqdrops, noproto, imcasts;
};
Stats stats() {
    const if_data &d = g_world->ifp.if_data;
    return {d.ifi_ipackets, d.ifi_ibytes, d.ifi_ierrors, d.ifi_iqdrops, d.ifi_noproto, d.ifi_imcasts};
}

void check_holdings(const nke_counters &base, const char *when) {
    const nke_counters c = counters();
    FUZZ_CHECK(c.mbufs == base.mbufs + kept_mbufs(),
               "%s: %llu live mbufs, the NKE side holds %llu (DLIL-OWN-001: freed twice or never)", when,
               static_cast<unsigned long long>(c.mbufs - base.mbufs),
               static_cast<unsigned long long>(kept_mbufs()));
    FUZZ_CHECK(c.mbuf_double_frees == base.mbuf_double_frees, "%s: %llu double frees (DLIL-OWN-001)", when,
               static_cast<unsigned long long>(c.mbuf_double_frees - base.mbuf_double_frees));
}

void run_batch(const std::vector<Frame> &batch, const nke_counters &base) {
    const bool dead = batch.front().opts & kOptDead;
    struct ifnet *ifp = dead ? &g_world->dead : &g_world->ifp;
    struct mbuf *head = nullptr, *tail = nullptr;
    std::vector<int64_t> handed(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
        struct mbuf *m = make_packet(batch[i], handed[i]);
        if (tail) tail->m_nextpkt = m;
        else head = m;
        tail = m;
    }
    if (dead) {
        const Stats s0 = stats();
        const int rc = dlil_input(ifp, head, tail);
        trace("dlil_input(<not attached>, %zu packets) -> %s\n", batch.size(), nke::fuzz::errno_name(rc));
        FUZZ_CHECK(rc == ENXIO, "dlil_input on an interface that is not attached returned %d (DLIL-INPUT-003)", rc);
        const Stats s1 = stats();
        FUZZ_CHECK(std::memcmp(&s0, &s1, sizeof s0) == 0, "dlil_input on another interface changed fz0's counters");
        check_holdings(base, "after dlil_input on a detached interface (DLIL-INPUT-003)");
        return;
    }
    // The oracle follows the packets one by one; the stack handles the list
    // in order (DLIL-INPUT-004), so a batch's stage lists are concatenated.
    // Batches hold identical frames only, so the callbacks can check every
    // packet against one frame.
    std::vector<Prediction> pred;
    std::vector<std::string> want_stages;
    Stats want = stats();
    for (size_t i = 0; i < batch.size(); ++i) {
        const Frame &fr = batch[i];
        Prediction p;
        want.ipackets += 1;
        const bool nohdr = fr.opts & kOptNoPkthdr;
        const bool apart = (fr.opts & kOptHdrApart) && fr.bytes.size() >= kHdr;
        if (!nohdr) want.ibytes += static_cast<uint64_t>(handed[i]);
        if (nohdr) {
            p.end = End::kIErr;
        } else if (!apart && fr.bytes.size() < kHdr) {
            p.end = End::kIErr;  // shorter than its link header (DLIL-INPUT-008)
        } else {
            p = predict(fr.bytes);
        }
        switch (p.end) {
        case End::kIErr: want.ierrors += 1; break;
        case End::kIQDrop: want.iqdrops += 1; break;
        case End::kNoProto: want.noproto += 1; break;
        default: break;
        }
        if (p.imcast) want.imcasts += 1;
        want_stages.insert(want_stages.end(), p.stages.begin(), p.stages.end());
        pred.push_back(p);
    }
    g_seen = Seen{};
    g_cur.bytes = &batch.front().bytes;
    const Stats s0 = stats();
    const int rc = dlil_input(ifp, head, tail);
    trace("dlil_input(fz0, %zu packet%s) -> %s; stages:", batch.size(), batch.size() > 1 ? "s" : "",
          nke::fuzz::errno_name(rc));
    for (const auto &s : g_seen.stages) trace(" %s", s.c_str());
    trace("\n");
    FUZZ_CHECK(rc == 0, "dlil_input returned %d (DLIL-INPUT-001)", rc);
    std::string got, exp;
    for (const auto &s : g_seen.stages) got += s + " ";
    for (const auto &s : want_stages) exp += s + " ";
    FUZZ_CHECK(g_seen.stages == want_stages, "stages ran [%s], the spec says [%s] (end: %s)", got.c_str(),
               exp.c_str(), end_name(pred.back().end));
    const Stats s1 = stats();
    uint64_t either = 0;  // frames that may be counted in ierrors or in iqdrops
    for (const auto &p : pred) either += p.end == End::kIErrOrIQDrop ? 1 : 0;
    bool imcast_known = true;
    for (const auto &p : pred) imcast_known = imcast_known && p.imcast_known;
    FUZZ_CHECK(s1.ipackets == want.ipackets, "ifi_ipackets %llu -> %llu, expected %llu (DLIL-STATS-001)",
               static_cast<unsigned long long>(s0.ipackets), static_cast<unsigned long long>(s1.ipackets),
               static_cast<unsigned long long>(want.ipackets));
    bool counted_nohdr = false;
    for (const auto &fr : batch) counted_nohdr = counted_nohdr || (fr.opts & kOptNoPkthdr);
    if (!counted_nohdr)
        FUZZ_CHECK(s1.ibytes == want.ibytes, "ifi_ibytes rose by %llu, expected %llu (DLIL-STATS-001)",
                   static_cast<unsigned long long>(s1.ibytes - s0.ibytes),
                   static_cast<unsigned long long>(want.ibytes - s0.ibytes));
    if (either) {
        FUZZ_CHECK(s1.ierrors + s1.iqdrops == want.ierrors + want.iqdrops + either && s1.noproto == want.noproto,
                   "a malformed unicast frame for another station must be counted once");
    } else {
        FUZZ_CHECK(s1.ierrors == want.ierrors && s1.iqdrops == want.iqdrops && s1.noproto == want.noproto,
                   "counters ierrors/iqdrops/noproto rose by %llu/%llu/%llu, expected %llu/%llu/%llu (end: %s; "
                   "DLIL-STATS-002..004, DLIL-STATS-008)",
                   static_cast<unsigned long long>(s1.ierrors - s0.ierrors),
                   static_cast<unsigned long long>(s1.iqdrops - s0.iqdrops),
                   static_cast<unsigned long long>(s1.noproto - s0.noproto),
                   static_cast<unsigned long long>(want.ierrors - s0.ierrors),
                   static_cast<unsigned long long>(want.iqdrops - s0.iqdrops),
                   static_cast<unsigned long long>(want.noproto - s0.noproto), end_name(pred.back().end));
    }
    if (imcast_known)
        FUZZ_CHECK(s1.imcasts == want.imcasts, "ifi_imcasts rose by %llu, expected %llu (DLIL-STATS-005)",
                   static_cast<unsigned long long>(s1.imcasts - s0.imcasts),
                   static_cast<unsigned long long>(want.imcasts - s0.imcasts));
    // Delivery details of a single frame.
    if (batch.size() == 1) {
        const Prediction &p = pred.front();
        if (p.proto >= 0) {
            FUZZ_CHECK(g_seen.delivered == p.proto, "delivered to %d, expected %s", g_seen.delivered,
                       kProtoNames[p.proto]);
            FUZZ_CHECK(g_seen.sync_ok == p.sync_ok, "dl_input got sync_ok %d, expected %d (DLIL-INPUT-001, INJECT-00x)",
                       g_seen.sync_ok, p.sync_ok);
            const uint8_t *h = batch.front().bytes.data();
            const bool bcast = std::all_of(h, h + 6, [](uint8_t b) { return b == 0xff; });
            const bool mcast = !bcast && (h[0] & 1);
            if (bcast) FUZZ_CHECK(g_seen.flags & M_BCAST, "broadcast frame delivered without M_BCAST (DLIL-ETHER-007)");
            if (mcast) FUZZ_CHECK(g_seen.flags & M_MCAST, "multicast frame delivered without M_MCAST (DLIL-ETHER-007)");
            if (!bcast && !mcast)
                FUZZ_CHECK(!(g_seen.flags & (M_BCAST | M_MCAST)), "unicast frame delivered with M_BCAST/M_MCAST");
        }
    }
    check_holdings(base, "after dlil_input");
}

void run(const uint8_t *data, size_t size) {
    if (!g_world) g_world = make_world();
    if (size < 4) return;
    g_cfg = parse_config(data);
    // The driver owns if_flags; the demux reads NKE_IFF_PROMISC (DLIL-ETHER-008/009).
    if (g_cfg.promisc) g_world->ifp.if_flags |= NKE_IFF_PROMISC;
    else g_world->ifp.if_flags &= ~static_cast<uint32_t>(NKE_IFF_PROMISC);
    trace("config: promisc %d offer %d dl_input %d IF_A %s IF_B %s PF_IP %s PF_LLC %s\n", g_cfg.promisc, g_cfg.offer,
          g_cfg.in_mode, mode_name(g_cfg.if_a), mode_name(g_cfg.if_b), mode_name(g_cfg.pf_ip),
          mode_name(g_cfg.pf_llc));
    const nke_counters base = counters();
    size_t at = 4;
    std::vector<Frame> frames;
    while (at + 2 <= size && frames.size() < kMaxFrames) {
        Frame fr;
        const uint16_t word = static_cast<uint16_t>(data[at] << 8 | data[at + 1]);
        at += 2;
        const size_t len = std::min<size_t>(word & 0x07ff, size - at);
        fr.opts = word & 0xf800;
        fr.bytes.assign(data + at, data + at + len);
        at += len;
        frames.push_back(std::move(fr));
    }
    // Batches: a frame with kOptBatch goes in one dlil_input call with the
    // next one.  The oracle checks a batch as a whole when its frames are
    // identical; otherwise the frames are handed one per call.
    for (size_t i = 0; i < frames.size();) {
        size_t j = i + 1;
        while (j < frames.size() && (frames[j - 1].opts & kOptBatch) && frames[j].bytes == frames[i].bytes &&
               (frames[j].opts & ~kOptBatch) == (frames[i].opts & ~kOptBatch))
            ++j;
        std::vector<Frame> batch(frames.begin() + static_cast<ptrdiff_t>(i), frames.begin() + static_cast<ptrdiff_t>(j));
        trace("frame %zu%s: %zu bytes, options %#x: %s\n", i, j - i > 1 ? "+" : "", batch.front().bytes.size(),
              batch.front().opts, nke::fuzz::hex(batch.front().bytes.data(), batch.front().bytes.size(), 20).c_str());
        run_batch(batch, base);
        i = j;
    }
    for (auto *m : g_kept) m_freem(m);
    g_kept.clear();
    g_headers.clear();
    nke::fuzz::expect_no_leak(base, "by the input as a whole");
    const nke_counters c = counters();
    FUZZ_CHECK(c.mbuf_double_frees == base.mbuf_double_frees, "double frees during the input");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run(data, size);
    return 0;
}

// Scripted seeds: frames that reach each protocol, each drop reason and each
// filter mode (the pcap-derived seeds are made by pcap_to_seed.py).
extern "C" int NkeFuzzWriteSeeds(const char *dir) {
    auto eth = [](const uint8_t *dst, uint16_t type, std::vector<uint8_t> payload) {
        std::vector<uint8_t> f(dst, dst + 6);
        const uint8_t src[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};
        f.insert(f.end(), src, src + 6);
        f.push_back(static_cast<uint8_t>(type >> 8));
        f.push_back(static_cast<uint8_t>(type));
        if (payload.size() < 46) payload.resize(46, 0x5a);
        f.insert(f.end(), payload.begin(), payload.end());
        return f;
    };
    const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const uint8_t mc[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
    const uint8_t other[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x77};
    struct Seed {
        const char *name;
        std::array<uint8_t, 4> cfg;
        std::vector<std::pair<uint16_t, std::vector<uint8_t>>> frames;  // options, bytes
    };
    const std::vector<uint8_t> ip = eth(kMac, 0x0800, {0x45, 0x00, 0x00, 0x54});
    const std::vector<uint8_t> arp = eth(bc, 0x0806, {0x00, 0x01, 0x08, 0x00, 0x06, 0x04});
    const std::vector<uint8_t> ip6 = eth(mc, 0x86dd, {0x60, 0x00, 0x00, 0x00});
    const std::vector<uint8_t> stp = eth(mc, 0x0026, {0x42, 0x42, 0x03, 0x00, 0x00});
    const std::vector<uint8_t> ipx_llc = eth(kMac, 0x0030, {0xe0, 0xe0, 0x03, 0xff, 0xff});
    const std::vector<uint8_t> ipx_snap = eth(kMac, 0x0030, {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x81, 0x37});
    const std::vector<uint8_t> atalk = eth(bc, 0x0030, {0xaa, 0xaa, 0x03, 0x08, 0x00, 0x07, 0x80, 0x9b});
    const std::vector<uint8_t> pppoe = eth(bc, 0x8863, {0x11, 0x09, 0x00, 0x00});
    const std::vector<uint8_t> vlan = eth(kMac, 0x8100, {0x00, 0x05, 0x08, 0x00});
    const std::vector<uint8_t> bad = eth(kMac, 0x05ff, {});
    const std::vector<uint8_t> foreign = eth(other, 0x0800, {0x45});
    const std::vector<uint8_t> shortllc = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02, 0x00, 0x02, 0xe0};
    const std::vector<uint8_t> runt = {0x02, 0x00, 0x5e, 0x10, 0x00};
    const std::vector<Seed> seeds = {
        {"demux_every_protocol", {0x04, 0, 0, 0},
         {{0, ip}, {0, arp}, {0, ip6}, {0, stp}, {0, ipx_llc}, {0, ipx_snap}, {0, atalk}, {0, pppoe}, {0, vlan}}},
        {"drops_and_errors", {0x00, 0, 0, 0}, {{0, bad}, {0, foreign}, {0, runt}, {0, shortllc}, {kOptNoPkthdr, ip}}},
        {"promiscuous", {0x01, 0, 0, 0}, {{0, foreign}, {0, bad}}},
        {"driver_shapes", {0x02, 0, 0, 0},
         {{kOptSplit, ip}, {kOptHdrApart, arp}, {kOptSplit | kOptHdrApart, ipx_snap}, {kOptBatch, ip}, {kOptBatch, ip},
          {0, ip}, {kOptDead, ip6}}},
        {"if_filters_keep_inject", {0x00, kKeep | (kInject << 3), 0, 0}, {{0, ip}, {0, vlan}}},
        {"if_filters_replace_error", {0x00, kError | (kReplace << 3), 0, 0}, {{0, ip}}},
        {"if_filters_null_consume", {0x00, kNull | (kConsume << 3), 0, 0}, {{0, arp}}},
        {"if_filter_change_ifp", {0x00, kPass | (kChangeIfp << 3), 0, 0}, {{0, ip}}},
        {"proto_filters", {static_cast<uint8_t>(kInject << 5), 0, kReplace, 0}, {{0, ip}, {0, stp}, {0, ipx_llc}}},
        {"proto_filters_drop", {static_cast<uint8_t>(kError << 5), 0, kKeep, 0}, {{0, arp}, {0, stp}}},
        {"dl_input_modes", {static_cast<uint8_t>(kInError << 3), 0, 0, 0}, {{0, ip6}, {0, ipx_snap}}},
        {"dl_input_keep", {static_cast<uint8_t>((kInJust << 3) | 0x02), 0, 0, 0}, {{0, ip}, {0, pppoe}, {0, vlan}}},
    };
    for (const auto &s : seeds) {
        std::vector<uint8_t> out(s.cfg.begin(), s.cfg.end());
        for (const auto &[opts, bytes] : s.frames) {
            const uint16_t word = static_cast<uint16_t>(opts | (bytes.size() & 0x7ff));
            out.push_back(static_cast<uint8_t>(word >> 8));
            out.push_back(static_cast<uint8_t>(word));
            out.insert(out.end(), bytes.begin(), bytes.end());
        }
        if (!nke::fuzz::write_file(std::string(dir) + "/" + s.name, out)) return 1;
    }
    std::fprintf(stderr, "wrote %zu seeds to %s\n", seeds.size(), dir);
    return 0;
}
