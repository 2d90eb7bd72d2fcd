// spec/harness.md — resource counters.
#include "nke_test.hpp"

NKE_TEST(HarnessCounters, RejectsNullAndTinySize, "HARN-COUNT-004") {
    EXPECT_EQ(nke::test::harness().get_counters(nullptr), EINVAL);
    nke_counters c{};
    c.size = 0;
    EXPECT_EQ(nke::test::harness().get_counters(&c), EINVAL);
}

NKE_TEST(HarnessCounters, FillsNoMoreThanTheCallerSize, "HARN-COUNT-003") {
    // A caller built against an older, shorter table must not be overrun.
    struct {
        nke_counters c;
        unsigned char guard[16];
    } buf;
    std::memset(&buf, 0xa5, sizeof buf);
    buf.c.size = offsetof(nke_counters, sockets);
    ASSERT_EQ(nke::test::harness().get_counters(&buf.c), 0);
    EXPECT_EQ(buf.c.size, offsetof(nke_counters, sockets));
    const auto *bytes = reinterpret_cast<const unsigned char *>(&buf.c);
    for (size_t i = offsetof(nke_counters, sockets); i < sizeof buf; ++i) {
        ASSERT_EQ(bytes[i], 0xa5) << "byte " << i << " written past the caller's size";
    }
}

NKE_TEST(HarnessCounters, MbufCountFollowsAllocationAndFree, "HARN-COUNT-001", "MBUF-COUNT-001") {
    const auto before = nke::test::counters();
    struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(nke::test::counters().mbufs, before.mbufs + 1);
    m_free(m);
    EXPECT_EQ(nke::test::counters().mbufs, before.mbufs);
}
