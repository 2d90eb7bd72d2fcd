// spec/mbuf.md — m_devget (MBUF-DEVGET-*).
#include "mbuf_helpers.hpp"

NKE_TEST(MbufDevget, CopiesTheBufferIntoANewPacket, "MBUF-DEVGET-001") {
    auto *ifp = reinterpret_cast<struct ifnet *>(uintptr_t{0x8000});  // never dereferenced
    for (int len : {1, MHLEN, MHLEN + 1, MINCLSIZE, 1514, 9000}) {
        const auto src = mbt::pattern(len, 4);
        struct mbuf *m = m_devget(reinterpret_cast<const char *>(src.data()), len, 0, ifp);
        ASSERT_NE(m, nullptr) << "len " << len;
        EXPECT_TRUE(m->m_flags & M_PKTHDR);
        EXPECT_EQ(m->m_pkthdr.len, len);
        EXPECT_EQ(m->m_pkthdr.rcvif, ifp);
        EXPECT_EQ(m->m_pkthdr.header, nullptr);
        EXPECT_EQ(m->m_pkthdr.aux, nullptr);
        EXPECT_EQ(m->m_pkthdr.csum_flags, 0);
        EXPECT_EQ(mbt::bytes(m), src);
        for (struct mbuf *n = m; n; n = n->m_next) EXPECT_EQ(n->m_type, MT_DATA);
        m_freem(m);
    }
}

NKE_TEST(MbufDevget, BadArgumentsAllocateNothing, "MBUF-DEVGET-003") {
    const char buf[64] = {};
    const auto before = nke::test::counters();
    EXPECT_EQ(m_devget(buf, 64, 2, nullptr), nullptr);
    EXPECT_EQ(m_devget(buf, 64, -1, nullptr), nullptr);
    EXPECT_EQ(m_devget(buf, 0, 0, nullptr), nullptr);
    EXPECT_EQ(m_devget(buf, -5, 0, nullptr), nullptr);
    EXPECT_EQ(m_devget(nullptr, 64, 0, nullptr), nullptr);
    mbt::expect_unchanged(before, "m_devget with bad arguments");
}

NKE_TEST(MbufDevget, AllocationFailureAllocatesNothing, "MBUF-DEVGET-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    const auto src = mbt::pattern(5000);
    const auto before = nke::test::counters();
    for (uint64_t n = 1; n <= 3; ++n) {
        nke::test::FailAlloc fail(n, false);
        EXPECT_EQ(m_devget(reinterpret_cast<const char *>(src.data()), 5000, 0, nullptr), nullptr)
            << "failing attempt " << n;
    }
    mbt::expect_unchanged(before, "failed m_devget");
}
