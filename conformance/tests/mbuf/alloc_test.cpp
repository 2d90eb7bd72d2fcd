// spec/mbuf.md — allocation (MBUF-ALLOC-*).
#include <cstring>
#include <set>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufAlloc, GetReturnsAnEmptyPlainMbuf, "MBUF-ALLOC-001") {
    for (int type : {MT_DATA, MT_HEADER, MT_CONTROL, MT_MAX - 1}) {
        struct mbuf *m = m_get(M_WAIT, type);
        ASSERT_NE(m, nullptr) << "type " << type;
        EXPECT_EQ(m->m_next, nullptr);
        EXPECT_EQ(m->m_nextpkt, nullptr);
        EXPECT_EQ(m->m_len, 0);
        EXPECT_EQ(m->m_data, m->m_dat);
        EXPECT_EQ(m->m_type, type);
        EXPECT_EQ(m->m_flags, 0);
        std::memset(m->m_dat, 0x5a, MLEN);  // all MLEN bytes are writable
        m_free(m);
    }
}

NKE_TEST(MbufAlloc, GetAfterFreeStillStartsEmpty, "MBUF-ALLOC-001") {
    // A recycled mbuf must not keep the previous user's length or flags.
    struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    m->m_len = 99;
    m->m_flags = M_EOR | M_PROTO3;
    m_free(m);
    for (int i = 0; i < 8; ++i) {
        struct mbuf *n = m_get(M_DONTWAIT, MT_DATA);
        ASSERT_NE(n, nullptr);
        EXPECT_EQ(n->m_len, 0);
        EXPECT_EQ(n->m_flags, 0);
        m_free(n);
    }
}

NKE_TEST(MbufAlloc, GethdrZeroesTheWholePacketHeader, "MBUF-ALLOC-002") {
    // Dirty a pkthdr mbuf, free it, and check the next ones start clean
    // (xnu-344 left pkthdr.len uninitialised).
    struct mbuf *d = m_gethdr(M_DONTWAIT, MT_DATA);
    ASSERT_NE(d, nullptr);
    std::memset(&d->m_pkthdr, 0xff, sizeof d->m_pkthdr);
    d->m_pkthdr.aux = nullptr;
    m_free(d);
    for (int i = 0; i < 8; ++i) {
        struct mbuf *m = m_gethdr(M_WAIT, MT_HEADER);
        ASSERT_NE(m, nullptr);
        EXPECT_EQ(m->m_flags, M_PKTHDR);
        EXPECT_EQ(m->m_data, m->m_pktdat);
        EXPECT_EQ(m->m_len, 0);
        EXPECT_EQ(m->m_type, MT_HEADER);
        EXPECT_EQ(m->m_next, nullptr);
        EXPECT_EQ(m->m_nextpkt, nullptr);
        static const struct pkthdr zero {};
        EXPECT_EQ(std::memcmp(&m->m_pkthdr, &zero, sizeof zero), 0);
        m_free(m);
    }
}

NKE_TEST(MbufAlloc, BothModesSucceedWithoutBlocking, "MBUF-ALLOC-003") {
    struct mbuf *a = m_get(M_WAIT, MT_DATA);
    struct mbuf *b = m_get(M_DONTWAIT, MT_DATA);
    struct mbuf *c = m_gethdr(M_WAITOK, MT_DATA);
    struct mbuf *d = m_gethdr(M_NOWAIT, MT_DATA);
    EXPECT_NE(a, nullptr);
    EXPECT_NE(b, nullptr);
    EXPECT_NE(c, nullptr);
    EXPECT_NE(d, nullptr);
    m_freem(a);
    m_freem(b);
    m_freem(c);
    m_freem(d);
}

NKE_TEST(MbufAlloc, MWaitMayFailUnderInjection, "MBUF-ALLOC-003") {
    NKE_REQUIRE_HOOK(fail_alloc);
    const auto before = nke::test::counters();
    {
        nke::test::FailAlloc fail(1, false);
        EXPECT_EQ(m_get(M_WAIT, MT_DATA), nullptr) << "M_WAIT must not block or retry for ever";
    }
    {
        nke::test::FailAlloc fail(1, false);
        EXPECT_EQ(m_gethdr(M_WAIT, MT_DATA), nullptr);
    }
    mbt::expect_unchanged(before, "a failed M_WAIT allocation");
}

NKE_TEST(MbufAlloc, InvalidTypesAreRefused, "MBUF-ALLOC-004") {
    const auto before = nke::test::counters();
    for (int type : {MT_FREE, -1, MT_MAX, MT_MAX + 1, 1000}) {
        EXPECT_EQ(m_get(M_DONTWAIT, type), nullptr) << "type " << type;
        EXPECT_EQ(m_gethdr(M_DONTWAIT, type), nullptr) << "type " << type;
        EXPECT_EQ(m_getclr(M_DONTWAIT, type), nullptr) << "type " << type;
    }
    mbt::expect_unchanged(before, "allocations of invalid types");
}

