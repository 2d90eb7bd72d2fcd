// spec/mbuf.md — m_prepend, m_prepend_2, M_PREPEND (MBUF-PREPEND-*).
#include "mbuf_helpers.hpp"

NKE_TEST(MbufPrepend, PrependPutsANewMbufInFront, "MBUF-PREPEND-001") {
    for (bool hdr : {true, false}) {
        struct mbuf *m = mbt::make_chain({100}, hdr);
        ASSERT_NE(m, nullptr);
        m->m_type = MT_HEADER;
        const auto before = nke::test::counters();
        struct mbuf *n = m_prepend(m, 14, M_DONTWAIT);
        ASSERT_NE(n, nullptr);
        mbt::expect_delta(before, 1, 0, "m_prepend");
        EXPECT_EQ(n->m_next, m);
        EXPECT_EQ(n->m_len, 14);
        EXPECT_EQ(n->m_type, MT_HEADER);
        EXPECT_EQ(!!(n->m_flags & M_PKTHDR), hdr);
        // The data sits at the end of the buffer, long-aligned.
        EXPECT_EQ(reinterpret_cast<uintptr_t>(n->m_data) % sizeof(long), 0u);
        EXPECT_LT(n->m_dat + MLEN - (n->m_data + 14), static_cast<ptrdiff_t>(sizeof(long)));
        EXPECT_GE(n->m_dat + MLEN - (n->m_data + 14), 0);
        m_freem(n);
    }
}

NKE_TEST(MbufPrepend, BothFunctionsKeepThePacketLength, "MBUF-PREPEND-002") {
    struct mbuf *m = mbt::make_chain({MHLEN});  // no leading space
    ASSERT_NE(m, nullptr);
    m = m_prepend(m, 20, M_DONTWAIT);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->m_pkthdr.len, MHLEN + 20);
    m = m_prepend_2(m, 6, M_DONTWAIT);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->m_pkthdr.len, MHLEN + 26);
    EXPECT_EQ(mbt::chain_len(m), MHLEN + 26);
    m_freem(m);
}

NKE_TEST(MbufPrepend, Prepend2UsesLeadingSpace, "MBUF-PREPEND-003") {
    struct mbuf *m = mbt::make_chain({50});
    ASSERT_NE(m, nullptr);
    m->m_data += 40;  // make 40 bytes of leading space (the content moves, that is fine)
    char *data = m->m_data;
    const auto before = nke::test::counters();
    EXPECT_EQ(m_prepend_2(m, 40, M_DONTWAIT), m);
    mbt::expect_unchanged(before, "m_prepend_2 into leading space");
    EXPECT_EQ(m->m_data, data - 40);
    EXPECT_EQ(m->m_len, 90);
    EXPECT_EQ(m->m_pkthdr.len, 90);
    m_freem(m);
}

NKE_TEST(MbufPrepend, Prepend2WithoutRoomBehavesAsPrepend, "MBUF-PREPEND-003") {
    struct mbuf *m = mbt::make_chain({50});
    ASSERT_NE(m, nullptr);
    m->m_data += 8;
    struct mbuf *n = m_prepend_2(m, 9, M_DONTWAIT);
    ASSERT_NE(n, nullptr);
    EXPECT_NE(n, m);
    EXPECT_EQ(n->m_next, m);
    EXPECT_EQ(n->m_len, 9);
    EXPECT_TRUE(n->m_flags & M_PKTHDR);
    EXPECT_EQ(n->m_pkthdr.len, 59);
    m_freem(n);
}

NKE_TEST(MbufPrepend, AllocationFailureFreesTheChain, "MBUF-PREPEND-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    for (int which = 0; which < 2; ++which) {
        struct mbuf *m = mbt::make_chain({MHLEN, 1000});
        ASSERT_NE(m, nullptr);
        const auto before = nke::test::counters();
        struct mbuf *r;
        {
            nke::test::FailAlloc fail(1, false);
            r = which == 0 ? m_prepend(m, 10, M_DONTWAIT) : m_prepend_2(m, 10, M_DONTWAIT);
        }
        EXPECT_EQ(r, nullptr);
        mbt::expect_delta(before, -2, -1, which == 0 ? "failed m_prepend" : "failed m_prepend_2");
    }
}

NKE_TEST(MbufPrepend, ImpossibleLengthFreesTheChain, "MBUF-PREPEND-004") {
    for (auto [hdr, len] : {std::pair{true, MHLEN + 1}, {false, MLEN + 1}, {true, -1}}) {
        struct mbuf *m = mbt::make_chain({10}, hdr);
        ASSERT_NE(m, nullptr);
        const auto before = nke::test::counters();
        EXPECT_EQ(m_prepend(m, len, M_DONTWAIT), nullptr) << "len " << len;
        mbt::expect_delta(before, -1, 0, "m_prepend of an impossible length");
    }
    struct mbuf *m = mbt::make_chain({10});
    const auto before = nke::test::counters();
    EXPECT_EQ(m_prepend_2(m, MHLEN + 1, M_DONTWAIT), nullptr);
    mbt::expect_delta(before, -1, 0, "m_prepend_2 of an impossible length");
}

NKE_TEST(MbufPrepend, NullIsNull, "MBUF-PREPEND-005") {
    const auto before = nke::test::counters();
    EXPECT_EQ(m_prepend(nullptr, 10, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_prepend_2(nullptr, 10, M_DONTWAIT), nullptr);
    mbt::expect_unchanged(before, "prepending to NULL");
}
