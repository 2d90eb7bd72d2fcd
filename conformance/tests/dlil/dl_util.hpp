// Test drivers, protocols and filters for the DLIL tests, written with the
// ABI only (no reference headers): the suite must judge any implementation.
//
// Every object records the calls it receives in a shared, ordered log
// ("name:stage"), keeps the frames it took ownership of, and frees them when
// it is destroyed, so the fixture's mbuf leak check sees the truth.  Declare
// a Driver first, then protocols, then filters: destruction in reverse order
// detaches filters, then protocols, then the interface.
#pragma once

#include "nke_test.hpp"

#include <dlfcn.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace dltest {

// --- the call log ---------------------------------------------------------------

inline std::mutex &log_mu() {
    static std::mutex mu;
    return mu;
}
inline std::vector<std::string> &log_lines() {
    static std::vector<std::string> v;
    return v;
}
inline void note(const std::string &s) {
    std::lock_guard lk(log_mu());
    log_lines().push_back(s);
}
inline void clear_log() {
    std::lock_guard lk(log_mu());
    log_lines().clear();
}
inline std::vector<std::string> take_log() {
    std::lock_guard lk(log_mu());
    std::vector<std::string> v;
    v.swap(log_lines());
    return v;
}

// --- frames ---------------------------------------------------------------------

inline constexpr uint8_t kOurMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
inline constexpr uint8_t kPeerMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};
inline constexpr uint8_t kOtherMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x77};
inline constexpr uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
inline constexpr uint8_t kMulticast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

inline constexpr uint16_t kTypeA = 0x88b5;  // IEEE local experimental ethertype 1
inline constexpr uint16_t kTypeB = 0x88b6;  // IEEE local experimental ethertype 2
inline constexpr uint32_t kPfA = 0x4e4b4541;  // arbitrary protocol families
inline constexpr uint32_t kPfB = 0x4e4b4542;
inline constexpr uint32_t kPfC = 0x4e4b4543;

// Bytes of an Ethernet frame: dst, src, type/length, payload (pattern).
inline std::vector<uint8_t> eth_bytes(const uint8_t *dst, uint16_t type, size_t payload = 46,
                                      const uint8_t *src = kPeerMac) {
    // The header is assembled in a fixed array and the vector sized once:
    // growing a 6-byte vector with insert() made GCC 12 at -O2/-O3 report a
    // false -Warray-bounds on the memcpy of the inlined reallocation.
    std::array<uint8_t, 14> h{};
    std::memcpy(h.data(), dst, 6);
    std::memcpy(h.data() + 6, src, 6);
    h[12] = static_cast<uint8_t>(type >> 8);
    h[13] = static_cast<uint8_t>(type & 0xff);
    std::vector<uint8_t> b(h.size() + payload);
    std::copy(h.begin(), h.end(), b.begin());
    for (size_t k = 0; k < payload; ++k) b[h.size() + k] = static_cast<uint8_t>(k * 7 + 1);
    return b;
}

// A packet (M_PKTHDR, header NULL) holding exactly `bytes`.
inline struct mbuf *packet(const std::vector<uint8_t> &bytes) {
    struct mbuf *m = m_devget(reinterpret_cast<const char *>(bytes.data()),
                              static_cast<int>(bytes.size()), 0, nullptr);
    if (m) m->m_pkthdr.header = nullptr;
    return m;
}

inline struct mbuf *eth_frame(const uint8_t *dst, uint16_t type, size_t payload = 46) {
    return packet(eth_bytes(dst, type, payload));
}

// All bytes of a chain.
inline std::vector<uint8_t> bytes_of(struct mbuf *m) {
    std::vector<uint8_t> out;
    for (; m; m = m->m_next) out.insert(out.end(), mtod(m, uint8_t *), mtod(m, uint8_t *) + m->m_len);
    return out;
}

inline void free_all(std::vector<struct mbuf *> &v) {
    for (auto *m : v) m_freem(m);
    v.clear();
}

// A unique unit number per interface in this process (batch mode safe).
inline int16_t next_unit() {
    static std::atomic<int> u{100};
    return static_cast<int16_t>(u.fetch_add(1));
}

// --- a test driver ----------------------------------------------------------------

struct Driver {
    ifnet ifp{};
    std::mutex mu;
    std::vector<struct mbuf *> out;  // frames handed to if_output
    int output_rc = 0;               // if_output keeps the frame and returns this
    int ioctl_rc = EOPNOTSUPP;
    int event_rc = 0;
    std::atomic<int> if_free_calls{0};
    std::atomic<int> outputs{0};
    bool attached = false;
    bool free_on_if_free = false;

