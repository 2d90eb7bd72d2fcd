// spec/mbuf.md — m_pullup (MBUF-PULLUP-*).
#include "mbuf_helpers.hpp"

NKE_TEST(MbufPullup, MakesTheFirstBytesContiguous, "MBUF-PULLUP-001") {
    for (int len : {20, 100, MHLEN}) {
        struct mbuf *m = mbt::make_chain({10, 0, 30, 1000});
        ASSERT_NE(m, nullptr);
        m = m_pullup(m, len);
        ASSERT_NE(m, nullptr) << "len " << len;
        EXPECT_GE(m->m_len, len);
        EXPECT_EQ(mbt::bytes(m), mbt::pattern(1040));
        EXPECT_EQ(m->m_pkthdr.len, 1040);
        m_freem(m);
    }
}

NKE_TEST(MbufPullup, InPlaceWhenTheFirstMbufHasRoom, "MBUF-PULLUP-001") {
    struct mbuf *m = mbt::make_chain({10, 20, 30}, false);
    ASSERT_NE(m, nullptr);
    struct mbuf *r = m_pullup(m, 25);
    ASSERT_NE(r, nullptr);
    EXPECT_GE(r->m_len, 25);
    EXPECT_EQ(mbt::bytes(r), mbt::pattern(60));
    m_freem(r);
}

NKE_TEST(MbufPullup, ContiguousDataIsANoOpWhateverTheLength, "MBUF-PULLUP-002") {
    struct mbuf *m = mbt::make_chain({1500, 100});  // first mbuf: a cluster
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_pullup(m, 1000), m) << "len > MHLEN with the data already contiguous";
    EXPECT_EQ(m_pullup(m, 1500), m);
    EXPECT_EQ(mbt::shape(m), old);
    mbt::expect_unchanged(before, "m_pullup of contiguous data");
    m_freem(m);
}

NKE_TEST(MbufPullup, NonPositiveLengthIsANoOp, "MBUF-PULLUP-003") {
    struct mbuf *m = mbt::make_chain({0, 100});
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_pullup(m, 0), m);
    EXPECT_EQ(m_pullup(m, -5), m);
    EXPECT_EQ(mbt::shape(m), old);
    mbt::expect_unchanged(before, "m_pullup with len <= 0");
    m_freem(m);
}

NKE_TEST(MbufPullup, ShortChainIsFreed, "MBUF-PULLUP-004") {
    struct mbuf *m = mbt::make_chain({10, 20});
    ASSERT_NE(m, nullptr);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_pullup(m, 31), nullptr);
    mbt::expect_delta(before, -2, 0, "m_pullup of a short chain frees it");
}

NKE_TEST(MbufPullup, MoreThanMhlenIntoANewMbufFails, "MBUF-PULLUP-005") {
    struct mbuf *m = mbt::make_chain({1000, 1000});
    ASSERT_NE(m, nullptr);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_pullup(m, 1001), nullptr);
    mbt::expect_delta(before, -2, -2, "m_pullup beyond MHLEN frees the chain");
}

NKE_TEST(MbufPullup, ClusterFirstMbufGetsANewMbufInFront, "MBUF-PULLUP-005") {
    struct mbuf *m = mbt::make_chain({1000, 100});
    ASSERT_NE(m, nullptr);
    m->m_data += 995;  // 5 bytes left in the cluster mbuf
    m->m_len = 5;
    m->m_pkthdr.len = 105;
    struct mbuf *old = m;
    m = m_pullup(m, 100);
    ASSERT_NE(m, nullptr);
    EXPECT_NE(m, old);
    EXPECT_FALSE(m->m_flags & M_EXT);
    EXPECT_GE(m->m_len, 100);
    auto want = mbt::pattern(1100);
    EXPECT_EQ(mbt::bytes(m), std::vector<uint8_t>(want.begin() + 995, want.end()));
    m_freem(m);
}

NKE_TEST(MbufPullup, AllocationFailureFreesTheChain, "MBUF-PULLUP-006") {
    NKE_REQUIRE_HOOK(fail_alloc);
    struct mbuf *m = mbt::make_chain({1000, 100});
    ASSERT_NE(m, nullptr);
    m->m_data += 990;
    m->m_len = 10;
    m->m_pkthdr.len = 110;
    const auto before = nke::test::counters();
    {
        nke::test::FailAlloc fail(1, false);
        EXPECT_EQ(m_pullup(m, 50), nullptr);
    }
    mbt::expect_delta(before, -2, -1, "a failed m_pullup frees the chain");
}

NKE_TEST(MbufPullup, NullIsNull, "MBUF-PULLUP-007") {
    const auto before = nke::test::counters();
    EXPECT_EQ(m_pullup(nullptr, 10), nullptr);
    mbt::expect_unchanged(before, "m_pullup(NULL)");
}
