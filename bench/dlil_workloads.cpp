// DLIL workloads (spec/dlil.md): one frame through dlil_input (driver ->
// interface filters -> Ethernet demux -> dl_input) and one packet through
// dlil_output (pre_output -> framer -> interface filters -> if_output), for
// 64- and 1500-byte frames and 0, 1 and 4 pass-through interface filters.
//
// The baseline of each is the same work with no stack: the same mbuf
// allocation and header write by the "driver", then the same callbacks
// (the very same filter and protocol functions) reached through function
// pointers in a plain struct, a 14-byte Ethernet demux or framer written
// inline, and the same frees.  The difference is what the DLIL adds: the
// read section, the interface/tag look-up, the filter-list walk and the
// verdict checks, the ownership scopes, the interface counters.
//
// The "driver" writes the 14-byte link header into a fresh mbuf and sets
// the frame length; it does not copy payload bytes (a NIC would have DMAed
// them), so the figures are the stack's cost per frame, not memcpy's.
#include "workload.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nke/dlil.h>  // last: <nke/mbuf.h> defines m_* macros
#include <nke/mbuf.h>

namespace nke::bench {
namespace {

constexpr uint8_t kOurMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
constexpr uint8_t kPeerMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};
constexpr uint16_t kIpv4 = 0x0800;
constexpr uint32_t kPfInet = 2;
constexpr int kEtherHdr = 14;

// The link header of a received frame: to us, from the peer, IPv4.
const std::array<uint8_t, kEtherHdr> kRxHeader = [] {
    std::array<uint8_t, kEtherHdr> h{};
    std::memcpy(h.data(), kOurMac, 6);
    std::memcpy(h.data() + 6, kPeerMac, 6);
    h[12] = kIpv4 >> 8;
    h[13] = kIpv4 & 0xff;
    return h;
}();

// --- the callbacks, shared by the DLIL runs and the baselines ------------------

struct Counter {
    uint64_t n = 0;
};

int filter_in(void *cookie, ifnet **, struct mbuf **, char **) {
    ++static_cast<Counter *>(cookie)->n;
    return 0;
}
int filter_out(void *cookie, ifnet **, struct mbuf **) {
    ++static_cast<Counter *>(cookie)->n;
    return 0;
}
int filter_detach(void *) { return 0; }

// The protocol takes the frame and is done with it.
int proto_input(struct mbuf *m, char *, ifnet *, unsigned long, int) {
    m_freem(m);
    return 0;
}
// pre_output: resolve the destination (here: always the peer) and name the type.
int proto_pre_output(ifnet *, struct mbuf **, const nke_sockaddr *, void *, char *frame_type,
                     char *dst, unsigned long) {
    frame_type[0] = static_cast<char>(kIpv4 >> 8);
    frame_type[1] = static_cast<char>(kIpv4 & 0xff);
    std::memcpy(dst, kPeerMac, 6);
    return 0;
}
// The driver sends the frame (and owns it).
int driver_output(ifnet *, struct mbuf *m) {
    m_freem(m);
    return 0;
}

// --- frames -------------------------------------------------------------------

// A received frame of `len` bytes as a driver hands it up: packet header,
// header pointer NULL (the DLIL splits the link header), cluster if needed.
inline struct mbuf *rx_frame(int len) {
    struct mbuf *m = len <= MHLEN ? m_gethdr(M_DONTWAIT, MT_DATA) : m_getpacket();
    std::memcpy(m->m_data, kRxHeader.data(), kEtherHdr);
    m->m_len = m->m_pkthdr.len = len;
    return m;
}

// An outgoing packet whose frame will be `len` bytes: the payload sits at
// the end of its buffer, leaving room in front for the link header (as a
// protocol that reserves max_linkhdr would).
inline struct mbuf *tx_packet(int len) {
    const int payload = len - kEtherHdr;
    struct mbuf *m;
    if (len <= MHLEN) {
        m = m_gethdr(M_DONTWAIT, MT_DATA);
        m->m_data += MHLEN - payload;
    } else {
        m = m_getpacket();
        m->m_data += MCLBYTES - payload;
    }
    m->m_len = m->m_pkthdr.len = payload;
    return m;
}

// --- the DLIL set-up ----------------------------------------------------------

// One Ethernet interface with one attached protocol (IPv4 by ETYPE2) and
// `filters` pass-through interface filters.
class Plumbing {
public:
    explicit Plumbing(int filters) : counters_(static_cast<size_t>(filters)) {
        static int unit = 0;
        ifp_ = std::make_unique<ifnet>();
        std::strncpy(ifp_->if_name, "bch", NKE_IFNAMSIZ - 1);
        ifp_->if_unit = static_cast<int16_t>(unit++);
        ifp_->if_family = APPLE_IF_FAM_ETHERNET;
        ifp_->if_flags = NKE_IFF_UP | NKE_IFF_RUNNING | NKE_IFF_BROADCAST;
        ifp_->if_mtu = 1500;
        ifp_->if_addrlen = 6;
        ifp_->if_hdrlen = kEtherHdr;
        std::memcpy(ifp_->if_lladdr, kOurMac, 6);
        ifp_->if_output = driver_output;
        ifp_->if_free = [](ifnet *) {};
        if (dlil_if_attach(ifp_.get()) != 0) throw std::runtime_error("dlil_if_attach");

        static uint8_t type[2] = {kIpv4 >> 8, kIpv4 & 0xff};
        desc_.type = DLIL_DESC_ETYPE2;
        desc_.native_type = type;
        desc_.variants.native_type_length = 2;
        dlil_proto_reg_str reg{};
        TAILQ_INIT(&reg.demux_desc_head);
        TAILQ_INSERT_TAIL(&reg.demux_desc_head, &desc_, next);
        reg.interface_family = APPLE_IF_FAM_ETHERNET;
        reg.protocol_family = kPfInet;
        reg.unit_number = ifp_->if_unit;
        reg.input = proto_input;
        reg.pre_output = proto_pre_output;
        if (dlil_attach_protocol(&reg, &tag_) != 0) throw std::runtime_error("dlil_attach_protocol");

        for (Counter &c : counters_) {
            dlil_if_flt_str f{};
            f.cookie = &c;
            f.filter_if_input = filter_in;
            f.filter_if_output = filter_out;
            f.filter_detach = filter_detach;
            unsigned long id = 0;
            if (dlil_attach_interface_filter(ifp_.get(), &f, &id, DLIL_LAST_FILTER) != 0)
                throw std::runtime_error("dlil_attach_interface_filter");
            filter_ids_.push_back(id);
        }
    }
    ~Plumbing() {
        for (unsigned long id : filter_ids_) dlil_detach_filter(id);
        dlil_detach_protocol(tag_);
        // A detach may complete later (DLIL_WAIT_FOR_FREE, then if_free): the
        // ifnet must outlive it, so it is deliberately never freed.
        (void)dlil_if_detach(ifp_.get());
        (void)ifp_.release();
    }
    ifnet *ifp() const { return ifp_.get(); }
    unsigned long tag() const { return tag_; }

private:
    std::unique_ptr<ifnet> ifp_;
    dlil_demux_desc desc_{};
    unsigned long tag_ = 0;
    std::vector<Counter> counters_;
    std::vector<unsigned long> filter_ids_;
};

// A driver that hands up `batch` frames per dlil_input call (an m_nextpkt
// list, as a driver draining its receive ring would).
class DlilInput final : public Case {
public:
    DlilInput(int len, int filters, int batch) : len_(len), batch_(batch), p_(filters) {}
    void run(int64_t n) override {
        ifnet *ifp = p_.ifp();
        if (batch_ == 1) {
            for (int64_t i = 0; i < n; ++i) {
                struct mbuf *m = rx_frame(len_);
                dlil_input(ifp, m, m);
            }
            return;
        }
        for (int64_t i = 0; i < n; i += batch_) {
            struct mbuf *head = nullptr, **link = &head;
            for (int64_t k = 0; k < batch_ && i + k < n; ++k) {
                *link = rx_frame(len_);
                link = &(*link)->m_nextpkt;
            }
            dlil_input(ifp, head, nullptr);
        }
    }

private:
    int len_;
    int batch_;
    Plumbing p_;
};

class DlilOutput final : public Case {
public:
    DlilOutput(int len, int filters) : len_(len), p_(filters) {}
    void run(int64_t n) override {
        const unsigned long tag = p_.tag();
        nke_sockaddr dest{};
        dest.sa_len = sizeof dest;
        dest.sa_family = kPfInet;
        for (int64_t i = 0; i < n; ++i) dlil_output(tag, tx_packet(len_), nullptr, &dest, 0);
    }

private:
    int len_;
    Plumbing p_;
};

// --- the baselines: the same callbacks, no stack --------------------------------

// What a minimal hard-wired receive/send path holds: function pointers and
// cookies in a plain struct, opaque to the compiler (it must load and call
// them, as the DLIL does).
struct Wire {
    ifnet ifp{};
    int nfilters = 0;
    int (*in[4])(void *, ifnet **, struct mbuf **, char **) = {};
    int (*out[4])(void *, ifnet **, struct mbuf **) = {};
    void *cookie[4] = {};
    dl_input_func input = nullptr;
    dl_pre_output_func pre_output = nullptr;
    uint16_t type = 0;  // the one ethertype the protocol registered
    Counter counters[4];
    uint64_t ipackets = 0, ibytes = 0, opackets = 0, obytes = 0;

