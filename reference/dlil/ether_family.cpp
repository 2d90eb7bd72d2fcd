// The built-in Ethernet family (spec/dlil.md, DLIL-ETHER-*): demux by
// Ethernet II type (ETYPE2, RAW under a mask), 802.2 SAP and SNAP; framing
// with destination, source and type.  Its per-interface table of demux
// descriptors is an immutable snapshot, so the demux takes no lock.
#include <cerrno>
#include <cstring>
#include <mutex>

#include "dlil/dlil.hpp"
#include "dlil/stats.hpp"

namespace nke::ref::dlil {
namespace {

enum class Kind : uint8_t { type, sap, snap };

struct Entry {
    Kind kind;
    uint8_t len;       // bytes of value compared: 2 (type), 3 (SAP), 5 (SNAP)
    uint8_t value[5];
    uint8_t mask[5];
    // Kind::type only: value and mask as one host-order 16-bit word, so the
    // demux of every Ethernet II frame compares a word instead of walking
    // two masked bytes (set by with_type_word).
    uint16_t type_value;
    uint16_t type_mask;
    Proto *proto;
};

class Table final : public Retired {
public:
    std::vector<Entry> entries;
    void finish() noexcept override { std::unique_ptr<Table> self(this); }
};

std::mutex g_mu;  // serialises writers of every interface's table

constexpr size_t kEtherHdr = 14;
constexpr uint16_t kMaxLength = 1500;  // 802.3 length field
constexpr uint16_t kMinType = 0x0600;  // Ethernet II type field

Table *table_of(const ifnet *ifp) noexcept {
    auto *i = static_cast<Iface *>(ifp->if_dlil);
    return static_cast<Table *>(i->family_state.load(std::memory_order_seq_cst));
}

bool matches(const Entry &e, const uint8_t *v) noexcept {
    for (unsigned k = 0; k < e.len; ++k) {
        if ((v[k] & e.mask[k]) != (e.value[k] & e.mask[k])) return false;
    }
    return true;
}

// One descriptor as a table entry; EINVAL if malformed.
int entry_of(const dlil_demux_desc &d, Proto *p, Entry &e) noexcept {
    e = Entry{};
    e.proto = p;
    std::memset(e.mask, 0xff, sizeof e.mask);
    switch (d.type) {
    case DLIL_DESC_ETYPE2:
        if (!d.native_type) return EINVAL;
        e.kind = Kind::type;
        e.len = 2;
        std::memcpy(e.value, d.native_type, 2);
        return 0;
    case DLIL_DESC_RAW:
        if (!d.variants.bitmask.proto_id || d.variants.bitmask.proto_id_length != 2) return EINVAL;
        e.kind = Kind::type;
        e.len = 2;
        std::memcpy(e.value, d.variants.bitmask.proto_id, 2);
        if (d.variants.bitmask.proto_id_mask) std::memcpy(e.mask, d.variants.bitmask.proto_id_mask, 2);
        return 0;
    case DLIL_DESC_SAP:
        if (!d.native_type) return EINVAL;
        e.kind = Kind::sap;
        e.len = 3;
        std::memcpy(e.value, d.native_type, 3);
        return 0;
    case DLIL_DESC_SNAP:
        if (!d.native_type) return EINVAL;
        e.kind = Kind::snap;
        e.len = 5;
        std::memcpy(e.value, d.native_type, 5);
        return 0;
    case DLIL_DESC_802_2:
        e.kind = Kind::sap;
        e.len = 3;
        e.value[0] = d.variants.desc_802_2.dsap;
        e.value[1] = d.variants.desc_802_2.ssap;
        e.value[2] = d.variants.desc_802_2.control_code;
        return 0;
    case DLIL_DESC_802_2_SNAP:
        e.kind = Kind::snap;
        e.len = 5;
        std::memcpy(e.value, d.variants.desc_802_2_SNAP.org, 3);
        std::memcpy(e.value + 3, &d.variants.desc_802_2_SNAP.protocol_type, 2);  // network order
        return 0;
    default:
        return EINVAL;
    }
}

void with_type_word(Entry &e) noexcept {
    if (e.kind != Kind::type) return;
    e.type_mask = static_cast<uint16_t>(e.mask[0] << 8 | e.mask[1]);
    e.type_value = static_cast<uint16_t>((e.value[0] << 8 | e.value[1]) & e.type_mask);
}

bool same_key(const Entry &a, const Entry &b) noexcept {
    return a.kind == b.kind && a.len == b.len && std::memcmp(a.value, b.value, a.len) == 0 &&
           std::memcmp(a.mask, b.mask, a.len) == 0;
}

// Publish `next` as the interface's table; the old one is retired.
void install(Iface *i, std::unique_ptr<Table> next) noexcept {
    void *old = i->family_state.exchange(next.release(), std::memory_order_seq_cst);
    if (old) retire(static_cast<Table *>(old));
}

int ether_add_proto(ddesc_head_str *head, if_proto *handle, unsigned long) {
    auto *p = static_cast<Proto *>(handle);
    Iface *i = p->iface;
    std::lock_guard lk(g_mu);
    const Table *cur = static_cast<Table *>(i->family_state.load());
    auto next = try_make<Table>();
    if (!next) return ENOMEM;
    try {
        next->entries = cur->entries;
        if (head) {
            for (const dlil_demux_desc *d = head->tqh_first; d; d = d->next.tqe_next) {
                Entry e;
                if (int err = entry_of(*d, p, e)) return err;
                with_type_word(e);
                for (const Entry &o : next->entries) {
                    if (same_key(o, e)) return EADDRINUSE;
                }
                next->entries.push_back(e);
            }
        }
    } catch (...) {
        return ENOMEM;
    }
    install(i, std::move(next));
    return 0;
}

int ether_del_proto(if_proto *handle, unsigned long) {
    auto *p = static_cast<Proto *>(handle);
    Iface *i = p->iface;
    std::lock_guard lk(g_mu);
    const Table *cur = static_cast<Table *>(i->family_state.load());
    std::unique_ptr<Table> next(new (std::nothrow) Table());  // shrinking must not fail
    if (!next) std::terminate();
    for (const Entry &e : cur->entries) {
        if (e.proto != p) next->entries.push_back(e);
    }
    install(i, std::move(next));
    return 0;
}

// The frames ether_demux drops, and 802.3 frames (length field, LLC
// header): out of line, so that the Ethernet II fast path saves no
// registers and makes no other call.
[[gnu::noinline]] int ether_drop(mbuf *m, uint64_t &counter) noexcept {
    mb::free_chain(m);
    bump(counter);
    return EJUSTRETURN;
}
[[gnu::noinline]] int ether_demux_llc(ifnet *ifp, mbuf *m, uint16_t type, const Table *t,
                                      if_proto **proto) noexcept;

int ether_demux(ifnet *ifp, mbuf *m, char *frame_header, if_proto **proto) {
    const auto *h = reinterpret_cast<const uint8_t *>(frame_header);
    static constexpr uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (std::memcmp(h, kBroadcast, 6) == 0) {
        m->m_flags |= M_BCAST;
    } else if (h[0] & 1) {
        m->m_flags |= M_MCAST;
    } else if (!(ifp->if_flags & NKE_IFF_PROMISC) && std::memcmp(h, ifp->if_lladdr, 6) != 0) {
        // unicast for another station (hist §4.6)
        return ether_drop(m, ifp->if_data.ifi_iqdrops);
    }
    const uint16_t type = static_cast<uint16_t>(h[12] << 8 | h[13]);
    const Table *t = table_of(ifp);
    // A frame still in dlil_input when the interface's detach completes
    // finds the table already withdrawn by ether_del_if: no protocol is
    // attached any more, so the frame is unclaimed (found by the concurrency
    // property under UBSan).
    if (t == nullptr) return ENOENT;
    if (type >= kMinType) {
        for (const Entry &e : t->entries) {
            if (e.kind == Kind::type && (type & e.type_mask) == e.type_value) {
                *proto = e.proto;
                return 0;
            }
        }
        return ENOENT;
    }
    return ether_demux_llc(ifp, m, type, t, proto);
}

int ether_demux_llc(ifnet *ifp, mbuf *m, uint16_t type, const Table *t, if_proto **proto) noexcept {
    if (type > kMaxLength) {  // neither a length nor a type
        return ether_drop(m, ifp->if_data.ifi_ierrors);
    }
    uint8_t llc[8] = {};
    const int have = m->m_pkthdr.len < 8 ? m->m_pkthdr.len : 8;
    if (have < 3 || mb::copydata(m, 0, have, llc) != 0) return ENOENT;
    if (have == 8 && llc[0] == 0xaa && llc[1] == 0xaa && llc[2] == 0x03) {
        for (const Entry &e : t->entries) {
            if (e.kind == Kind::snap && matches(e, llc + 3)) {
                *proto = e.proto;
                return 0;
            }
        }
    }
    for (const Entry &e : t->entries) {
        if (e.kind == Kind::sap && matches(e, llc)) {
            *proto = e.proto;
            return 0;
        }
    }
    return ENOENT;
}

int ether_framer(ifnet *ifp, mbuf **m, const nke_sockaddr *, const char *dest_linkaddr,
                 const char *frame_type) {
    mbuf *n = mb::prepend_2(*m, static_cast<int>(kEtherHdr), M_DONTWAIT);
    *m = n;
    if (n == nullptr) return ENOBUFS;  // m_prepend_2 freed the chain
    auto *h = reinterpret_cast<uint8_t *>(n->m_data);
    std::memcpy(h, dest_linkaddr, 6);
    std::memcpy(h + 6, ifp->if_lladdr, 6);
    std::memcpy(h + 12, frame_type, 2);
    static constexpr uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (std::memcmp(h, kBroadcast, 6) == 0) n->m_flags |= M_BCAST;
    else if (h[0] & 1) n->m_flags |= M_MCAST;
    return 0;
}

int ether_add_if(ifnet *ifp) {
    auto *i = static_cast<Iface *>(ifp->if_dlil);
    auto t = try_make<Table>();
    if (!t) return ENOMEM;
    ifp->if_demux = ether_demux;
    ifp->if_framer = ether_framer;
    if (ifp->if_hdrlen == 0) ifp->if_hdrlen = kEtherHdr;
    if (ifp->if_addrlen == 0) ifp->if_addrlen = 6;
    std::lock_guard lk(g_mu);
    install(i, std::move(t));
    return 0;
}

int ether_del_if(ifnet *ifp) {
    auto *i = static_cast<Iface *>(ifp->if_dlil);
    std::lock_guard lk(g_mu);
    void *old = i->family_state.exchange(nullptr, std::memory_order_seq_cst);
    if (old) retire(static_cast<Table *>(old));
    return 0;
}

}  // namespace

const dlil_ifmod_reg_str ether_module = {
    ether_add_if, ether_del_if, ether_add_proto, ether_del_proto, nullptr, nullptr, nullptr, {},
};

}  // namespace nke::ref::dlil
