// spec/harness.md — the harness table itself.
#include "nke_test.hpp"

NKE_TEST(HarnessTable, ReportsItsSizeAndAbiVersion, "HARN-TABLE-001", "HARN-TABLE-002") {
    const nke_harness *h = nke_harness_v1();
    ASSERT_NE(h, nullptr);
    EXPECT_GE(h->size, offsetof(nke_harness, reset) + sizeof(void *));
    EXPECT_EQ(h->abi_version >> 16, static_cast<uint32_t>(NKE_ABI_VERSION_MAJOR));
    EXPECT_GE(h->abi_version & 0xffff, static_cast<uint32_t>(NKE_ABI_VERSION_MINOR));
}

NKE_TEST(HarnessTable, NamesItsImplementation, "HARN-TABLE-003") {
    const nke_harness *h = nke_harness_v1();
    ASSERT_NE(h->impl_name, nullptr);
    ASSERT_NE(h->impl_version, nullptr);
    EXPECT_GT(std::strlen(h->impl_name), 0u);
    EXPECT_GT(std::strlen(h->impl_version), 0u);
}

NKE_TEST(HarnessTable, SameTableOnEveryCall, "HARN-TABLE-004") {
    EXPECT_EQ(nke_harness_v1(), nke_harness_v1());
    EXPECT_NE(nke_harness_v1()->get_counters, nullptr);
}