    explicit Wire(int filters) : nfilters(filters) {
        std::memcpy(ifp.if_lladdr, kOurMac, 6);
        ifp.if_hdrlen = kEtherHdr;
        ifp.if_output = driver_output;
        for (int k = 0; k < filters; ++k) {
            in[k] = filter_in;
            out[k] = filter_out;
            cookie[k] = &counters[k];
        }
        input = proto_input;
        pre_output = proto_pre_output;
        type = kIpv4;
    }
};

class BaseInput final : public Case {
public:
    BaseInput(int len, int filters, int batch) : len_(len), batch_(batch), w_(filters) {}
    void run(int64_t n) override {
        if (batch_ == 1) {
            for (int64_t i = 0; i < n; ++i) one(rx_frame(len_));
            return;
        }
        for (int64_t i = 0; i < n; i += batch_) {
            struct mbuf *head = nullptr, **link = &head;
            for (int64_t k = 0; k < batch_ && i + k < n; ++k) {
                *link = rx_frame(len_);
                link = &(*link)->m_nextpkt;
            }
            for (struct mbuf *m = head, *next; m != nullptr; m = next) {
                next = m->m_nextpkt;
                m->m_nextpkt = nullptr;
                one(m);
            }
        }
    }

private:
    void one(struct mbuf *m) {
        Wire *w = &w_;
        keep(w);  // reload every pointer: no devirtualisation
        ++w->ipackets;
        w->ibytes += static_cast<uint64_t>(m->m_pkthdr.len);
        m->m_pkthdr.rcvif = &w->ifp;
        char *frame = m->m_data;
        m->m_data += kEtherHdr;
        m->m_len -= kEtherHdr;
        m->m_pkthdr.len -= kEtherHdr;
        m->m_pkthdr.header = frame;
        ifnet *ifp = &w->ifp;
        bool go = true;
        for (int k = w->nfilters; go && k-- > 0;) go = w->in[k](w->cookie[k], &ifp, &m, &frame) == 0;
        const auto *h = reinterpret_cast<const uint8_t *>(frame);
        if (!go || std::memcmp(h, w->ifp.if_lladdr, 6) != 0 ||
            (h[12] << 8 | h[13]) != w->type) {
            m_freem(m);
            return;
        }
        w->input(m, frame, ifp, 1, 1);
    }

