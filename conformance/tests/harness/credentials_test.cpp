// spec/harness.md and spec/kern.md — caller credentials.
#include "nke_test.hpp"

#include <thread>

NKE_TEST(HarnessCredentials, ThreadsStartAsTheSuperuser, "HARN-CRED-002", "KERN-PROC-002") {
    uint32_t euid = 1;
    std::thread t([&] { euid = proc_geteuid(current_proc()); });
    t.join();
    EXPECT_EQ(euid, 0u);
    EXPECT_EQ(proc_suser(current_proc()), 0);
}

NKE_TEST(HarnessCredentials, SetCredentialsAffectsOnlyTheCallingThread, "HARN-CRED-001",
         "KERN-PROC-003") {
    NKE_REQUIRE_HOOK(set_credentials);
    nke::test::AsUser user(501, 501);
    EXPECT_EQ(proc_getuid(current_proc()), 501u);
    EXPECT_EQ(proc_geteuid(current_proc()), 501u);
    EXPECT_EQ(proc_suser(current_proc()), EPERM);
    uint32_t other = 1;
    std::thread t([&] { other = proc_geteuid(current_proc()); });
    t.join();
    EXPECT_EQ(other, 0u);
}

NKE_TEST(HarnessCredentials, RejectsTheInvalidUid, "HARN-CRED-003") {
    NKE_REQUIRE_HOOK(set_credentials);
    EXPECT_EQ(nke::test::harness().set_credentials(UINT32_MAX, 0), EINVAL);
    EXPECT_EQ(nke::test::harness().set_credentials(0, UINT32_MAX), EINVAL);
    EXPECT_EQ(proc_geteuid(current_proc()), 0u);
}