    explicit Driver(const char *name = "tst", uint32_t family = APPLE_IF_FAM_ETHERNET,
                    int16_t unit = next_unit()) {
        std::strncpy(ifp.if_name, name, NKE_IFNAMSIZ - 1);
        ifp.if_unit = unit;
        ifp.if_family = family;
        ifp.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING | NKE_IFF_BROADCAST;
        ifp.if_mtu = 1500;
        ifp.if_addrlen = 6;
        ifp.if_hdrlen = family == APPLE_IF_FAM_ETHERNET ? 14 : 4;
        std::memcpy(ifp.if_lladdr, kOurMac, 6);
        ifp.if_softc = this;
        ifp.if_output = [](ifnet *i, struct mbuf *m) -> int {
            auto *d = static_cast<Driver *>(i->if_softc);
            note(std::string(i->if_name) + ":output");
            std::lock_guard lk(d->mu);
            d->out.push_back(m);
            d->outputs.fetch_add(1);
            return d->output_rc;
        };
        ifp.if_ioctl = [](ifnet *i, unsigned long, void *) -> int {
            note(std::string(i->if_name) + ":ioctl");
            return static_cast<Driver *>(i->if_softc)->ioctl_rc;
        };
        ifp.if_event = [](ifnet *i, kern_event_msg *) -> int {
            note(std::string(i->if_name) + ":event");
            return static_cast<Driver *>(i->if_softc)->event_rc;
        };
        ifp.if_free = [](ifnet *i) {
            note(std::string(i->if_name) + ":if_free");
            static_cast<Driver *>(i->if_softc)->if_free_calls.fetch_add(1);
        };
    }
    Driver(const Driver &) = delete;
    Driver &operator=(const Driver &) = delete;

    int attach() {
        const int rc = dlil_if_attach(&ifp);
        if (rc == 0) attached = true;
        return rc;
    }
    int detach() {
        const int rc = dlil_if_detach(&ifp);
        if (rc == 0 || rc == DLIL_WAIT_FOR_FREE) attached = false;
        return rc;
    }
    // dlil_input of one packet.
    int input(struct mbuf *m) { return dlil_input(&ifp, m, m); }
    size_t sent() {
        std::lock_guard lk(mu);
        return out.size();
    }
    ~Driver() {
        if (attached) (void)dlil_if_detach(&ifp);
        free_all(out);
    }
};

// --- a test protocol ---------------------------------------------------------------

struct Proto;
inline std::mutex &proto_mu() {
    static std::mutex mu;
    return mu;
}
inline std::map<unsigned long, Proto *> &protos_by_tag() {
    static std::map<unsigned long, Proto *> m;
    return m;
}

struct Proto {
    std::string name;
    unsigned long tag = 0;
    dlil_proto_reg_str reg{};
    std::vector<dlil_demux_desc> descs;
    std::vector<std::vector<uint8_t>> desc_bytes;
    std::mutex mu;
    std::vector<struct mbuf *> got;  // frames it owns
    std::vector<std::vector<uint8_t>> frames_seen;  // link headers it saw (if_hdrlen bytes)
    int input_rc = 0;
    int offer_rc = ENOENT;
    int event_rc = 0;
    int ioctl_rc = EOPNOTSUPP;
    int pre_output_rc = 0;
    int last_sync_ok = -1;
    std::vector<uint8_t> set_frame_type;  // written by pre_output
    std::vector<uint8_t> set_dst;
    std::atomic<int> inputs{0};

    explicit Proto(std::string n, uint32_t pf) : name(std::move(n)) {
        TAILQ_INIT(&reg.demux_desc_head);
        reg.interface_family = APPLE_IF_FAM_ETHERNET;
        reg.protocol_family = pf;
        reg.input = [](struct mbuf *m, char *frame, ifnet *ifp, unsigned long dl_tag, int sync_ok) -> int {
            Proto *p = lookup(dl_tag);
            note(p->name + ":input");
            std::lock_guard lk(p->mu);
            p->inputs.fetch_add(1);
            p->last_sync_ok = sync_ok;
            if (frame) p->frames_seen.emplace_back(frame, frame + ifp->if_hdrlen);
            else p->frames_seen.emplace_back();
            if (p->input_rc == 0 || p->input_rc == EJUSTRETURN) p->got.push_back(m);
            return p->input_rc;
        };
    }
    Proto(const Proto &) = delete;
    Proto &operator=(const Proto &) = delete;