NKE_TEST(MbufAlloc, GetclrZeroesTheData, "MBUF-ALLOC-006") {
    struct mbuf *d = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(d, nullptr);
    std::memset(d->m_dat, 0xee, MLEN);
    m_free(d);
    for (int i = 0; i < 4; ++i) {
        struct mbuf *m = m_getclr(M_DONTWAIT, MT_DATA);
        ASSERT_NE(m, nullptr);
        EXPECT_EQ(m->m_data, m->m_dat);
        EXPECT_EQ(m->m_len, 0);
        EXPECT_EQ(m->m_flags, 0);
        EXPECT_EQ(m->m_type, MT_DATA);
        for (int j = 0; j < MLEN; ++j) ASSERT_EQ(m->m_dat[j], 0) << "byte " << j;
        m_free(m);
    }
}

NKE_TEST(MbufAlloc, GetpacketIsAHeaderWithACluster, "MBUF-ALLOC-007") {
    const auto before = nke::test::counters();
    struct mbuf *m = m_getpacket();
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->m_flags, M_PKTHDR | M_EXT);
    EXPECT_EQ(m->m_type, MT_DATA);
    EXPECT_EQ(m->m_data, m->m_ext.ext_buf);
    EXPECT_EQ(m->m_len, 0);
    EXPECT_EQ(m->m_pkthdr.len, 0);
    EXPECT_EQ(m->m_pkthdr.rcvif, nullptr);
    EXPECT_EQ(m->m_pkthdr.aux, nullptr);
    EXPECT_EQ(m->m_pkthdr.csum_flags, 0);
    EXPECT_EQ(m_trailingspace(m), MCLBYTES);
    mbt::expect_delta(before, 1, 1, "m_getpacket");
    m_freem(m);
}

NKE_TEST(MbufAlloc, GetpacketFailsWholeWhenTheClusterFails, "MBUF-ALLOC-007") {
    NKE_REQUIRE_HOOK(fail_alloc);
    // Fail each of its first attempts in turn: whichever part fails, nothing is left.
    for (uint64_t n = 1; n <= 2; ++n) {
        const auto before = nke::test::counters();
        struct mbuf *m;
        {
            nke::test::FailAlloc fail(n, false);
            m = m_getpacket();
        }
        EXPECT_EQ(m, nullptr) << "attempt " << n;
        mbt::expect_unchanged(before, "a failed m_getpacket");
        m_freem(m);
    }
}

NKE_TEST(MbufAlloc, PersistentInjectionFailsEveryAllocatingCall, "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    struct mbuf *chain = mbt::make_chain({100, 100});
    struct mbuf *plain = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(plain, nullptr);
    const auto before = nke::test::counters();
    const auto old = mbt::shape(chain);
    const char buf[600] = {};
    {
        nke::test::FailAlloc fail(1, true);
        EXPECT_EQ(m_get(M_WAIT, MT_DATA), nullptr);
        EXPECT_EQ(m_gethdr(M_WAIT, MT_DATA), nullptr);
        EXPECT_EQ(m_getclr(M_WAIT, MT_DATA), nullptr);
        EXPECT_EQ(m_getpacket(), nullptr);
        EXPECT_EQ(m_mclget(plain, M_WAIT), plain);
        EXPECT_FALSE(plain->m_flags & M_EXT);
        EXPECT_EQ(m_copym(chain, 0, M_COPYALL, M_WAIT), nullptr);
        EXPECT_EQ(m_copyback(chain, 0, 600, buf), ENOBUFS);
        EXPECT_EQ(m_split(chain, 50, M_WAIT), nullptr);
        EXPECT_EQ(m_devget(buf, 600, 0, nullptr), nullptr);
    }
    EXPECT_EQ(mbt::shape(chain), old);
    mbt::expect_unchanged(before, "allocating calls under persistent failure");
    m_freem(chain);
    m_free(plain);
}

NKE_TEST(MbufAlloc, AllocatedMbufsAndClustersAreDistinct, "MBUF-ALLOC-010") {
    constexpr int kN = 600;  // more than any per-thread cache holds
    std::vector<struct mbuf *> v;
    std::set<const void *> seen;
    for (int i = 0; i < kN; ++i) {
        struct mbuf *m = (i % 3 == 0) ? m_getpacket() : m_get(M_DONTWAIT, MT_DATA);
        ASSERT_NE(m, nullptr);
        EXPECT_TRUE(seen.insert(m).second) << "mbuf handed out twice";
        if (m->m_flags & M_EXT) {
            EXPECT_TRUE(seen.insert(m->m_ext.ext_buf).second) << "cluster handed out twice";
        }
        v.push_back(m);
    }
    // Fill each buffer with its own byte, then check no write landed elsewhere.
    for (int i = 0; i < kN; ++i) {
        struct mbuf *m = v[static_cast<size_t>(i)];
        if (m->m_flags & M_EXT) std::memset(m->m_ext.ext_buf, i & 0xff, MCLBYTES);
        else std::memset(m->m_dat, i & 0xff, MLEN);
    }
    for (int i = 0; i < kN; ++i) {
        struct mbuf *m = v[static_cast<size_t>(i)];
        const char *p = (m->m_flags & M_EXT) ? m->m_ext.ext_buf : m->m_dat;
        const int n = (m->m_flags & M_EXT) ? MCLBYTES : MLEN;
        for (int j = 0; j < n; ++j) ASSERT_EQ(static_cast<uint8_t>(p[j]), i & 0xff) << "buffer " << i;
    }
    for (auto *m : v) m_freem(m);
}