    int len_;
    int batch_;
    Wire w_;
};

class BaseOutput final : public Case {
public:
    BaseOutput(int len, int filters) : len_(len), w_(filters) {}
    void run(int64_t n) override {
        nke_sockaddr dest{};
        for (int64_t i = 0; i < n; ++i) {
            Wire *w = &w_;
            keep(w);
            struct mbuf *m = tx_packet(len_);
            char frame_type[DLIL_FRAME_TYPE_MAX] = {};
            char dst[DLIL_LINKADDR_MAX] = {};
            ifnet *ifp = &w->ifp;
            if (w->pre_output(ifp, &m, &dest, nullptr, frame_type, dst, 1) != 0) continue;
            M_PREPEND(m, kEtherHdr, M_DONTWAIT);
            if (m == nullptr) continue;
            auto *h = reinterpret_cast<uint8_t *>(m->m_data);
            std::memcpy(h, dst, 6);
            std::memcpy(h + 6, w->ifp.if_lladdr, 6);
            std::memcpy(h + 12, frame_type, 2);
            bool go = true;
            for (int k = 0; go && k < w->nfilters; ++k) go = w->out[k](w->cookie[k], &ifp, &m) == 0;
            if (!go) {
                m_freem(m);
                continue;
            }
            ++w->opackets;
            w->obytes += static_cast<uint64_t>(m->m_pkthdr.len);
            w->ifp.if_output(ifp, m);
        }
    }

private:
    int len_;
    Wire w_;
};

// --- registration -----------------------------------------------------------------

struct Registrar {
    Registrar() {
        for (int len : {64, 1500}) {
            for (int f : {0, 1, 4}) {
                const std::string sfx = std::to_string(len) + "_f" + std::to_string(f);
                const std::string what = std::to_string(len) + "-byte frame, " +
                                         std::to_string(f) + " interface filter" + (f == 1 ? "" : "s");
                Register{{"baseline/input_" + sfx, "", 0, 1,
                          [len, f] { return std::make_unique<BaseInput>(len, f, 1); },
                          "hard-wired receive path, " + what}};
                Register{{"dlil/input_" + sfx, "baseline/input_" + sfx, 0, 1,
                          [len, f] { return std::make_unique<DlilInput>(len, f, 1); },
                          "dlil_input, " + what}};
                Register{{"baseline/output_" + sfx, "", 0, 1,
                          [len, f] { return std::make_unique<BaseOutput>(len, f); },
                          "hard-wired send path, " + what}};
                Register{{"dlil/output_" + sfx, "baseline/output_" + sfx, 0, 1,
                          [len, f] { return std::make_unique<DlilOutput>(len, f); },
                          "dlil_output, " + what}};
            }
        }
        // 32 frames per dlil_input call (an m_nextpkt list).
        for (int f : {0, 4}) {
            const std::string sfx = "64_f" + std::to_string(f) + "_x32";
            Register{{"baseline/input_" + sfx, "", 0, 1,
                      [f] { return std::make_unique<BaseInput>(64, f, 32); },
                      "hard-wired receive path, 64-byte frames, 32 per call"}};
            Register{{"dlil/input_" + sfx, "baseline/input_" + sfx, 0, 1,
                      [f] { return std::make_unique<DlilInput>(64, f, 32); },
                      "dlil_input of 32 64-byte frames per call, " + std::to_string(f) +
                          " interface filters"}};
        }
    }
} const registrar;

}  // namespace
}  // namespace nke::bench
