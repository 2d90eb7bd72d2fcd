// spec/mbuf.md — the packet header (MBUF-PKTHDR-*).
#include <cstring>

#include "mbuf_helpers.hpp"

namespace {

// The header invariant: pkthdr.len == the length of the chain, and no
// mbuf but the first carries M_PKTHDR.
void expect_true_header(const struct mbuf *m, const char *what) {
    ASSERT_NE(m, nullptr) << what;
    ASSERT_TRUE(m->m_flags & M_PKTHDR) << what;
    EXPECT_EQ(m->m_pkthdr.len, mbt::chain_len(m)) << what;
    for (const struct mbuf *n = m->m_next; n != nullptr; n = n->m_next)
        EXPECT_FALSE(n->m_flags & M_PKTHDR) << what << ": M_PKTHDR in the middle of the chain";
}

}  // namespace

NKE_TEST(MbufPkthdr, EveryOperationKeepsTheLengthTrue, "MBUF-PKTHDR-001") {
    struct mbuf *m = mbt::make_chain({100, 150, 1000});
    expect_true_header(m, "setup");
    m_adj(m, 30);
    expect_true_header(m, "m_adj head");
    m_adj(m, -30);
    expect_true_header(m, "m_adj tail");
    m = m_pullup(m, 160);
    expect_true_header(m, "m_pullup");
    m = m_prepend(m, 20, M_DONTWAIT);
    expect_true_header(m, "m_prepend");
    m = m_prepend_2(m, 8, M_DONTWAIT);
    expect_true_header(m, "m_prepend_2");
    m_cat(m, mbt::make_chain({40, 300}));
    expect_true_header(m, "m_cat");
    struct mbuf *tail = m_split(m, 500, M_DONTWAIT);
    expect_true_header(m, "m_split head");
    expect_true_header(tail, "m_split tail");
    struct mbuf *copy = m_copym(m, 0, 321, M_DONTWAIT);
    expect_true_header(copy, "m_copym");
    const char buf[700] = {};
    ASSERT_EQ(m_copyback(tail, 200, 700, buf), 0);
    expect_true_header(tail, "m_copyback");
    struct mbuf *dev = m_devget(buf, 700, 0, nullptr);
    expect_true_header(dev, "m_devget");
    m_freem(dev);
    m_freem(copy);
    m_freem(tail);
    m_freem(m);
}

NKE_TEST(MbufPkthdr, OnlyTheFirstMbufCarriesTheHeader, "MBUF-PKTHDR-002") {
    struct mbuf *m = mbt::make_chain({100});
    struct mbuf *n = mbt::make_chain({50, 60});
    m_cat(m, n);
    expect_true_header(m, "m_cat of two pkthdr chains");
    struct mbuf *c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
    expect_true_header(c, "m_copym");
    struct mbuf *p = m_prepend(c, 10, M_DONTWAIT);
    expect_true_header(p, "m_prepend");
    m_freem(p);
    m_freem(m);
}

NKE_TEST(MbufPkthdr, UninterpretedFieldsTravelWithTheHeader, "MBUF-PKTHDR-003") {
    struct mbuf *m = mbt::make_chain({60, 60});
    auto *ifp = reinterpret_cast<struct ifnet *>(uintptr_t{0xdead0000});  // never dereferenced
    m->m_pkthdr.rcvif = ifp;
    m->m_pkthdr.header = reinterpret_cast<void *>(uintptr_t{0xbeef0000});
    m->m_pkthdr.csum_flags = 0x1234;
    m->m_pkthdr.csum_data = 0x5678;
    m->m_pkthdr.vlan_tag = 42;
    m = m_prepend(m, 14, M_DONTWAIT);
    ASSERT_NE(m, nullptr);
    m = m_pullup(m, 100);
    ASSERT_NE(m, nullptr);
    struct mbuf *c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    for (struct mbuf *x : {m, c}) {
        EXPECT_EQ(x->m_pkthdr.rcvif, ifp);
        EXPECT_EQ(x->m_pkthdr.header, reinterpret_cast<void *>(uintptr_t{0xbeef0000}));
        EXPECT_EQ(x->m_pkthdr.csum_flags, 0x1234);
        EXPECT_EQ(x->m_pkthdr.csum_data, 0x5678);
        EXPECT_EQ(x->m_pkthdr.vlan_tag, 42);
    }
    m_freem(c);
    m_freem(m);
}

NKE_TEST(MbufPkthdr, PrependMovesTheWholeHeader, "MBUF-PKTHDR-004") {
    struct mbuf *m = mbt::make_chain({MHLEN});  // no leading space
    struct mbuf *aux = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_TRUE(m && aux);
    m->m_flags |= M_BCAST | M_PROTO2 | M_LASTFRAG;
    m->m_pkthdr.aux = aux;
    m->m_pkthdr.csum_flags = 9;
    struct mbuf *old = m;
    m = m_prepend(m, 4, M_DONTWAIT);
    ASSERT_NE(m, nullptr);
    ASSERT_NE(m, old);
    EXPECT_EQ(m->m_flags & (M_PKTHDR | M_BCAST | M_PROTO2 | M_LASTFRAG),
              M_PKTHDR | M_BCAST | M_PROTO2 | M_LASTFRAG);
    EXPECT_EQ(m->m_pkthdr.aux, aux);
    EXPECT_EQ(m->m_pkthdr.csum_flags, 9);
    EXPECT_FALSE(old->m_flags & M_PKTHDR);
    const auto before = nke::test::counters();
    m_freem(m);
    mbt::expect_delta(before, -3, 0, "the aux chain is freed once, with the new header");
}

NKE_TEST(MbufPkthdr, PullupMovesTheWholeHeader, "MBUF-PKTHDR-004") {
    struct mbuf *m = mbt::make_chain({1000, 100});  // first mbuf has a cluster
    struct mbuf *aux = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_TRUE(m && aux);
    m->m_flags |= M_MCAST;
    m->m_pkthdr.aux = aux;
    // Point the first mbuf at its last 10 bytes, so 40 bytes need a new mbuf.
    m->m_data += 990;
    m->m_len = 10;
    m->m_pkthdr.len = 110;
    struct mbuf *old = m;
    m = m_pullup(m, 40);
    ASSERT_NE(m, nullptr);
    ASSERT_NE(m, old);
    EXPECT_TRUE(m->m_flags & M_MCAST);
    EXPECT_TRUE(m->m_flags & M_PKTHDR);
    EXPECT_EQ(m->m_pkthdr.aux, aux);
    // The old first mbuf was emptied (and may have been freed: not touched).
    for (struct mbuf *n = m->m_next; n != nullptr; n = n->m_next) EXPECT_FALSE(n->m_flags & M_PKTHDR);
    m_freem(m);
}
