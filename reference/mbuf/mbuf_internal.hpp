// Internal interface of the mbuf subsystem (spec/mbuf.md).  The exported
// m_* functions (abi.cpp) are thin shims over these; the rest of the
// reference calls these, never the exported names.
//
// Conventions of this subsystem, true between any two calls:
//  - A chain is mbufs linked by m_next; a packet queue is chains linked by
//    m_nextpkt through their first mbufs.
//  - For an mbuf without M_EXT, [m_data, m_data + m_len) lies inside its
//    own buffer (m_dat, or m_pktdat when M_PKTHDR); with M_EXT it lies
//    inside [ext_buf, ext_buf + ext_size).
//  - A stack cluster is recognised by ext_free == NULL and ext_buf inside the
//    cluster arena; its reference count lives in the pool's side table.
//  - The operations here keep pkthdr.len == sum of m_len for a chain with
//    M_PKTHDR (MBUF-PKTHDR-001) when it held on entry.
//  - Every allocation first asks alloc_permitted() (failure injection), one
//    attempt per mbuf or cluster, and a call that fails half-way frees what
//    it allocated and changes nothing else unless its rule says so.
#pragma once

#include <cstdint>

#include <nke/mbuf.h>  // last: it defines m_* macros

namespace nke::ref::mb {

// --- allocation and free (mbuf_alloc.cpp) ---------------------------------
bool type_valid(int type) noexcept;
struct mbuf *get(int how, int type) noexcept;
struct mbuf *gethdr(int how, int type) noexcept;
struct mbuf *getclr(int how, int type) noexcept;
struct mbuf *getpacket() noexcept;
struct mbuf *free_one(struct mbuf *m) noexcept;
void free_chain(struct mbuf *m) noexcept;
int free_packets(struct mbuf *m) noexcept;

// --- clusters (cluster.cpp) -----------------------------------------------
// Attach a fresh cluster to m (which has no M_EXT): M_EXT set, m_data at the
// start of the cluster.  False (m unchanged) when no cluster is available.
bool attach_cluster(struct mbuf *m) noexcept;
// Make `to` share the cluster of `from` (which has M_EXT): one more reference.
void share_cluster(struct mbuf *to, const struct mbuf *from) noexcept;
// Drop m's reference to its cluster; the last reference frees it.
void release_cluster(struct mbuf *m) noexcept;
bool cluster_shared(const struct mbuf *m) noexcept;
struct mbuf *mclget(struct mbuf *m, int how) noexcept;
int leading_space(const struct mbuf *m) noexcept;
int trailing_space(const struct mbuf *m) noexcept;

// --- copies (mbuf_copy.cpp) ------------------------------------------------
int length(const struct mbuf *m) noexcept;
int copydata(const struct mbuf *m, int off, int len, void *cp) noexcept;
int copyback(struct mbuf *m0, int off, int len, const void *cp) noexcept;
struct mbuf *copym(const struct mbuf *m, int off, int len, int how) noexcept;
struct mbuf *devget(const char *buf, int totlen, int off0, struct ifnet *ifp) noexcept;

// --- shape (mbuf_shape.cpp) ------------------------------------------------
void adj(struct mbuf *mp, int req_len) noexcept;
struct mbuf *pullup(struct mbuf *n, int len) noexcept;
struct mbuf *prepend(struct mbuf *m, int len, int how) noexcept;
struct mbuf *prepend_2(struct mbuf *m, int len, int how) noexcept;
void cat(struct mbuf *m, struct mbuf *n) noexcept;
struct mbuf *split(struct mbuf *m0, int len0, int how) noexcept;

// --- small helpers shared by the files above -------------------------------

// Bytes in the chain, in 64-bit arithmetic so that sums with an int offset
// cannot overflow.
inline int64_t chain_length(const struct mbuf *m) noexcept {
    int64_t n = 0;
    for (; m != nullptr; m = m->m_next) n += m->m_len;
    return n;
}

// Start and end of the storage the data of m may occupy.
inline char *buf_start(struct mbuf *m) noexcept {
    if (m->m_flags & M_EXT) return m->m_ext.ext_buf;
    return (m->m_flags & M_PKTHDR) ? m->m_pktdat : m->m_dat;
}
inline char *buf_end(struct mbuf *m) noexcept {
    if (m->m_flags & M_EXT) return m->m_ext.ext_buf + m->m_ext.ext_size;
    return m->m_dat + MLEN;
}

// Move the packet header of `from` to `to` (a fresh mbuf without M_PKTHDR):
// `to` gets M_PKTHDR, from's M_COPYFLAGS and the whole pkthdr (aux
// included); `from` loses M_PKTHDR and its aux reference.  `to`'s data
// pointer is moved to m_pktdat when it had no M_EXT.
void move_pkthdr(struct mbuf *to, struct mbuf *from) noexcept;

}  // namespace nke::ref::mb