    static Proto *lookup(unsigned long tag) {
        std::lock_guard lk(proto_mu());
        return protos_by_tag().at(tag);
    }

    // Descriptors (call before attach).
    void etype2(uint16_t type) {
        desc_bytes.push_back({static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type & 0xff)});
        dlil_demux_desc d{};
        d.type = DLIL_DESC_ETYPE2;
        d.variants.native_type_length = 2;
        descs.push_back(d);
    }
    void native(int type, std::vector<uint8_t> value) {
        desc_bytes.push_back(std::move(value));
        dlil_demux_desc d{};
        d.type = type;
        d.variants.native_type_length = static_cast<uint32_t>(desc_bytes.back().size());
        descs.push_back(d);
    }
    void with_offer() {
        reg.offer = [](struct mbuf *, char *) -> int { return ENOENT; };
    }
    void link_descs() {
        TAILQ_INIT(&reg.demux_desc_head);
        for (size_t k = 0; k < descs.size(); ++k) {
            if (descs[k].type != DLIL_DESC_RAW && descs[k].type != DLIL_DESC_802_2 &&
                descs[k].type != DLIL_DESC_802_2_SNAP)
                descs[k].native_type = desc_bytes[k].data();
            TAILQ_INSERT_TAIL(&reg.demux_desc_head, &descs[k], next);
        }
    }
    int attach(const Driver &d) {
        reg.interface_family = d.ifp.if_family;
        reg.unit_number = d.ifp.if_unit;
        link_descs();
        unsigned long t = 0;
        std::lock_guard lk(proto_mu());  // the attach may deliver nothing, but register first
        const int rc = dlil_attach_protocol(&reg, &t);
        if (rc == 0) {
            tag = t;
            protos_by_tag()[t] = this;
        }
        return rc;
    }
    int detach() {
        if (tag == 0) return ENOENT;
        const int rc = dlil_detach_protocol(tag);
        if (rc == 0) tag = 0;
        return rc;
    }
    size_t received() {
        std::lock_guard lk(mu);
        return got.size();
    }
    ~Proto() {
        if (tag) (void)dlil_detach_protocol(tag);
        std::lock_guard lk(mu);
        free_all(got);
    }
};

// --- test filters ---------------------------------------------------------------------

struct IfFilter {
    std::string name;
    dlil_if_flt_str f{};
    unsigned long id = 0;
    std::mutex mu;
    int in_rc = 0, out_rc = 0, ev_rc = 0, ioctl_rc = 0;
    std::vector<struct mbuf *> kept;
    std::atomic<int> detach_calls{0};
    std::atomic<int> calls{0};

    explicit IfFilter(std::string n) : name(std::move(n)) {
        f.cookie = this;
        f.filter_if_input = [](void *c, ifnet **, struct mbuf **m, char **) -> int {
            auto *s = static_cast<IfFilter *>(c);
            note(s->name + ":in");
            s->calls.fetch_add(1);
            if (s->in_rc == EJUSTRETURN) s->keep(*m);
            return s->in_rc;
        };
        f.filter_if_output = [](void *c, ifnet **, struct mbuf **m) -> int {
            auto *s = static_cast<IfFilter *>(c);
            note(s->name + ":out");
            s->calls.fetch_add(1);
            if (s->out_rc == EJUSTRETURN) s->keep(*m);
            return s->out_rc;
        };
        f.filter_if_event = [](void *c, ifnet **, kern_event_msg **) -> int {
            auto *s = static_cast<IfFilter *>(c);
            note(s->name + ":event");
            return s->ev_rc;
        };
        f.filter_if_ioctl = [](void *c, ifnet *, unsigned long, void *) -> int {
            auto *s = static_cast<IfFilter *>(c);
            note(s->name + ":ioctl");
            return s->ioctl_rc;
        };
        f.filter_if_free = [](void *c, ifnet *) -> int {
            note(static_cast<IfFilter *>(c)->name + ":if_free");
            return 0;
        };
        f.filter_detach = [](void *c) -> int {
            auto *s = static_cast<IfFilter *>(c);
            note(s->name + ":detach");
            s->detach_calls.fetch_add(1);
            return 0;
        };
    }
    IfFilter(const IfFilter &) = delete;
    IfFilter &operator=(const IfFilter &) = delete;
    void keep(struct mbuf *m) {
        std::lock_guard lk(mu);
        kept.push_back(m);
    }
    int attach(Driver &d, int where = DLIL_LAST_FILTER) {
        return dlil_attach_interface_filter(&d.ifp, &f, &id, where);
    }
    int detach() {
        const int rc = dlil_detach_filter(id);
        if (rc == 0) id = 0;
        return rc;
    }
    ~IfFilter() {
        if (id && detach_calls.load() == 0) (void)dlil_detach_filter(id);
        std::lock_guard lk(mu);
        free_all(kept);
    }
};

