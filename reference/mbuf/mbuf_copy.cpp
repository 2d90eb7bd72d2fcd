// Copies between chains and flat buffers, and chain copies (spec/mbuf.md,
// MBUF-COPYDATA-*, MBUF-COPYBACK-*, MBUF-COPYM-*, MBUF-DEVGET-*).
//
// Every range is checked against the chain before anything is copied or
// allocated, in 64-bit arithmetic so that off + len cannot overflow; a bad
// range is a defined error where xnu panicked (hist §9.2 #18).
#include "core/alloc.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace nke::ref::mb {
namespace {

// The mbuf holding byte `off` of the chain (off < length) and the offset
// inside it.  Skips empty mbufs.
const struct mbuf *seek(const struct mbuf *m, int64_t &off) noexcept {
    while (m != nullptr && off >= m->m_len) {
        off -= m->m_len;
        m = m->m_next;
    }
    return m;
}

inline size_t to_size(int64_t v) noexcept { return static_cast<size_t>(v); }

}  // namespace

// m_length: the bytes of the chain, along m_next only (MBUF-SPACE-003).
int length(const struct mbuf *m) noexcept { return static_cast<int>(chain_length(m)); }

// m_copydata: copy len bytes of the chain, starting off bytes from its
// beginning, into the flat buffer cp.  The whole range is checked first, so
// on EINVAL nothing was written (MBUF-COPYDATA-*).
int copydata(const struct mbuf *m, int off, int len, void *cp) noexcept {
    if (off < 0 || len < 0 || (len > 0 && cp == nullptr)) return EINVAL;
    if (int64_t{off} + len > chain_length(m)) return EINVAL;
    if (len == 0) return 0;
    int64_t o = off;
    m = seek(m, o);
    auto *out = static_cast<char *>(cp);
    // Segments that follow each other in memory (clusters carved in order
    // from the arena usually do) are copied with one memcpy: a 64 KiB chain
    // of 2 KiB clusters then copies at memcpy speed, not at the ~85% that
    // 32 separate 2 KiB copies reach.
    const char *run = m->m_data + o;
    int64_t run_len = 0;
    for (int64_t left = len; left > 0; m = m->m_next, o = 0) {
        const int64_t n = std::min<int64_t>(left, m->m_len - o);
        const char *src = m->m_data + o;
        if (src != run + run_len) {
            std::memcpy(out, run, to_size(run_len));
            out += run_len;
            run = src;
            run_len = 0;
        }
        run_len += n;
        left -= n;
    }
    std::memcpy(out, run, to_size(run_len));
    return 0;
}

// m_copyback: copy len bytes from cp into the chain, starting off bytes from
// its beginning, extending the chain (zero-filled up to off) when the range
// runs past its end.  The extension is allocated before any byte is
// written, so ENOBUFS leaves the chain exactly as it was
// (MBUF-COPYBACK-*).  Bytes in a shared cluster are written in place, as
// they always were: the other holders see them (MBUF-COPYBACK-006).
int copyback(struct mbuf *m0, int off, int len, const void *cp) noexcept {
    if (m0 == nullptr || off < 0 || len < 0 || (len > 0 && cp == nullptr)) return EINVAL;
    const int64_t total = chain_length(m0);
    const int64_t end = int64_t{off} + len;
    if (end > total) {
        // Allocate everything the write needs before changing anything, so a
        // failure leaves the chain as it was (MBUF-COPYBACK-004).
        struct mbuf *last = m0;
        while (last->m_next != nullptr) last = last->m_next;
        const int64_t need = end - total;
        const int64_t room = std::min<int64_t>(need, std::max(0, trailing_space(last)));
        struct mbuf *ext = nullptr;
        struct mbuf **link = &ext;
        for (int64_t left = need - room; left > 0;) {
            struct mbuf *n = get(M_DONTWAIT, last->m_type);
            if (n == nullptr || (left > MLEN && !attach_cluster(n))) {
                free_one(n);
                free_chain(ext);
                return ENOBUFS;
            }
            n->m_len = static_cast<int32_t>(std::min<int64_t>(left, buf_end(n) - n->m_data));
            left -= n->m_len;
            *link = n;
            link = &n->m_next;
        }
        // Bytes between the old end and `off` read as zero (MBUF-COPYBACK-003).
        std::memset(last->m_data + last->m_len, 0, to_size(room));
        last->m_len += static_cast<int32_t>(room);
        for (struct mbuf *n = ext; n != nullptr; n = n->m_next)
            std::memset(n->m_data, 0, to_size(n->m_len));
        last->m_next = ext;
        if ((m0->m_flags & M_PKTHDR) && m0->m_pkthdr.len < end)
            m0->m_pkthdr.len = static_cast<int32_t>(end);
    }
    if (len == 0) return 0;
    int64_t o = off;
    struct mbuf *m = const_cast<struct mbuf *>(seek(m0, o));
    const auto *in = static_cast<const char *>(cp);
    for (int64_t left = len; left > 0; m = m->m_next, o = 0) {
        const int64_t n = std::min<int64_t>(left, m->m_len - o);
        std::memcpy(m->m_data + o, in, to_size(n));
        in += n;
        left -= n;
    }
    return 0;
}

