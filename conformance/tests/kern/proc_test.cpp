// spec/kern.md — the calling process.
#include "nke_test.hpp"

#include <thread>

NKE_TEST(KernProc, CurrentProcIsStableOnAThread, "KERN-PROC-001") {
    struct proc *p = current_proc();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(current_proc(), p);
}

NKE_TEST(KernProc, SuperuserIsEuidZero, "KERN-PROC-002") {
    NKE_REQUIRE_HOOK(set_credentials);
    EXPECT_EQ(proc_suser(current_proc()), 0);
    {
        // Real uid 0 is not enough: the effective uid decides.
        nke::test::AsUser u(0, 501);
        EXPECT_EQ(proc_suser(current_proc()), EPERM);
    }
    {
        nke::test::AsUser u(501, 0);
        EXPECT_EQ(proc_suser(current_proc()), 0);
    }
}

NKE_TEST(KernProc, ReportsBothUids, "KERN-PROC-003") {
    NKE_REQUIRE_HOOK(set_credentials);
    nke::test::AsUser u(77, 88);
    EXPECT_EQ(proc_getuid(current_proc()), 77u);
    EXPECT_EQ(proc_geteuid(current_proc()), 88u);
}

NKE_TEST(KernProc, NullProcAnswers, "KERN-PROC-004") {
    EXPECT_EQ(proc_suser(nullptr), EINVAL);
    EXPECT_EQ(proc_getuid(nullptr), UINT32_MAX);
    EXPECT_EQ(proc_geteuid(nullptr), UINT32_MAX);
}

NKE_TEST(KernProc, EachThreadHasItsOwnProcess, "KERN-PROC-001", "CONC-THREAD-001") {
    NKE_REQUIRE_HOOK(set_credentials);
    nke::test::AsUser u(501, 501);
    uint32_t seen = 1;
    std::thread t([&] { seen = proc_geteuid(current_proc()); });
    t.join();
    EXPECT_EQ(seen, 0u);
    EXPECT_EQ(proc_geteuid(current_proc()), 501u);
}
