// spec/mbuf.md — m_copyback (MBUF-COPYBACK-*).
#include <cstring>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufCopyback, OverwritesInPlace, "MBUF-COPYBACK-001") {
    struct mbuf *m = mbt::make_chain({50, 0, 1000, 60});
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto src = mbt::pattern(1000, 99);
    const auto before = nke::test::counters();
    ASSERT_EQ(m_copyback(m, 40, 1000, src.data()), 0);
    EXPECT_EQ(mbt::shape(m), old) << "no mbuf added, removed or resized";
    auto want = mbt::pattern(1110);
    std::copy(src.begin(), src.end(), want.begin() + 40);
    EXPECT_EQ(mbt::bytes(m), want);
    mbt::expect_unchanged(before, "an in-range m_copyback");
    m_freem(m);
}

NKE_TEST(MbufCopyback, ExtendsTheChainAndThePacketLength, "MBUF-COPYBACK-002") {
    struct mbuf *m = mbt::make_chain({100, 100});
    ASSERT_NE(m, nullptr);
    const auto src = mbt::pattern(3000, 5);
    ASSERT_EQ(m_copyback(m, 150, 3000, src.data()), 0);
    EXPECT_EQ(mbt::chain_len(m), 3150);
    EXPECT_EQ(m->m_pkthdr.len, 3150);
    auto want = mbt::pattern(150);
    want.insert(want.end(), src.begin(), src.end());
    EXPECT_EQ(mbt::bytes(m), want);
    EXPECT_EQ(m->m_next->m_len, MLEN) << "the last mbuf's trailing space is used first";
    for (struct mbuf *n = m->m_next->m_next; n != nullptr; n = n->m_next)
        EXPECT_EQ(n->m_type, MT_DATA);
    m_freem(m);
}

NKE_TEST(MbufCopyback, NewMbufsTakeTheLastMbufsType, "MBUF-COPYBACK-002") {
    struct mbuf *m = m_get(M_DONTWAIT, MT_CONTROL);
    ASSERT_NE(m, nullptr);
    const auto src = mbt::pattern(500);
    ASSERT_EQ(m_copyback(m, 0, 500, src.data()), 0);
    EXPECT_EQ(mbt::bytes(m), src);
    for (struct mbuf *n = m; n != nullptr; n = n->m_next) EXPECT_EQ(n->m_type, MT_CONTROL);
    m_freem(m);
}

NKE_TEST(MbufCopyback, GapBeforeTheOffsetReadsAsZero, "MBUF-COPYBACK-003") {
    struct mbuf *m = mbt::make_chain({10});
    ASSERT_NE(m, nullptr);
    // Dirty the bytes the gap will reuse in the first mbuf.
    std::memset(m->m_data + 10, 0xab, static_cast<size_t>(m_trailingspace(m)));
    const auto src = mbt::pattern(20, 3);
    ASSERT_EQ(m_copyback(m, 600, 20, src.data()), 0);
    const auto got = mbt::bytes(m);
    ASSERT_EQ(got.size(), 620u);
    for (size_t i = 10; i < 600; ++i) ASSERT_EQ(got[i], 0) << "gap byte " << i;
    EXPECT_TRUE(std::equal(src.begin(), src.end(), got.begin() + 600));
    EXPECT_EQ(m->m_pkthdr.len, 620);
    m_freem(m);
}

NKE_TEST(MbufCopyback, AllocationFailureChangesNothing, "MBUF-COPYBACK-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    struct mbuf *m = mbt::make_chain({100, 100});
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    const auto src = mbt::pattern(3000, 5);
    {
        nke::test::FailAlloc fail(2, false);  // the second mbuf or cluster it needs
        EXPECT_EQ(m_copyback(m, 50, 3000, src.data()), ENOBUFS);
    }
    EXPECT_EQ(mbt::shape(m), old);
    EXPECT_EQ(mbt::bytes(m), mbt::pattern(200)) << "bytes were written before the failure";
    mbt::expect_unchanged(before, "a failed m_copyback");
    m_freem(m);
}

NKE_TEST(MbufCopyback, BadArgumentsAreEinval, "MBUF-COPYBACK-005") {
    struct mbuf *m = mbt::make_chain({100});
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    const char buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_EQ(m_copyback(nullptr, 0, 8, buf), EINVAL);
    EXPECT_EQ(m_copyback(m, -1, 8, buf), EINVAL);
    EXPECT_EQ(m_copyback(m, 0, -8, buf), EINVAL);
    EXPECT_EQ(m_copyback(m, 0, 8, nullptr), EINVAL);
    EXPECT_EQ(m_copyback(m, 500, 8, nullptr), EINVAL);
    EXPECT_EQ(mbt::shape(m), old);
    EXPECT_EQ(mbt::bytes(m), mbt::pattern(100));
    mbt::expect_unchanged(before, "m_copyback with bad arguments");
    m_freem(m);
}

NKE_TEST(MbufCopyback, WritesThroughASharedCluster, "MBUF-COPYBACK-006") {
    struct mbuf *m = mbt::make_chain({1000});
    struct mbuf *c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
    ASSERT_TRUE(m && c);
    const char x[4] = {'a', 'b', 'c', 'd'};
    ASSERT_EQ(m_copyback(m, 10, 4, x), 0);
    EXPECT_EQ(std::memcmp(c->m_data + 10, x, 4), 0) << "the copy sharing the cluster sees the write";
    m_freem(c);
    m_freem(m);
}
