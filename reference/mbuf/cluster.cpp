// Clusters: MCLBYTES of external storage, shared by reference counting
// (spec/mbuf.md, MBUF-CLUSTER-*, MBUF-SPACE-*).
//
// A stack cluster is owned by every mbuf whose m_ext names it; the count of
// those mbufs is the cluster's reference count, kept in the pool's side
// table (never inside the cluster, whose bytes belong to the NKEs).  The
// count is raised only by a holder of a reference (m_copym, m_split), so a
// holder that sees the count at 1 is the only holder and can free without
// a read-modify-write.
#include "mbuf/pool.hpp"

#include "core/alloc.hpp"

#include <cstring>

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace nke::ref::mb {
namespace {

inline bool is_stack_cluster(const struct mbuf *m) noexcept {
    return m->m_ext.ext_free == nullptr && mbpool::is_cluster(m->m_ext.ext_buf);
}

// Make c (a fresh cluster, reference count 1) m's storage.
void install(struct mbuf *m, char *c) noexcept {
    m->m_ext.ext_buf = c;
    m->m_ext.ext_free = nullptr;
    m->m_ext.ext_arg = nullptr;
    m->m_ext.ext_size = MCLBYTES;
    m->m_ext.ext_reserved = 0;
    m->m_ext.ext_refs[0] = nullptr;
    m->m_ext.ext_refs[1] = nullptr;
    m->m_flags = static_cast<int16_t>(m->m_flags | M_EXT);
    m->m_data = c;
}

}  // namespace

bool attach_cluster(struct mbuf *m) noexcept {
    if (!alloc_permitted()) return false;
    auto *c = static_cast<char *>(mbpool::take<mbpool::kCluster>());
    if (c == nullptr) return false;
    install(m, c);
    return true;
}

void share_cluster(struct mbuf *to, const struct mbuf *from) noexcept {
    if (is_stack_cluster(from))
        mbpool::cluster_refs(from->m_ext.ext_buf).fetch_add(1, std::memory_order_relaxed);
    to->m_ext = from->m_ext;
    to->m_flags = static_cast<int16_t>(to->m_flags | M_EXT);
}

void release_cluster(struct mbuf *m) noexcept {
    // External storage the stack did not create (an NKE that set M_EXT by
    // hand) is left alone: see "Out of scope" in spec/mbuf.md.
    if (!is_stack_cluster(m)) return;
    char *c = m->m_ext.ext_buf;
    auto &refs = mbpool::cluster_refs(c);
    if (refs.load(std::memory_order_acquire) == 1 ||
        refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        mbpool::give<mbpool::kCluster>(c);
    }
}

bool cluster_shared(const struct mbuf *m) noexcept {
    if (m == nullptr || !(m->m_flags & M_EXT) || !is_stack_cluster(m)) return false;
    return mbpool::cluster_refs(m->m_ext.ext_buf).load(std::memory_order_acquire) > 1;
}

struct mbuf *mclget(struct mbuf *m, int /*how*/) noexcept {
    if (m == nullptr || (m->m_flags & M_EXT)) return m;
    if (!alloc_permitted()) return m;
    auto *c = static_cast<char *>(mbpool::take<mbpool::kCluster>());
    if (c == nullptr) return m;
    // m_ext overlays the internal buffer: save the data first (MBUF-CLUSTER-003).
    if (m->m_len > 0) std::memcpy(c, m->m_data, static_cast<size_t>(m->m_len));
    install(m, c);
    return m;
}

int leading_space(const struct mbuf *m) noexcept {
    if (m == nullptr) return 0;
    if (m->m_flags & M_EXT) {
        if (cluster_shared(m)) return 0;
        return static_cast<int>(m->m_data - m->m_ext.ext_buf);
    }
    const char *start = (m->m_flags & M_PKTHDR) ? m->m_pktdat : m->m_dat;
    return static_cast<int>(m->m_data - start);
}

int trailing_space(const struct mbuf *m) noexcept {
    if (m == nullptr) return 0;
    if (m->m_flags & M_EXT) {
        if (cluster_shared(m)) return 0;
        return static_cast<int>(m->m_ext.ext_buf + m->m_ext.ext_size - (m->m_data + m->m_len));
    }
    return static_cast<int>(m->m_dat + MLEN - (m->m_data + m->m_len));
}

}  // namespace nke::ref::mb
