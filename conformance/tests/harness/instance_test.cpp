// spec/harness.md — how an implementation is loaded and what a fresh
// instance holds.
#include "nke_test.hpp"

#include <dlfcn.h>
#include <link.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace {

bool built_with_sanitizer() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

}  // namespace

NKE_TEST(HarnessInstance, LoadsWithoutTheSuite, "HARN-PLUG-003") {
    if (built_with_sanitizer())
        GTEST_SKIP() << "a sanitizer runtime cannot be loaded into a second link-map namespace";
    Dl_info info{};
    ASSERT_NE(dladdr(reinterpret_cast<void *>(&nke_harness_v1), &info), 0);
    ASSERT_NE(info.dli_fname, nullptr);
    const std::string path = info.dli_fname;
    // In a child, load the implementation into a new link-map namespace: it
    // sees the C and C++ runtimes but nothing of this suite.
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        void *h = dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (h == nullptr) _exit(10);
        auto *fn = reinterpret_cast<const nke_harness *(*)()>(dlsym(h, "nke_harness_v1"));
        if (fn == nullptr || fn() == nullptr) _exit(11);
        _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "the child died loading " << path;
    EXPECT_EQ(WEXITSTATUS(status), 0) << path << " needs something from the suite (10: load, 11: harness)";
}

NKE_TEST(HarnessInstance, AFreshInstanceHoldsOnlyItsBuiltins, "HARN-PLUG-004", "CTL-DOMAIN-001") {
    if (nke::test::tests_started_in_process() > 1)
        GTEST_SKIP() << "needs a fresh process (isolated mode); other tests ran in this one";
    const nke_counters c = nke::test::counters();
    EXPECT_EQ(c.mbufs, 0u);
    EXPECT_EQ(c.clusters, 0u);
    EXPECT_EQ(c.sockets, 0u);
    EXPECT_EQ(c.descriptors, 0u);
    EXPECT_EQ(c.sockfilters, 0u);
    EXPECT_EQ(c.kextcbs, 0u);
    EXPECT_EQ(c.controllers, 0u);
    EXPECT_EQ(c.ctl_clients, 0u);
    EXPECT_EQ(c.event_sockets, 0u);
    EXPECT_EQ(c.interfaces, 0u);
    EXPECT_EQ(c.dl_protos, 0u);
    EXPECT_EQ(c.dl_filters, 0u);
    EXPECT_EQ(c.modules, 0u);
    // The built-ins are there before any NKE ran.
    EXPECT_GE(c.domains, 1u);
    EXPECT_GE(c.protosws, 2u);
    EXPECT_GE(c.if_families, 2u);
    ASSERT_NE(pffinddomain(PF_SYSTEM), nullptr);
}

NKE_TEST(HarnessInstance, LiveCountersReturnAfterEveryKindOfObject, "HARN-COUNT-002",
         "HARN-COUNT-001") {
    const nke_counters before = nke::test::counters();
    // One of each object the harness counts, created and released.
    struct mbuf *m = m_getpacket();
    ASSERT_NE(m, nullptr);
    const int fd = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
    ASSERT_GE(fd, NKE_FD_FIRST);
    const int ev = nke_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT);
    ASSERT_GE(ev, NKE_FD_FIRST);
    kern_ctl_reg reg{};
    reg.ctl_id = 0x48415231;  // 'HAR1'
    kern_ctl_ref ref = nullptr;
    ASSERT_EQ(ctl_register(&reg, nullptr, &ref), 0);
    sockaddr_ctl sc{};
    sc.sc_len = sizeof sc;
    sc.sc_family = AF_SYSTEM;
    sc.ss_sysaddr = AF_SYS_CONTROL;
    sc.sc_id = reg.ctl_id;
    ASSERT_EQ(nke_connect(fd, reinterpret_cast<const struct sockaddr *>(&sc), sizeof sc), 0);
    const nke_counters during = nke::test::counters();
    EXPECT_EQ(during.mbufs, before.mbufs + 1);
    EXPECT_EQ(during.clusters, before.clusters + 1);
    EXPECT_EQ(during.sockets, before.sockets + 2);
    EXPECT_EQ(during.descriptors, before.descriptors + 2);
    EXPECT_EQ(during.event_sockets, before.event_sockets + 1);
    EXPECT_EQ(during.controllers, before.controllers + 1);
    EXPECT_EQ(during.ctl_clients, before.ctl_clients + 1);
    EXPECT_EQ(nke_close(fd), 0);
    EXPECT_EQ(nke_close(ev), 0);
    EXPECT_EQ(ctl_deregister(ref), 0);
    m_freem(m);
    EXPECT_EQ(nke::test::live_diff(before, nke::test::counters()), "");
}
