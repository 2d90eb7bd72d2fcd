// Helpers of the mbuf conformance tests (spec/mbuf.md).  They build and
// inspect chains by walking the public structure directly, never through
// the functions under test, so that a broken m_copydata cannot hide a
// broken m_copym.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "nke_test.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace mbt {

// Byte i of a test pattern.
inline uint8_t pat(int i, uint8_t seed = 1) { return static_cast<uint8_t>(seed + i * 7); }

inline std::vector<uint8_t> pattern(int n, uint8_t seed = 1, int from = 0) {
    std::vector<uint8_t> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = pat(from + i, seed);
    return v;
}

// A chain with one mbuf per entry of `sizes`, holding pattern bytes.  An
// entry too large for the mbuf's internal buffer gets a cluster (test
// setup: fails the test if none can be had).  With hdr, the first mbuf is a
// pkthdr mbuf and pkthdr.len is the chain length.
inline struct mbuf *make_chain(std::initializer_list<int> sizes, bool hdr = true,
                               uint8_t seed = 1) {
    struct mbuf *top = nullptr;
    struct mbuf **link = &top;
    int off = 0;
    for (int size : sizes) {
        const bool first = top == nullptr;
        struct mbuf *m = (first && hdr) ? m_gethdr(M_DONTWAIT, MT_DATA) : m_get(M_DONTWAIT, MT_DATA);
        EXPECT_NE(m, nullptr) << "test setup: allocation failed";
        if (m == nullptr) break;
        const int cap = (first && hdr) ? MHLEN : MLEN;
        if (size > cap) {
            m = m_mclget(m, M_DONTWAIT);
            EXPECT_TRUE(m->m_flags & M_EXT) << "test setup: no cluster";
        }
        for (int i = 0; i < size; ++i) m->m_data[i] = static_cast<char>(pat(off + i, seed));
        m->m_len = size;
        off += size;
        *link = m;
        link = &m->m_next;
    }
    if (hdr && top != nullptr) top->m_pkthdr.len = off;
    return top;
}

// The bytes of a chain, read directly from the structure.
inline std::vector<uint8_t> bytes(const struct mbuf *m) {
    std::vector<uint8_t> v;
    for (; m != nullptr; m = m->m_next)
        v.insert(v.end(), reinterpret_cast<const uint8_t *>(m->m_data),
                 reinterpret_cast<const uint8_t *>(m->m_data) + m->m_len);
    return v;
}

inline int chain_len(const struct mbuf *m) {
    int n = 0;
    for (; m != nullptr; m = m->m_next) n += m->m_len;
    return n;
}

inline int count_mbufs(const struct mbuf *m) {
    int n = 0;
    for (; m != nullptr; m = m->m_next) ++n;
    return n;
}

// A snapshot of one mbuf's visible fields, to check "nothing changed".
struct Shape {
    const struct mbuf *addr;
    const struct mbuf *next;
    const char *data;
    int32_t len;
    int16_t type;
    int16_t flags;
    int32_t pkthdr_len;
    bool operator==(const Shape &) const = default;
};

inline std::vector<Shape> shape(const struct mbuf *m) {
    std::vector<Shape> v;
    for (; m != nullptr; m = m->m_next)
        v.push_back({m, m->m_next, m->m_data, m->m_len, m->m_type, m->m_flags,
                     (m->m_flags & M_PKTHDR) ? m->m_pkthdr.len : -1});
    return v;
}

// The live mbuf and cluster counters moved by exactly (dm, dc) since `before`.
inline void expect_delta(const nke_counters &before, int64_t dm, int64_t dc, const char *what) {
    const nke_counters now = nke::test::counters();
    EXPECT_EQ(static_cast<int64_t>(now.mbufs - before.mbufs), dm) << what << ": mbufs";
    EXPECT_EQ(static_cast<int64_t>(now.clusters - before.clusters), dc) << what << ": clusters";
}

// Every live counter equals the snapshot (usable outside the fixture's
// member functions, unlike Fixture::expect_unchanged).
inline void expect_unchanged(const nke_counters &before, const char *what) {
    const std::string diff = nke::test::live_diff(before, nke::test::counters());
    EXPECT_TRUE(diff.empty()) << what << " changed the stack: " << diff;
}

}  // namespace mbt
