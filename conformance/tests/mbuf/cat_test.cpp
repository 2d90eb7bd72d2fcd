// spec/mbuf.md — m_cat (MBUF-CAT-*).
#include <cstring>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufCat, AppendsTheBytesOfN, "MBUF-CAT-001") {
    struct mbuf *m = mbt::make_chain({100, 1000}, false, 1);
    struct mbuf *n = mbt::make_chain({30, 1200, 10}, false, 2);
    struct mbuf *other = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_TRUE(m && n && other);
    n->m_nextpkt = other;  // not followed
    auto want = mbt::pattern(1100, 1);
    const auto tail = mbt::pattern(1240, 2);
    want.insert(want.end(), tail.begin(), tail.end());
    m_cat(m, n);
    EXPECT_EQ(mbt::bytes(m), want);
    EXPECT_EQ(other->m_next, nullptr);
    m_freem(m);
    m_free(other);
}

NKE_TEST(MbufCat, AddsToThePacketLength, "MBUF-CAT-002") {
    struct mbuf *m = mbt::make_chain({100});
    struct mbuf *n = mbt::make_chain({1000, 30}, false);
    ASSERT_TRUE(m && n);
    m_cat(m, n);
    EXPECT_EQ(m->m_pkthdr.len, 1130);
    EXPECT_EQ(mbt::chain_len(m), 1130);
    m_freem(m);
}

NKE_TEST(MbufCat, DropsTheHeaderOfN, "MBUF-CAT-003") {
    struct mbuf *m = mbt::make_chain({1000});
    struct mbuf *n = mbt::make_chain({1500});  // too big to be copied: it is linked
    struct mbuf *aux = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_TRUE(m && n && aux);
    n->m_pkthdr.aux = aux;
    const auto before = nke::test::counters();
    m_cat(m, n);
    mbt::expect_delta(before, -1, 0, "n's aux chain is freed");
    ASSERT_EQ(m->m_next, n);
    EXPECT_FALSE(n->m_flags & M_PKTHDR);
    EXPECT_EQ(m->m_pkthdr.len, 2500);
    m_freem(m);
}

NKE_TEST(MbufCat, NeverWritesIntoASharedCluster, "MBUF-CAT-004") {
    struct mbuf *m = mbt::make_chain({100});
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(m_mclget(m, M_DONTWAIT), m);
    ASSERT_TRUE(m->m_flags & M_EXT);
    struct mbuf *copy = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(copy, nullptr);
    const auto spare = std::vector<uint8_t>(reinterpret_cast<uint8_t *>(m->m_ext.ext_buf) + 100,
                                            reinterpret_cast<uint8_t *>(m->m_ext.ext_buf) + 200);
    struct mbuf *n = mbt::make_chain({50}, false, 9);
    m_cat(m, n);
    EXPECT_EQ(std::memcmp(m->m_ext.ext_buf + 100, spare.data(), spare.size()), 0)
        << "bytes after the data in the shared cluster changed";
    EXPECT_EQ(m->m_len, 100);
    EXPECT_EQ(m->m_next, n);
    EXPECT_EQ(mbt::chain_len(m), 150);
    m_freem(copy);
    m_freem(m);
}

NKE_TEST(MbufCat, SmallMbufsAreCopiedIntoTheTail, "MBUF-CAT-005") {
    struct mbuf *m = mbt::make_chain({10}, false, 1);
    struct mbuf *n = mbt::make_chain({20, 30}, false, 2);
    ASSERT_TRUE(m && n);
    const auto before = nke::test::counters();
    m_cat(m, n);
    mbt::expect_delta(before, -2, 0, "both mbufs of n fit in m");
    EXPECT_EQ(m->m_next, nullptr);
    EXPECT_EQ(m->m_len, 60);
    m_freem(m);
}

NKE_TEST(MbufCat, NullArgumentsAreNoOps, "MBUF-CAT-006") {
    struct mbuf *m = mbt::make_chain({10});
    struct mbuf *n = mbt::make_chain({20});
    ASSERT_TRUE(m && n);
    const auto before = nke::test::counters();
    m_cat(m, nullptr);
    m_cat(nullptr, n);
    mbt::expect_unchanged(before, "m_cat with a NULL argument");
    EXPECT_EQ(m->m_next, nullptr);
    EXPECT_EQ(m->m_pkthdr.len, 10);
    EXPECT_TRUE(n->m_flags & M_PKTHDR);
    EXPECT_EQ(mbt::bytes(n), mbt::pattern(20));
    m_freem(m);
    m_freem(n);
}
