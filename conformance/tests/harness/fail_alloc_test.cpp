// spec/harness.md — allocation-failure injection.
#include "nke_test.hpp"

NKE_TEST(HarnessFailAlloc, FailsExactlyTheNthAttempt, "HARN-FAIL-001", "HARN-FAIL-002") {
    NKE_REQUIRE_HOOK(fail_alloc);
    for (uint64_t n = 1; n <= 3; ++n) {
        nke::test::FailAlloc fail(n, false);
        std::vector<struct mbuf *> got;
        for (uint64_t i = 1; i <= 4; ++i) got.push_back(m_get(M_DONTWAIT, MT_DATA));
        for (uint64_t i = 1; i <= 4; ++i) {
            if (i == n) EXPECT_EQ(got[i - 1], nullptr) << "attempt " << i << " of n=" << n;
            else EXPECT_NE(got[i - 1], nullptr) << "attempt " << i << " of n=" << n;
            m_freem(got[i - 1]);
        }
    }
}

NKE_TEST(HarnessFailAlloc, PersistentFailsEveryLaterAttempt, "HARN-FAIL-003") {
    NKE_REQUIRE_HOOK(fail_alloc);
    struct mbuf *first;
    {
        nke::test::FailAlloc fail(2, true);
        first = m_get(M_DONTWAIT, MT_DATA);
        EXPECT_NE(first, nullptr);
        for (int i = 0; i < 5; ++i) EXPECT_EQ(m_get(M_DONTWAIT, MT_DATA), nullptr);
    }
    struct mbuf *after = m_get(M_DONTWAIT, MT_DATA);
    EXPECT_NE(after, nullptr) << "nth == 0 must disarm the failure point";
    m_freem(first);
    m_freem(after);
}

NKE_TEST(HarnessFailAlloc, CountsAttemptsAndFailures, "HARN-COUNT-005") {
    NKE_REQUIRE_HOOK(fail_alloc);
    const auto before = nke::test::counters();
    {
        nke::test::FailAlloc fail(1, false);
        EXPECT_EQ(m_get(M_DONTWAIT, MT_DATA), nullptr);
    }
    const auto after = nke::test::counters();
    EXPECT_GE(after.allocs, before.allocs + 1);
    EXPECT_EQ(after.allocs_failed, before.allocs_failed + 1);
}