struct PrFilter {
    std::string name;
    dlil_pr_flt_str f{};
    unsigned long id = 0;
    std::mutex mu;
    int in_rc = 0, out_rc = 0, ev_rc = 0, ioctl_rc = 0;
    std::vector<struct mbuf *> kept;
    std::atomic<int> detach_calls{0};

    explicit PrFilter(std::string n) : name(std::move(n)) {
        f.cookie = this;
        f.filter_dl_input = [](void *c, struct mbuf **m, char **, ifnet **) -> int {
            auto *s = static_cast<PrFilter *>(c);
            note(s->name + ":in");
            if (s->in_rc == EJUSTRETURN) s->keep(*m);
            return s->in_rc;
        };
        f.filter_dl_output = [](void *c, struct mbuf **m, ifnet **, nke_sockaddr **, char *,
                                char *) -> int {
            auto *s = static_cast<PrFilter *>(c);
            note(s->name + ":out");
            if (s->out_rc == EJUSTRETURN) s->keep(*m);
            return s->out_rc;
        };
        f.filter_dl_event = [](void *c, kern_event_msg *) -> int {
            auto *s = static_cast<PrFilter *>(c);
            note(s->name + ":event");
            return s->ev_rc;
        };
        f.filter_dl_ioctl = [](void *c, ifnet *, unsigned long, void *) -> int {
            auto *s = static_cast<PrFilter *>(c);
            note(s->name + ":ioctl");
            return s->ioctl_rc;
        };
        f.filter_detach = [](void *c) -> int {
            auto *s = static_cast<PrFilter *>(c);
            note(s->name + ":detach");
            s->detach_calls.fetch_add(1);
            return 0;
        };
    }
    PrFilter(const PrFilter &) = delete;
    PrFilter &operator=(const PrFilter &) = delete;
    void keep(struct mbuf *m) {
        std::lock_guard lk(mu);
        kept.push_back(m);
    }
    int attach(const Proto &p, int where = DLIL_LAST_FILTER) {
        return dlil_attach_protocol_filter(p.tag, &f, &id, where);
    }
    int detach() {
        const int rc = dlil_detach_filter(id);
        if (rc == 0) id = 0;
        return rc;
    }
    ~PrFilter() {
        if (id && detach_calls.load() == 0) (void)dlil_detach_filter(id);
        std::lock_guard lk(mu);
        free_all(kept);
    }
};

// A minimal custom family module whose demux sends everything to the first
// protocol attached (or declines, per `demux_rc`).
struct CustomFamily {
    static inline if_proto *last_proto = nullptr;
    static inline unsigned long last_tag = 0;
    static inline int add_proto_rc = 0;
    static inline int demux_rc = 0;
    static inline int ifmod_ioctl_rc = EOPNOTSUPP;
    static inline int add_if_calls = 0, del_if_calls = 0, add_proto_calls = 0,
                      del_proto_calls = 0, shutdown_calls = 0, init_if_calls = 0;
    static inline int add_if_rc = 0;
    static inline bool no_demux = false;
    static inline bool no_framer = false;

    static dlil_ifmod_reg_str reg() {
        dlil_ifmod_reg_str r{};
        r.add_if = [](ifnet *ifp) -> int {
            ++add_if_calls;
            note("fam:add_if");
            if (add_if_rc) return add_if_rc;
            ifp->if_demux = [](ifnet *, struct mbuf *m, char *, if_proto **p) -> int {
                note("fam:demux");
                if (demux_rc == 0) *p = last_proto;
                if (demux_rc == EJUSTRETURN) m_freem(m);  // consumed
                return demux_rc;
            };
            if (no_demux) ifp->if_demux = nullptr;
            ifp->if_framer = [](ifnet *, struct mbuf **, const nke_sockaddr *, const char *,
                                const char *) -> int {
                note("fam:framer");
                return 0;
            };
            if (no_framer) ifp->if_framer = nullptr;
            return 0;
        };
        r.del_if = [](ifnet *) -> int {
            ++del_if_calls;
            note("fam:del_if");
            return 0;
        };
        r.add_proto = [](ddesc_head_str *, if_proto *p, unsigned long tag) -> int {
            ++add_proto_calls;
            note("fam:add_proto");
            if (add_proto_rc) return add_proto_rc;
            last_proto = p;
            last_tag = tag;
            return 0;
        };
        r.del_proto = [](if_proto *, unsigned long) -> int {
            ++del_proto_calls;
            note("fam:del_proto");
            return 0;
        };
        r.ifmod_ioctl = [](ifnet *, unsigned long, void *) -> int {
            note("fam:ioctl");
            return ifmod_ioctl_rc;
        };
        r.shutdown = []() -> int {
            ++shutdown_calls;
            note("fam:shutdown");
            return 0;
        };
        r.init_if = [](ifnet *) -> int {
            ++init_if_calls;
            note("fam:init_if");
            return EIO;
        };
        return r;
    }
    static void reset() {
        last_proto = nullptr;
        last_tag = 0;
        add_proto_rc = demux_rc = 0;
        ifmod_ioctl_rc = EOPNOTSUPP;
        add_if_calls = del_if_calls = add_proto_calls = del_proto_calls = shutdown_calls =
            init_if_calls = add_if_rc = 0;
        no_demux = false;
        no_framer = false;
    }
};

