// spec/mbuf.md — clusters and space (MBUF-CLUSTER-*, MBUF-SPACE-*).
#include <cstring>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufCluster, MclgetAttachesAFreshCluster, "MBUF-CLUSTER-001", "MBUF-COUNT-002") {
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    m->m_flags |= M_EOR;
    m->m_pkthdr.csum_flags = 7;
    const auto before = nke::test::counters();
    EXPECT_EQ(m_mclget(m, M_DONTWAIT), m);
    mbt::expect_delta(before, 0, 1, "m_mclget");
    EXPECT_EQ(m->m_flags, M_PKTHDR | M_EOR | M_EXT);
    EXPECT_EQ(m->m_data, m->m_ext.ext_buf);
    EXPECT_EQ(m->m_ext.ext_size, static_cast<uint32_t>(MCLBYTES));
    EXPECT_EQ(m->m_ext.ext_free, nullptr);
    EXPECT_EQ(m->m_pkthdr.csum_flags, 7);
    EXPECT_EQ(m_trailingspace(m), MCLBYTES);
    std::memset(m->m_data, 0x11, MCLBYTES);
    m_freem(m);
    mbt::expect_delta(before, -1, 0, "freeing the cluster mbuf");
}

NKE_TEST(MbufCluster, MclgetFailureReturnsTheMbufUnchanged, "MBUF-CLUSTER-002") {
    NKE_REQUIRE_HOOK(fail_alloc);
    struct mbuf *m = mbt::make_chain({50});
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto before = nke::test::counters();
    struct mbuf *r;
    {
        nke::test::FailAlloc fail(1, false);
        r = m_mclget(m, M_WAIT);
    }
    EXPECT_EQ(r, m);
    EXPECT_FALSE(m->m_flags & M_EXT);
    EXPECT_EQ(mbt::shape(m), old);
    EXPECT_EQ(mbt::bytes(m), mbt::pattern(50));
    mbt::expect_unchanged(before, "a failed m_mclget");
    m_freem(m);
}

NKE_TEST(MbufCluster, MclgetKeepsTheData, "MBUF-CLUSTER-003") {
    struct mbuf *m = mbt::make_chain({100}, false);
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(m_mclget(m, M_DONTWAIT), m);
    ASSERT_TRUE(m->m_flags & M_EXT);
    EXPECT_EQ(m->m_len, 100);
    EXPECT_EQ(mbt::bytes(m), mbt::pattern(100));
    m_freem(m);
}

NKE_TEST(MbufCluster, MclgetOnAClusterMbufIsANoOp, "MBUF-CLUSTER-004") {
    struct mbuf *m = m_getpacket();
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    char *buf = m->m_ext.ext_buf;
    const auto before = nke::test::counters();
    EXPECT_EQ(m_mclget(m, M_DONTWAIT), m);
    EXPECT_EQ(m->m_ext.ext_buf, buf);
    EXPECT_EQ(mbt::shape(m), old);
    mbt::expect_unchanged(before, "m_mclget on a cluster mbuf");
    m_freem(m);
}

NKE_TEST(MbufCluster, MclgetOfNullIsNull, "MBUF-CLUSTER-004") {
    const auto before = nke::test::counters();
    EXPECT_EQ(m_mclget(nullptr, M_DONTWAIT), nullptr);
    mbt::expect_unchanged(before, "m_mclget(NULL)");
}

NKE_TEST(MbufCluster, HasReferenceOnlyWhenShared, "MBUF-CLUSTER-005") {
    EXPECT_EQ(m_mclhasreference(nullptr), 0);
    struct mbuf *plain = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(plain, nullptr);
    EXPECT_EQ(m_mclhasreference(plain), 0);
    struct mbuf *m = mbt::make_chain({1500});
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m_mclhasreference(m), 0);
    struct mbuf *c1 = m_copym(m, 0, 100, M_DONTWAIT);
    struct mbuf *c2 = m_copym(m, 100, 100, M_DONTWAIT);
    ASSERT_TRUE(c1 && c2);
    EXPECT_EQ(m_mclhasreference(m), 1);
    EXPECT_EQ(m_mclhasreference(c1), 1);
    m_freem(c1);
    EXPECT_EQ(m_mclhasreference(m), 1) << "still shared with c2";
    m_freem(c2);
    EXPECT_EQ(m_mclhasreference(m), 0);
    m_freem(m);
    m_free(plain);
}

