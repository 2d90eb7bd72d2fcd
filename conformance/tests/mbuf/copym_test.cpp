// spec/mbuf.md — m_copym (MBUF-COPYM-*).
#include <climits>
#include <cstring>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufCopym, CopiesTheRangeAndLeavesTheOriginal, "MBUF-COPYM-001") {
    struct mbuf *m = mbt::make_chain({100, 0, 200, 150}, true);
    ASSERT_NE(m, nullptr);
    m->m_next->m_next->m_type = MT_OOBDATA;
    const auto old = mbt::shape(m);
    const auto all = mbt::pattern(450);
    for (auto [off, len] : {std::pair{0, 450}, {50, 100}, {100, 200}, {299, 2}, {449, 1}}) {
        struct mbuf *c = m_copym(m, off, len, M_DONTWAIT);
        ASSERT_NE(c, nullptr) << off << "+" << len;
        EXPECT_EQ(mbt::bytes(c), std::vector<uint8_t>(all.begin() + off, all.begin() + off + len));
        m_freem(c);
    }
    struct mbuf *c = m_copym(m, 100, 200, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->m_type, MT_OOBDATA) << "each copy mbuf has its source mbuf's type";
    m_freem(c);
    EXPECT_EQ(mbt::shape(m), old);
    EXPECT_EQ(mbt::bytes(m), all);
    m_freem(m);
}

NKE_TEST(MbufCopym, CopyAllCopiesToTheEnd, "MBUF-COPYM-002") {
    struct mbuf *m = mbt::make_chain({100, 1000, 50});
    ASSERT_NE(m, nullptr);
    const auto all = mbt::pattern(1150);
    struct mbuf *c = m_copym(m, 77, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(mbt::bytes(c), std::vector<uint8_t>(all.begin() + 77, all.end()));
    m_freem(c);
    m_freem(m);
}

NKE_TEST(MbufCopym, BadRangesAreNullWithNothingAllocated, "MBUF-COPYM-003") {
    struct mbuf *m = mbt::make_chain({100, 50});
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    EXPECT_EQ(m_copym(nullptr, 0, 10, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, -1, 10, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, 0, -1, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, 151, 0, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, 151, M_COPYALL, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, 0, 151, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, 140, 11, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, 10, INT_MAX, M_DONTWAIT), nullptr);
    EXPECT_EQ(mbt::shape(m), old);
    mbt::expect_unchanged(before, "m_copym with bad ranges");
    m_freem(m);
}

NKE_TEST(MbufCopym, ClustersAreSharedNotCopied, "MBUF-COPYM-004") {
    struct mbuf *m = mbt::make_chain({100, 1500});
    ASSERT_NE(m, nullptr);
    struct mbuf *cl = m->m_next;
    const auto before = nke::test::counters();
    struct mbuf *c = m_copym(m, 150, 1000, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    mbt::expect_delta(before, 1, 0, "a copy of cluster data");
    ASSERT_TRUE(c->m_flags & M_EXT);
    EXPECT_EQ(c->m_ext.ext_buf, cl->m_ext.ext_buf);
    EXPECT_EQ(c->m_data, cl->m_data + 50);
    EXPECT_EQ(m_mclhasreference(c), 1);
    EXPECT_EQ(m_mclhasreference(cl), 1);
    EXPECT_EQ(m_leadingspace(c), 0);
    EXPECT_EQ(m_trailingspace(c), 0);
    EXPECT_EQ(m_leadingspace(cl), 0);
    EXPECT_EQ(m_trailingspace(cl), 0);
    m_freem(c);
    m_freem(m);
}

NKE_TEST(MbufCopym, HeaderCopiedFromOffsetZero, "MBUF-COPYM-005") {
    struct mbuf *m = mbt::make_chain({100, 100});
    ASSERT_NE(m, nullptr);
    m->m_flags |= M_BCAST | M_EOR | M_FIRSTFRAG | M_PROTO5;
    m->m_pkthdr.rcvif = reinterpret_cast<struct ifnet *>(uintptr_t{0x1000});
    m->m_pkthdr.csum_data = 77;
    m->m_pkthdr.vlan_tag = 5;
    struct mbuf *c = m_copym(m, 0, 150, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->m_flags & ~M_EXT, M_PKTHDR | M_BCAST | M_EOR | M_FIRSTFRAG | M_PROTO5);
    EXPECT_EQ(c->m_pkthdr.len, 150);
    EXPECT_EQ(c->m_pkthdr.rcvif, m->m_pkthdr.rcvif);
    EXPECT_EQ(c->m_pkthdr.csum_data, 77);
    EXPECT_EQ(c->m_pkthdr.vlan_tag, 5);
    for (struct mbuf *n = c->m_next; n; n = n->m_next) EXPECT_FALSE(n->m_flags & M_PKTHDR);
    m_freem(c);
    m_freem(m);
}

NKE_TEST(MbufCopym, NoHeaderFromANonZeroOffset, "MBUF-COPYM-005") {
    struct mbuf *m = mbt::make_chain({100, 100});
    struct mbuf *c = m_copym(m, 1, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    for (struct mbuf *n = c; n; n = n->m_next) EXPECT_FALSE(n->m_flags & M_PKTHDR);
    m_freem(c);
    m_freem(m);
}

NKE_TEST(MbufCopym, AuxStaysWithTheOriginal, "MBUF-COPYM-006") {
    struct mbuf *m = mbt::make_chain({100});
    struct mbuf *aux = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_TRUE(m && aux);
    m->m_pkthdr.aux = aux;
    struct mbuf *c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->m_pkthdr.aux, nullptr);
    EXPECT_EQ(m->m_pkthdr.aux, aux);
    const auto before = nke::test::counters();
    m_freem(c);
    mbt::expect_delta(before, -1, 0, "freeing the copy leaves the aux chain alone");
    m_freem(m);
}

NKE_TEST(MbufCopym, AllocationFailureFreesThePartialCopy, "MBUF-COPYM-007") {
    NKE_REQUIRE_HOOK(fail_alloc);
    struct mbuf *m = mbt::make_chain({100, 1500, 100, 1500});
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    for (uint64_t n = 2; n <= 4; ++n) {
        struct mbuf *c;
        {
            nke::test::FailAlloc fail(n, false);
            c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
        }
        EXPECT_EQ(c, nullptr) << "failing attempt " << n;
        m_freem(c);
        mbt::expect_unchanged(before, "a failed m_copym");
        EXPECT_EQ(m_mclhasreference(m->m_next), 0) << "a cluster reference was left behind";
    }
    EXPECT_EQ(mbt::shape(m), old);
    EXPECT_EQ(mbt::bytes(m), mbt::pattern(3200));
    m_freem(m);
}

NKE_TEST(MbufCopym, ZeroBytesIsNull, "MBUF-COPYM-008") {
    struct mbuf *m = mbt::make_chain({100});
    const auto before = nke::test::counters();
    EXPECT_EQ(m_copym(m, 0, 0, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, 50, 0, M_DONTWAIT), nullptr);
    EXPECT_EQ(m_copym(m, 100, M_COPYALL, M_DONTWAIT), nullptr);
    mbt::expect_unchanged(before, "zero-byte copies");
    m_freem(m);
}
