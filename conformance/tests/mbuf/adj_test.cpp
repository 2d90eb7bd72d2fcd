// spec/mbuf.md — m_adj (MBUF-ADJ-*).
#include <climits>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufAdj, PositiveTrimsTheHead, "MBUF-ADJ-001") {
    struct mbuf *m = mbt::make_chain({50, 100, 1000});
    ASSERT_NE(m, nullptr);
    const auto all = mbt::pattern(1150);
    m_adj(m, 120);
    EXPECT_EQ(mbt::bytes(m), std::vector<uint8_t>(all.begin() + 120, all.end()));
    m_adj(m, 0);
    EXPECT_EQ(mbt::chain_len(m), 1030);
    m_freem(m);
}

NKE_TEST(MbufAdj, NegativeTrimsTheTail, "MBUF-ADJ-002") {
    struct mbuf *m = mbt::make_chain({50, 100, 1000});
    ASSERT_NE(m, nullptr);
    const auto all = mbt::pattern(1150);
    m_adj(m, -1020);
    EXPECT_EQ(mbt::bytes(m), std::vector<uint8_t>(all.begin(), all.begin() + 130));
    m_freem(m);
}

NKE_TEST(MbufAdj, IntMinTrimsEverything, "MBUF-ADJ-002") {
    struct mbuf *m = mbt::make_chain({50, 100});
    ASSERT_NE(m, nullptr);
    m_adj(m, INT_MIN);
    EXPECT_EQ(mbt::chain_len(m), 0);
    EXPECT_EQ(m->m_pkthdr.len, 0);
    m_freem(m);
}

NKE_TEST(MbufAdj, OverTrimmingKeepsEmptyMbufs, "MBUF-ADJ-003") {
    for (int req : {5000, -5000, 150, -150}) {
        struct mbuf *m = mbt::make_chain({50, 100});
        ASSERT_NE(m, nullptr);
        struct mbuf *second = m->m_next;
        const auto before = nke::test::counters();
        m_adj(m, req);
        mbt::expect_unchanged(before, "m_adj");
        EXPECT_EQ(m->m_next, second) << "req " << req;
        EXPECT_EQ(second->m_next, nullptr);
        EXPECT_EQ(m->m_len, 0) << "req " << req;
        EXPECT_EQ(second->m_len, 0) << "req " << req;
        m_freem(m);
    }
}

NKE_TEST(MbufAdj, PacketLengthFollowsTheChain, "MBUF-ADJ-004") {
    struct mbuf *m = mbt::make_chain({50, 100, 1000});
    ASSERT_NE(m, nullptr);
    m_adj(m, 70);
    EXPECT_EQ(m->m_pkthdr.len, 1080);
    m_adj(m, -80);
    EXPECT_EQ(m->m_pkthdr.len, 1000);
    m_adj(m, 4000);
    EXPECT_EQ(m->m_pkthdr.len, 0);
    m_freem(m);
}

NKE_TEST(MbufAdj, NullIsANoOp, "MBUF-ADJ-005") {
    const auto before = nke::test::counters();
    m_adj(nullptr, 10);
    m_adj(nullptr, -10);
    mbt::expect_unchanged(before, "m_adj(NULL)");
}