NKE_TEST(MbufCluster, SharedClusterCountsOnce, "MBUF-CLUSTER-006", "MBUF-COUNT-002") {
    const auto before = nke::test::counters();
    struct mbuf *m = m_getpacket();
    ASSERT_NE(m, nullptr);
    m->m_len = 1000;
    m->m_pkthdr.len = 1000;
    std::vector<struct mbuf *> copies;
    for (int i = 0; i < 4; ++i) {
        copies.push_back(m_copym(m, 0, M_COPYALL, M_DONTWAIT));
        ASSERT_NE(copies.back(), nullptr);
    }
    mbt::expect_delta(before, 5, 1, "one cluster shared by five mbufs");
    for (auto *c : copies) m_freem(c);
    m_freem(m);
}

NKE_TEST(MbufSpace, LeadingSpaceOfEachBufferKind, "MBUF-SPACE-001") {
    EXPECT_EQ(m_leadingspace(nullptr), 0);
    struct mbuf *a = m_get(M_DONTWAIT, MT_DATA);
    struct mbuf *h = m_gethdr(M_DONTWAIT, MT_DATA);
    struct mbuf *c = m_getpacket();
    ASSERT_TRUE(a && h && c);
    EXPECT_EQ(m_leadingspace(a), 0);
    EXPECT_EQ(m_leadingspace(h), 0);
    EXPECT_EQ(m_leadingspace(c), 0);
    a->m_data += 40;
    h->m_data += 16;
    c->m_data += 300;
    EXPECT_EQ(m_leadingspace(a), 40);
    EXPECT_EQ(m_leadingspace(h), 16);
    EXPECT_EQ(m_leadingspace(c), 300);
    m_free(a);
    m_free(h);
    m_free(c);
}

NKE_TEST(MbufSpace, SharedClusterHasNoLeadingSpace, "MBUF-SPACE-001") {
    struct mbuf *c = m_getpacket();
    ASSERT_NE(c, nullptr);
    c->m_data += 300;
    c->m_len = 10;
    c->m_pkthdr.len = 10;
    struct mbuf *d = m_copym(c, 0, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(m_leadingspace(c), 0);
    EXPECT_EQ(m_leadingspace(d), 0);
    m_freem(d);
    EXPECT_EQ(m_leadingspace(c), 300);
    m_freem(c);
}

NKE_TEST(MbufSpace, TrailingSpaceOfEachBufferKind, "MBUF-SPACE-002") {
    EXPECT_EQ(m_trailingspace(nullptr), 0);
    struct mbuf *a = m_get(M_DONTWAIT, MT_DATA);
    struct mbuf *h = m_gethdr(M_DONTWAIT, MT_DATA);
    struct mbuf *c = m_getpacket();
    ASSERT_TRUE(a && h && c);
    EXPECT_EQ(m_trailingspace(a), MLEN);
    EXPECT_EQ(m_trailingspace(h), MHLEN);
    EXPECT_EQ(m_trailingspace(c), MCLBYTES);
    a->m_len = 24;
    h->m_data += 8;
    h->m_len = 10;
    c->m_data += 48;
    c->m_len = 1000;
    EXPECT_EQ(m_trailingspace(a), MLEN - 24);
    EXPECT_EQ(m_trailingspace(h), MHLEN - 18);
    EXPECT_EQ(m_trailingspace(c), MCLBYTES - 1048);
    m_free(a);
    m_free(h);
    m_free(c);
}

NKE_TEST(MbufSpace, SharedClusterHasNoTrailingSpace, "MBUF-SPACE-002") {
    struct mbuf *c = m_getpacket();
    ASSERT_NE(c, nullptr);
    c->m_len = 10;
    c->m_pkthdr.len = 10;
    struct mbuf *d = m_copym(c, 0, M_COPYALL, M_DONTWAIT);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(m_trailingspace(c), 0);
    EXPECT_EQ(m_trailingspace(d), 0);
    m_freem(d);
    EXPECT_EQ(m_trailingspace(c), MCLBYTES - 10);
    m_freem(c);
}

NKE_TEST(MbufSpace, LengthSumsTheChainIgnoringThePktHeader, "MBUF-SPACE-003") {
    EXPECT_EQ(m_length(nullptr), 0);
    struct mbuf *m = mbt::make_chain({10, 0, 1500, 7});
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m_length(m), 1517);
    m->m_pkthdr.len = 3;  // deliberately wrong: m_length does not consult it
    EXPECT_EQ(m_length(m), 1517);
    EXPECT_EQ(m_length(m->m_next->m_next), 1507);
    m_freem(m);
}
