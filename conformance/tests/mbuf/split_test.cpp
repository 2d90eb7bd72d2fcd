// spec/mbuf.md — m_split (MBUF-SPLIT-*).
#include "mbuf_helpers.hpp"

NKE_TEST(MbufSplit, SplitsTheBytesInTwo, "MBUF-SPLIT-001") {
    for (bool hdr : {true, false}) {
        for (int at : {0, 1, 50, 100, 101, 400, 1399}) {
            struct mbuf *m = mbt::make_chain({100, 200, 1100}, hdr);
            ASSERT_NE(m, nullptr);
            const auto all = mbt::pattern(1400);
            struct mbuf *t = m_split(m, at, M_DONTWAIT);
            ASSERT_NE(t, nullptr) << "at " << at << " hdr " << hdr;
            EXPECT_EQ(mbt::bytes(m), std::vector<uint8_t>(all.begin(), all.begin() + at));
            EXPECT_EQ(mbt::bytes(t), std::vector<uint8_t>(all.begin() + at, all.end()));
            m_freem(t);
            m_freem(m);
        }
    }
}

NKE_TEST(MbufSplit, TailGetsItsOwnHeader, "MBUF-SPLIT-002") {
    struct mbuf *m = mbt::make_chain({100, 200});
    ASSERT_NE(m, nullptr);
    auto *ifp = reinterpret_cast<struct ifnet *>(uintptr_t{0x4000});
    m->m_pkthdr.rcvif = ifp;
    m->m_pkthdr.csum_flags = 3;
    struct mbuf *t = m_split(m, 150, M_DONTWAIT);
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(t->m_flags & M_PKTHDR);
    EXPECT_EQ(t->m_pkthdr.rcvif, ifp);
    EXPECT_EQ(t->m_pkthdr.len, 150);
    EXPECT_EQ(t->m_pkthdr.csum_flags, 0);
    EXPECT_EQ(t->m_pkthdr.aux, nullptr);
    EXPECT_EQ(m->m_pkthdr.len, 150);
    m_freem(t);
    m_freem(m);
}

NKE_TEST(MbufSplit, BadLengthsChangeNothing, "MBUF-SPLIT-003") {
    struct mbuf *m = mbt::make_chain({100, 200});
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_split(m, 301, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_split(m, -1, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_split(nullptr, 0, M_DONTWAIT), nullptr);
    EXPECT_EQ(mbt::shape(m), old);
    mbt::expect_unchanged(before, "m_split with bad lengths");
    m_freem(m);
}

NKE_TEST(MbufSplit, AtTheEndOfAHeaderChainGivesAnEmptyHeader, "MBUF-SPLIT-004") {
    struct mbuf *m = mbt::make_chain({100, 200});
    ASSERT_NE(m, nullptr);
    struct mbuf *t = m_split(m, 300, M_DONTWAIT);
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(t->m_flags & M_PKTHDR);
    EXPECT_EQ(t->m_len, 0);
    EXPECT_EQ(t->m_pkthdr.len, 0);
    EXPECT_EQ(t->m_next, nullptr);
    EXPECT_EQ(m->m_pkthdr.len, 300);
    EXPECT_EQ(mbt::bytes(m), mbt::pattern(300));
    m_freem(t);
    m_freem(m);
}

NKE_TEST(MbufSplit, AtTheEndOfAPlainChainIsNull, "MBUF-SPLIT-004") {
    struct mbuf *m = mbt::make_chain({100, 200}, false);
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_split(m, 300, M_DONTWAIT), nullptr);
    EXPECT_EQ(mbt::shape(m), old);
    mbt::expect_unchanged(before, "m_split at the end of a plain chain");
    m_freem(m);
}

NKE_TEST(MbufSplit, AllocationFailureRestoresEverything, "MBUF-SPLIT-005") {
    NKE_REQUIRE_HOOK(fail_alloc);
    // 1100 bytes in a plain mbuf after the header: the remainder needs a
    // header mbuf and a second mbuf (the historical recursive case).
    for (auto [at, fail_nth] : {std::pair{120, 1}, {120, 2}, {50, 1}}) {
        struct mbuf *m = mbt::make_chain({100, 200});
        ASSERT_NE(m, nullptr);
        const auto old = mbt::shape(m);
        const auto before = nke::test::counters();
        struct mbuf *t;
        {
            nke::test::FailAlloc fail(static_cast<uint64_t>(fail_nth), false);
            t = m_split(m, at, M_DONTWAIT);
        }
        EXPECT_EQ(t, nullptr) << "at " << at << " failing attempt " << fail_nth;
        m_freem(t);
        EXPECT_EQ(mbt::shape(m), old) << "pkthdr.len or the mbufs changed";
        EXPECT_EQ(mbt::bytes(m), mbt::pattern(300));
        mbt::expect_unchanged(before, "a failed m_split");
        m_freem(m);
    }
}

NKE_TEST(MbufSplit, ClusterIsShared, "MBUF-SPLIT-006") {
    struct mbuf *m = mbt::make_chain({100, 1500});
    ASSERT_NE(m, nullptr);
    const auto before = nke::test::counters();
    struct mbuf *t = m_split(m, 700, M_DONTWAIT);
    ASSERT_NE(t, nullptr);
    mbt::expect_delta(before, 1, 0, "splitting cluster data");
    ASSERT_TRUE(t->m_flags & M_EXT);
    EXPECT_EQ(t->m_ext.ext_buf, m->m_next->m_ext.ext_buf);
    EXPECT_EQ(m_mclhasreference(t), 1);
    m_freem(t);
    m_freem(m);
}

NKE_TEST(MbufSplit, PlainChainAtABoundaryAllocatesNothing, "MBUF-SPLIT-007") {
    struct mbuf *m = mbt::make_chain({100, 200, 50}, false);
    ASSERT_NE(m, nullptr);
    struct mbuf *third = m->m_next->m_next;
    const auto before = nke::test::counters();
    struct mbuf *t = m_split(m, 300, M_DONTWAIT);
    EXPECT_EQ(t, third);
    EXPECT_EQ(m->m_next->m_next, nullptr);
    mbt::expect_unchanged(before, "a boundary split of a plain chain");
    m_freem(t);
    m_freem(m);
}
