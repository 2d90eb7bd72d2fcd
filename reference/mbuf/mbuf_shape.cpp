// Changing the shape of a chain: trim, make contiguous, prepend,
// concatenate, split (spec/mbuf.md, MBUF-ADJ-*, MBUF-PULLUP-*,
// MBUF-PREPEND-*, MBUF-CAT-*, MBUF-SPLIT-*).
//
// Every operation here keeps pkthdr.len equal to the bytes in the chain
// (MBUF-PKTHDR-001), including m_prepend and m_cat, which did not in xnu.
// Operations that can fail allocate everything first and only then relink,
// so a failure leaves the chain untouched (m_split), or frees it where the
// historical contract says so (m_pullup, m_prepend).
#include "core/alloc.hpp"

#include <algorithm>
#include <cstring>

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace nke::ref::mb {
namespace {

// Place len bytes at the end of a fresh mbuf's buffer, aligned to
// sizeof(long): M_ALIGN / MH_ALIGN without the macros' C casts.
void align_end(struct mbuf *m, int len) noexcept {
    const int cap = (m->m_flags & M_PKTHDR) ? MHLEN : MLEN;
    m->m_data += (cap - len) & ~static_cast<int>(sizeof(long) - 1);
}

}  // namespace

// M_MOVE_PKTHDR: see mbuf_internal.hpp (MBUF-PKTHDR-004).
void move_pkthdr(struct mbuf *to, struct mbuf *from) noexcept {
    to->m_pkthdr = from->m_pkthdr;
    to->m_flags = static_cast<int16_t>((to->m_flags & M_EXT) | (from->m_flags & M_COPYFLAGS));
    if (!(to->m_flags & M_EXT)) to->m_data = to->m_pktdat;
    // `from` is now a plain mbuf: its aux reference went with the header.
    from->m_flags = static_cast<int16_t>(from->m_flags & ~M_PKTHDR);
}

// m_adj: trim req_len bytes from the head (req_len >= 0) or -req_len bytes
// from the tail (req_len < 0) of the chain.  Mbufs that become empty stay
// where they are; nothing is freed, so the call cannot fail.  The packet
// header's length is recomputed from the chain (MBUF-ADJ-*).
void adj(struct mbuf *mp, int req_len) noexcept {
    if (mp == nullptr) return;
    if (req_len >= 0) {
        // Trim from the head; emptied mbufs stay in the chain (MBUF-ADJ-003).
        int64_t left = req_len;
        for (struct mbuf *m = mp; m != nullptr && left > 0; m = m->m_next) {
            const int64_t n = std::min<int64_t>(left, m->m_len);
            m->m_len -= static_cast<int32_t>(n);
            m->m_data += n;
            left -= n;
        }
    } else {
        // Trim from the tail: keep the first total - |req_len| bytes.
        int64_t keep = std::max<int64_t>(0, chain_length(mp) + req_len);
        for (struct mbuf *m = mp; m != nullptr; m = m->m_next) {
            if (m->m_len <= keep) {
                keep -= m->m_len;
            } else {
                m->m_len = static_cast<int32_t>(keep);
                keep = 0;
            }
        }
    }
    if (mp->m_flags & M_PKTHDR) mp->m_pkthdr.len = static_cast<int32_t>(chain_length(mp));
}

// m_pullup: rearrange the chain so that its first len bytes are contiguous
// in the first mbuf, so that mtod() can be used on a header of that size.
// If the first mbuf's internal buffer has the room, the bytes are pulled in
// behind its data; otherwise a new mbuf (at most MHLEN bytes) is put in
// front and takes the packet header.  Mbufs emptied by the pull are freed.
// On failure the whole chain is freed and NULL returned: the historical
// contract every caller relies on (MBUF-PULLUP-*).
struct mbuf *pullup(struct mbuf *n, int len) noexcept {
    if (n == nullptr) return nullptr;
    // Already contiguous (including len <= 0): nothing to do, whatever the
    // size (xnu failed for len > MHLEN here; MBUF-PULLUP-002).
    if (n->m_len >= len) return n;
    if (chain_length(n) < len) {
        free_chain(n);
        return nullptr;
    }
    struct mbuf *dest = nullptr;
    struct mbuf *src = nullptr;
    if (!(n->m_flags & M_EXT) && n->m_data + len <= n->m_dat + MLEN) {
        // Room in the first mbuf itself: pull the rest in behind its data.
        dest = n;
        src = n->m_next;
    } else {
        if (len > MHLEN) {
            free_chain(n);
            return nullptr;
        }
        dest = get(M_DONTWAIT, n->m_type);
        if (dest == nullptr) {
            free_chain(n);
            return nullptr;
        }
        if (n->m_flags & M_PKTHDR) move_pkthdr(dest, n);
        src = n;
    }
    for (int64_t need = len - dest->m_len; need > 0;) {
        const int64_t cnt = std::min<int64_t>(need, src->m_len);
        std::memcpy(dest->m_data + dest->m_len, src->m_data, static_cast<size_t>(cnt));
        dest->m_len += static_cast<int32_t>(cnt);
        src->m_len -= static_cast<int32_t>(cnt);
        need -= cnt;
        if (src->m_len > 0) src->m_data += cnt;
        else src = free_one(src);  // an emptied mbuf leaves the chain
    }
    dest->m_next = src;
    return dest;
}

// m_prepend: put a new mbuf holding len bytes (content unspecified) in
// front of the chain; the packet header moves to it and its length grows by
// len.  On failure the chain is freed (MBUF-PREPEND-*).
struct mbuf *prepend(struct mbuf *m, int len, int how) noexcept {
    if (m == nullptr) return nullptr;
    const bool hdr = (m->m_flags & M_PKTHDR) != 0;
    struct mbuf *mn = nullptr;
    if (len >= 0 && len <= (hdr ? MHLEN : MLEN)) mn = get(how, m->m_type);
    if (mn == nullptr) {
        free_chain(m);  // the historical contract: failure frees the chain
        return nullptr;
    }
    if (hdr) move_pkthdr(mn, m);
    align_end(mn, len);
    mn->m_next = m;
    mn->m_len = len;
    if (hdr) mn->m_pkthdr.len += len;
    return mn;
}

// m_prepend_2 (M_PREPEND): as m_prepend, but use the first mbuf's leading
// space when there is enough (never that of a shared cluster, which reports
// none).
struct mbuf *prepend_2(struct mbuf *m, int len, int how) noexcept {
    if (m == nullptr) return nullptr;
    if (len >= 0 && leading_space(m) >= len) {
        m->m_data -= len;
        m->m_len += len;
        if (m->m_flags & M_PKTHDR) m->m_pkthdr.len += len;
        return m;
    }
    return prepend(m, len, how);
}

// m_cat: append chain n to chain m.  n's packet header is dropped; bytes of
// n that fit in the writable trailing space of m's last mbuf are copied
// there (and their mbufs freed), the rest is linked.  m's packet length
// grows by n's bytes (MBUF-CAT-*).
void cat(struct mbuf *m, struct mbuf *n) noexcept {
    if (m == nullptr || n == nullptr) return;
    const int64_t added = chain_length(n);
    if (n->m_flags & M_PKTHDR) {
        // n becomes part of m's packet: its header, aux included, goes away
        // (MBUF-CAT-003).
        struct mbuf *aux = n->m_pkthdr.aux;
        n->m_flags = static_cast<int16_t>(n->m_flags & ~M_PKTHDR);
        free_chain(aux);
    }
    struct mbuf *tail = m;
    while (tail->m_next != nullptr) tail = tail->m_next;
    // Copy small mbufs into the tail's writable room; link the rest.
    while (n != nullptr && n->m_len <= trailing_space(tail)) {
        std::memcpy(tail->m_data + tail->m_len, n->m_data, static_cast<size_t>(n->m_len));
        tail->m_len += n->m_len;
        n = free_one(n);
    }
    tail->m_next = n;
    if (m->m_flags & M_PKTHDR) m->m_pkthdr.len += static_cast<int32_t>(added);
}

// m_split: cut the chain after len0 bytes and return the tail.  The mbuf
// holding the cut gives its remaining bytes to a new mbuf (copied, or the
// cluster shared); a pkthdr chain's tail gets a header of its own.  Every
// mbuf needed is allocated before anything changes, so NULL means the chain
// is exactly as it was (MBUF-SPLIT-*).
struct mbuf *split(struct mbuf *m0, int len0, int how) noexcept {
    if (m0 == nullptr || len0 < 0) return nullptr;
    const bool hdr = (m0->m_flags & M_PKTHDR) != 0;
    if (len0 == chain_length(m0)) {
        // Splitting at the very end (MBUF-SPLIT-004): a plain chain is left
        // alone, a pkthdr chain gets an empty packet for its tail.  Trailing
        // empty mbufs stay in m0, so the result never has an m_next.
        if (!hdr) return nullptr;
        struct mbuf *n = gethdr(how, m0->m_type);
        if (n == nullptr) return nullptr;
        n->m_pkthdr.rcvif = m0->m_pkthdr.rcvif;
        return n;
    }
    int64_t len = len0;
    struct mbuf *m = m0;
    while (m != nullptr && len > m->m_len) {
        len -= m->m_len;
        m = m->m_next;
    }
    if (m == nullptr) return nullptr;  // beyond the chain: nothing changed
    const int32_t remain = static_cast<int32_t>(m->m_len - len);
    if (!hdr && remain == 0) {
        struct mbuf *tail = m->m_next;
        m->m_next = nullptr;
        return tail;
    }
    // Allocate first: on failure nothing has changed, pkthdr.len included
    // (xnu did not restore it, hist §9.2 #18; MBUF-SPLIT-005).
    struct mbuf *n = hdr ? gethdr(how, m0->m_type) : get(how, m->m_type);
    if (n == nullptr) return nullptr;
    struct mbuf *target = n;  // the mbuf that receives the remainder of m
    if (hdr && !(m->m_flags & M_EXT) && remain > MHLEN) {
        target = get(how, m->m_type);
        if (target == nullptr) {
            free_one(n);
            return nullptr;
        }
        align_end(n, 0);
        n->m_next = target;
    }
    if (hdr) {
        n->m_pkthdr.rcvif = m0->m_pkthdr.rcvif;
        n->m_pkthdr.len = m0->m_pkthdr.len - len0;
        m0->m_pkthdr.len = len0;
    }
    if (m->m_flags & M_EXT) {
        share_cluster(target, m);
        target->m_data = m->m_data + len;
    } else {
        align_end(target, remain);
        std::memcpy(target->m_data, m->m_data + len, static_cast<size_t>(remain));
    }
    target->m_len = remain;
    m->m_len = static_cast<int32_t>(len);
    target->m_next = m->m_next;
    m->m_next = nullptr;
    return n;
}

}  // namespace nke::ref::mb