// A family number no built-in uses (unique per process).
inline uint32_t next_family() {
    static std::atomic<uint32_t> f{0x7000};
    return f.fetch_add(1);
}

// Registers a CustomFamily for the test's lifetime.
struct FamilyGuard {
    uint32_t family;
    dlil_ifmod_reg_str r;
    bool registered = false;
    FamilyGuard() : family(next_family()), r(CustomFamily::reg()) {
        CustomFamily::reset();
        registered = dlil_reg_if_modules(family, &r) == 0;
    }
    ~FamilyGuard() {
        if (registered) (void)dlil_dereg_if_modules(family);
    }
};

inline uint64_t events_posted() { return nke::test::counters().events_posted; }

// A PF_SYSTEM/SYSPROTO_EVENT socket that listens to KEV_DL_SUBCLASS events
// (spec/kern_event.md).  The user-side calls are looked up at run time so the
// DLIL tests build against an implementation that does not have the
// kern_event chapter yet; tests that need one skip (NOT_SUPPORTED) then.
class EventTap {
public:
    EventTap() {
        socket_ = reinterpret_cast<int (*)(int, int, int)>(dlsym(RTLD_DEFAULT, "nke_socket"));
        ioctl_ = reinterpret_cast<int (*)(int, unsigned long, void *)>(dlsym(RTLD_DEFAULT, "nke_ioctl"));
        recv_ = reinterpret_cast<ssize_t (*)(int, void *, size_t, int)>(dlsym(RTLD_DEFAULT, "nke_recv"));
        close_ = reinterpret_cast<int (*)(int)>(dlsym(RTLD_DEFAULT, "nke_close"));
        if (!socket_ || !ioctl_ || !recv_ || !close_) return;
        fd_ = socket_(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT);
        if (fd_ < 0) return;
        kev_request r{KEV_VENDOR_APPLE, KEV_NETWORK_CLASS, KEV_DL_SUBCLASS};
        if (ioctl_(fd_, SIOCSKEVFILT, &r) != 0) {
            close_(fd_);
            fd_ = -1;
        }
    }
    ~EventTap() {
        if (fd_ >= 0) close_(fd_);
    }
    EventTap(const EventTap &) = delete;
    EventTap &operator=(const EventTap &) = delete;
    bool ok() const { return fd_ >= 0; }
    // The next queued event (header + payload), or an empty vector.
    std::vector<uint8_t> next() {
        std::vector<uint8_t> buf(4096);
        const ssize_t n = recv_(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
        buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
        return buf;
    }
    // Every queued event's code, in order.
    std::vector<std::vector<uint8_t>> drain() {
        std::vector<std::vector<uint8_t>> v;
        for (auto e = next(); !e.empty(); e = next()) v.push_back(std::move(e));
        return v;
    }

private:
    int fd_ = -1;
    int (*socket_)(int, int, int) = nullptr;
    int (*ioctl_)(int, unsigned long, void *) = nullptr;
    ssize_t (*recv_)(int, void *, size_t, int) = nullptr;
    int (*close_)(int) = nullptr;
};

#define DL_REQUIRE_EVENTS(tap)                                                                 \
    do {                                                                                       \
        if (!(tap).ok())                                                                       \
            GTEST_SKIP() << "NOT_SUPPORTED: no PF_SYSTEM event socket (spec/kern_event.md) " \
                            "to read the DLIL's events";                                        \
    } while (0)

inline const kern_event_msg *as_event(const std::vector<uint8_t> &b) {
    return reinterpret_cast<const kern_event_msg *>(b.data());
}

}  // namespace dltest