// m_copym: make a copy of len bytes of the chain starting off bytes from
// its beginning (len == M_COPYALL: to the end).  Internal buffers are
// copied; clusters are shared by reference.  The packet header is copied
// when off == 0 (length set to the copy's, aux left behind).  Bad ranges and
// zero-byte copies give NULL before anything is allocated; an allocation
// failure frees the partial copy, dropping the cluster references it took
// (MBUF-COPYM-*).
struct mbuf *copym(const struct mbuf *m, int off, int len, int how) noexcept {
    if (m == nullptr || off < 0 || len < 0) return nullptr;
    const int64_t total = chain_length(m);
    if (off > total) return nullptr;
    const int64_t want = len == M_COPYALL ? total - off : len;
    if (off + want > total || want == 0) return nullptr;
    const bool copyhdr = off == 0 && (m->m_flags & M_PKTHDR);
    int64_t o = off;
    const struct mbuf *src = seek(m, o);
    struct mbuf *top = nullptr;
    struct mbuf **link = &top;
    for (int64_t left = want; left > 0;) {
        if (o == src->m_len) {  // an empty mbuf, or the end of one
            src = src->m_next;
            o = 0;
            continue;
        }
        struct mbuf *n = (copyhdr && top == nullptr) ? gethdr(how, src->m_type) : get(how, src->m_type);
        if (n == nullptr) {
            free_chain(top);
            return nullptr;
        }
        *link = n;
        link = &n->m_next;
        if (n == top && copyhdr) {
            // The copy gets the header with its own length and no aux: the aux
            // chain stays with the original (MBUF-COPYM-006).
            n->m_pkthdr = m->m_pkthdr;
            n->m_pkthdr.len = static_cast<int32_t>(want);
            n->m_pkthdr.aux = nullptr;
            n->m_flags = static_cast<int16_t>(m->m_flags & M_COPYFLAGS);
        }
        int64_t chunk = std::min<int64_t>(left, src->m_len - o);
        if (src->m_flags & M_EXT) {
            share_cluster(n, src);  // shared, not copied (MBUF-COPYM-004)
            n->m_data = src->m_data + o;
        } else {
            chunk = std::min<int64_t>(chunk, buf_end(n) - n->m_data);
            std::memcpy(n->m_data, src->m_data + o, to_size(chunk));
        }
        n->m_len = static_cast<int32_t>(chunk);
        left -= chunk;
        o += chunk;
    }
    return top;
}

// m_devget: a new packet holding a copy of totlen bytes from buf, received
// on ifp.  Clusters hold every part of at least MINCLSIZE bytes.  off0 was
// the trailer-encapsulation offset of 4.4BSD; only 0 is valid
// (MBUF-DEVGET-*).
struct mbuf *devget(const char *buf, int totlen, int off0, struct ifnet *ifp) noexcept {
    if (buf == nullptr || totlen <= 0 || off0 != 0) return nullptr;
    struct mbuf *top = gethdr(M_DONTWAIT, MT_DATA);
    if (top == nullptr) return nullptr;
    top->m_pkthdr.rcvif = ifp;
    top->m_pkthdr.len = totlen;
    struct mbuf *m = top;
    for (int left = totlen;;) {
        if (left >= MINCLSIZE && !attach_cluster(m)) {
            free_chain(top);
            return nullptr;
        }
        const int n = std::min<int>(left, static_cast<int>(buf_end(m) - m->m_data));
        std::memcpy(m->m_data, buf, static_cast<size_t>(n));
        m->m_len = n;
        buf += n;
        left -= n;
        if (left == 0) break;
        struct mbuf *next = get(M_DONTWAIT, MT_DATA);
        if (next == nullptr) {
            free_chain(top);
            return nullptr;
        }
        m->m_next = next;
        m = next;
    }
    return top;
}

}  // namespace nke::ref::mb
