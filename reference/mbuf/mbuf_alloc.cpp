// Allocating and freeing mbufs (spec/mbuf.md, MBUF-ALLOC-*, MBUF-FREE-*,
// MBUF-COUNT-*), and the harness counter provider.
#include "mbuf/pool.hpp"

#include "core/alloc.hpp"
#include "core/counters.hpp"

#include <cstring>

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace nke::ref::mb {
namespace {

// A fresh mbuf: no chain links, no data, no flags (MBUF-ALLOC-001).  `how`
// is not consulted: user space cannot sleep until memory is freed by
// someone else, so M_WAIT and M_DONTWAIT behave alike (MBUF-ALLOC-003).
inline struct mbuf *raw_get(int type) noexcept {
    if (!type_valid(type)) return nullptr;
    if (!alloc_permitted()) return nullptr;
    auto *m = static_cast<struct mbuf *>(mbpool::take<mbpool::kMbuf>());
    if (m == nullptr) return nullptr;
    m->m_next = nullptr;
    m->m_nextpkt = nullptr;
    m->m_len = 0;
    m->m_type = static_cast<int16_t>(type);
    m->m_flags = 0;
    return m;
}

}  // namespace

bool type_valid(int type) noexcept { return type > MT_FREE && type < MT_MAX; }

// m_get: a fresh plain mbuf (MBUF-ALLOC-001).
struct mbuf *get(int /*how*/, int type) noexcept {
    struct mbuf *m = raw_get(type);
    if (m != nullptr) m->m_data = m->m_dat;
    return m;
}

// m_gethdr: a fresh packet-header mbuf, header zeroed (MBUF-ALLOC-002).
struct mbuf *gethdr(int /*how*/, int type) noexcept {
    struct mbuf *m = raw_get(type);
    if (m == nullptr) return nullptr;
    m->m_flags = M_PKTHDR;
    m->m_data = m->m_pktdat;
    // The whole header, len included (xnu-344 left len uninitialised, hist
    // §9.2 #18; MBUF-ALLOC-002).
    std::memset(&m->m_pkthdr, 0, sizeof m->m_pkthdr);
    return m;
}

// m_getclr: m_get with the MLEN data bytes zeroed (MBUF-ALLOC-006).
struct mbuf *getclr(int how, int type) noexcept {
    struct mbuf *m = get(how, type);
    if (m != nullptr) std::memset(m->m_dat, 0, MLEN);
    return m;
}

// m_getpacket: a packet-header mbuf with a cluster, or nothing
// (MBUF-ALLOC-007).
struct mbuf *getpacket() noexcept {
    struct mbuf *m = gethdr(M_DONTWAIT, MT_DATA);
    if (m == nullptr) return nullptr;
    if (!attach_cluster(m)) {
        free_one(m);
        return nullptr;
    }
    return m;
}

// Frees one mbuf and returns its successor.  A pointer that is not a live
// mbuf of this stack (already free, or never an mbuf) is refused and counted
// (MBUF-FREE-004/005): it is never read or written, and NULL is returned
// because its m_next cannot be trusted.  Inline so that free_chain's loop
// is straight code.
[[gnu::always_inline]] inline struct mbuf *free_inline(struct mbuf *m) noexcept {
    std::atomic<uint32_t> *state;
    if (!mbpool::live_mbuf(m, state)) [[unlikely]] {
        mbpool::count_double_free();
        return nullptr;
    }
    struct mbuf *next = m->m_next;
    if (m->m_flags & (M_PKTHDR | M_EXT)) {
        if ((m->m_flags & M_PKTHDR) && m->m_pkthdr.aux != nullptr) {
            struct mbuf *aux = m->m_pkthdr.aux;
            m->m_pkthdr.aux = nullptr;
            free_chain(aux);
        }
        if (m->m_flags & M_EXT) release_cluster(m);
    }
    m->m_type = MT_FREE;  // as in history; the pool's side table is what counts
    mbpool::give<mbpool::kMbuf>(m, *state);
    return next;
}

struct mbuf *free_one(struct mbuf *m) noexcept {
    if (m == nullptr) return nullptr;
    return free_inline(m);
}

void free_chain(struct mbuf *m) noexcept {
    while (m != nullptr) m = free_inline(m);
}

// m_freem_list: free every packet of an m_nextpkt queue; the number freed
// (MBUF-FREE-009/010).
int free_packets(struct mbuf *m) noexcept {
    int packets = 0;
    while (m != nullptr) {
        if (!mbpool::mbuf_is_live(m)) {
            // Its m_nextpkt cannot be trusted either: stop here.
            mbpool::count_double_free();
            break;
        }
        struct mbuf *next = m->m_nextpkt;
        m->m_nextpkt = nullptr;
        free_chain(m);
        ++packets;
        m = next;
    }
    return packets;
}

namespace {

void fill_counters(nke_counters &out) noexcept {
    const mbpool::Totals t = mbpool::totals();
    out.mbufs = static_cast<uint64_t>(t.mbufs);
    out.clusters = static_cast<uint64_t>(t.clusters);
    out.mbuf_double_frees = t.double_frees;
}

struct RegisterProvider {
    RegisterProvider() noexcept { register_counter_provider(fill_counters); }
} g_register_provider;

}  // namespace
}  // namespace nke::ref::mb
