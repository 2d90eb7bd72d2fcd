// spec/mbuf.md — freeing (MBUF-FREE-*).
#include <cstdlib>
#include <cstring>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufFree, FreeReturnsTheNextMbuf, "MBUF-FREE-001") {
    struct mbuf *m = mbt::make_chain({10, 20, 30});
    ASSERT_NE(m, nullptr);
    struct mbuf *second = m->m_next;
    const auto before = nke::test::counters();
    struct mbuf *rest = m_free(m);
    EXPECT_EQ(rest, second);
    mbt::expect_delta(before, -1, 0, "m_free");
    EXPECT_EQ(m_free(second->m_next), nullptr) << "the last mbuf has no successor";
    m_free(second);
}

NKE_TEST(MbufFree, FreeDoesNotFollowNextpkt, "MBUF-FREE-001") {
    struct mbuf *a = m_gethdr(M_DONTWAIT, MT_DATA);
    struct mbuf *b = m_gethdr(M_DONTWAIT, MT_DATA);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    a->m_nextpkt = b;
    const auto before = nke::test::counters();
    EXPECT_EQ(m_free(a), nullptr);
    mbt::expect_delta(before, -1, 0, "m_free of a queued packet");
    EXPECT_EQ(b->m_len, 0);
    m_free(b);
}

NKE_TEST(MbufFree, FreeOfAHeaderFreesItsAuxChain, "MBUF-FREE-002") {
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    m->m_pkthdr.aux = mbt::make_chain({5, 5}, false);
    const auto before = nke::test::counters();
    m_free(m);
    mbt::expect_delta(before, -3, 0, "m_free of a header with a 2-mbuf aux chain");
}

NKE_TEST(MbufFree, ClusterIsFreedWithItsLastReference, "MBUF-FREE-003") {
    struct mbuf *m = mbt::make_chain({1000});
    ASSERT_NE(m, nullptr);
    struct mbuf *c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    const auto before = nke::test::counters();
    m_freem(m);
    mbt::expect_delta(before, -1, 0, "freeing one of two references");
    EXPECT_EQ(mbt::bytes(c), mbt::pattern(1000)) << "the surviving reference reads the same bytes";
    m_freem(c);
    mbt::expect_delta(before, -2, -1, "freeing the last reference");
}

NKE_TEST(MbufFree, DoubleFreeIsRefusedAndCounted, "MBUF-FREE-004", "MBUF-COUNT-003") {
    struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    m_free(m);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_free(m), nullptr);
    const auto after = nke::test::counters();
    EXPECT_EQ(after.mbuf_double_frees, before.mbuf_double_frees + 1);
    mbt::expect_unchanged(before, "a double free");
    // The stack still works and does not hand the mbuf out twice.
    struct mbuf *x = m_get(M_DONTWAIT, MT_DATA);
    struct mbuf *y = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(x, nullptr);
    ASSERT_NE(y, nullptr);
    EXPECT_NE(x, y);
    m_free(x);
    m_free(y);
}

NKE_TEST(MbufFree, DoubleFreeOfAClusterMbufDoesNotDropTheClusterTwice, "MBUF-FREE-004") {
    struct mbuf *m = mbt::make_chain({1000});
    struct mbuf *c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    m_free(m);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_free(m), nullptr);
    mbt::expect_unchanged(before, "a double free of a cluster mbuf");
    EXPECT_EQ(mbt::bytes(c), mbt::pattern(1000));
    m_freem(c);
}

NKE_TEST(MbufFree, ForeignPointerIsRefusedAndCounted, "MBUF-FREE-005", "MBUF-COUNT-003") {
    // An MSIZE-aligned block that looks like an mbuf but was never one.
    void *raw = std::aligned_alloc(MSIZE, MSIZE);
    ASSERT_NE(raw, nullptr);
    std::memset(raw, 0, MSIZE);
    auto *fake = static_cast<struct mbuf *>(raw);
    fake->m_type = MT_DATA;
    fake->m_data = fake->m_dat;
    const auto before = nke::test::counters();
    EXPECT_EQ(m_free(fake), nullptr);
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, before.mbuf_double_frees + 1);
    mbt::expect_unchanged(before, "freeing a foreign pointer");
    EXPECT_EQ(fake->m_type, MT_DATA) << "the foreign memory was written";
    std::free(raw);
}

NKE_TEST(MbufFree, PointerInsideALiveMbufIsRefused, "MBUF-FREE-005") {
    struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_free(reinterpret_cast<struct mbuf *>(m->m_dat)), nullptr);
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, before.mbuf_double_frees + 1);
    mbt::expect_unchanged(before, "freeing an interior pointer");
    EXPECT_EQ(m->m_type, MT_DATA);
    m_free(m);
}

NKE_TEST(MbufFree, NullIsANoOp, "MBUF-FREE-006") {
    const auto before = nke::test::counters();
    EXPECT_EQ(m_free(nullptr), nullptr);
    m_freem(nullptr);
    const auto after = nke::test::counters();
    EXPECT_EQ(after.mbuf_double_frees, before.mbuf_double_frees);
    mbt::expect_unchanged(before, "freeing NULL");
}

NKE_TEST(MbufFree, FreemFreesTheChainButNotTheQueue, "MBUF-FREE-007") {
    struct mbuf *a = mbt::make_chain({10, 20, 30});
    struct mbuf *b = mbt::make_chain({40, 50});
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    a->m_nextpkt = b;
    const auto before = nke::test::counters();
    m_freem(a);
    mbt::expect_delta(before, -3, 0, "m_freem of a 3-mbuf chain");
    EXPECT_EQ(mbt::bytes(b), mbt::pattern(90)) << "the next packet is untouched";
    m_freem(b);
}

NKE_TEST(MbufFree, FreemStopsAtAFreeMbuf, "MBUF-FREE-008", "MBUF-COUNT-003") {
    struct mbuf *a = m_get(M_DONTWAIT, MT_DATA);
    struct mbuf *b = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    m_free(b);
    a->m_next = b;  // a chain whose second mbuf is already free
    const auto before = nke::test::counters();
    m_freem(a);
    const auto after = nke::test::counters();
    EXPECT_EQ(after.mbuf_double_frees, before.mbuf_double_frees + 1);
    mbt::expect_delta(before, -1, 0, "m_freem up to the free mbuf");
}

NKE_TEST(MbufFree, FreemListFreesEveryPacketAndCountsThem, "MBUF-FREE-009") {
    struct mbuf *a = mbt::make_chain({10, 20});
    struct mbuf *b = mbt::make_chain({1000});
    struct mbuf *c = mbt::make_chain({30, 40, 50});
    ASSERT_TRUE(a && b && c);
    a->m_nextpkt = b;
    b->m_nextpkt = c;
    const auto before = nke::test::counters();
    EXPECT_EQ(m_freem_list(a), 3);
    mbt::expect_delta(before, -6, -1, "m_freem_list of 3 packets");
    EXPECT_EQ(m_freem_list(nullptr), 0);
}

NKE_TEST(MbufFree, FreemListStopsAtAFreePacket, "MBUF-FREE-010", "MBUF-COUNT-003") {
    struct mbuf *a = mbt::make_chain({10, 20});
    struct mbuf *b = m_gethdr(M_DONTWAIT, MT_DATA);
    ASSERT_TRUE(a && b);
    m_free(b);
    a->m_nextpkt = b;
    const auto before = nke::test::counters();
    EXPECT_EQ(m_freem_list(a), 1);
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, before.mbuf_double_frees + 1);
    mbt::expect_delta(before, -2, 0, "m_freem_list up to the free packet");
}
