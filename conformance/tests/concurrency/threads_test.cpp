// spec/concurrency.md — objects cross threads; callbacks run on the caller's thread.
#include "ctl_util.hpp"

#include "../dlil/dl_util.hpp"

#include <thread>

NKE_TEST(ConcThreads, ObjectsMayBeReleasedOnAnotherThread, "CONC-THREAD-002") {
    // An mbuf, a descriptor and a controller reference made on one thread...
    struct mbuf *m = nullptr;
    int fd = -1;
    kern_ctl_reg reg{};
    reg.ctl_id = 0x434f4e43;  // 'CONC'
    kern_ctl_ref ref = nullptr;
    int reg_rc = -1;
    std::thread maker([&] {
        m = m_getpacket();
        fd = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
        reg_rc = ctl_register(&reg, nullptr, &ref);
    });
    maker.join();
    ASSERT_NE(m, nullptr);
    ASSERT_GE(fd, NKE_FD_FIRST);
    ASSERT_EQ(reg_rc, 0);
    // ... are used and released on another.
    std::thread user([&] {
        sockaddr_ctl sc{};
        sc.sc_len = sizeof sc;
        sc.sc_family = AF_SYSTEM;
        sc.ss_sysaddr = AF_SYS_CONTROL;
        sc.sc_id = reg.ctl_id;
        EXPECT_EQ(nke_connect(fd, reinterpret_cast<const struct sockaddr *>(&sc), sizeof sc), 0);
        EXPECT_EQ(nke_close(fd), 0);
        EXPECT_EQ(ctl_deregister(ref), 0);
        m_freem(m);
    });
    user.join();
}

NKE_TEST(ConcThreads, ControllerCallbacksRunOnTheCallingThread, "CONC-THREAD-003") {
    conctest::Controller ctl(0x434f4e44, 0);
    ASSERT_EQ(ctl.rc, 0);
    std::thread::id caller;
    std::thread t([&] {
        caller = std::this_thread::get_id();
        const int fd = conctest::connect_client(0x434f4e44, 0);
        ASSERT_GE(fd, NKE_FD_FIRST);
        EXPECT_EQ(nke_setsockopt(fd, SYSPROTO_CONTROL, 1, nullptr, 0), 0);
        EXPECT_EQ(nke_send(fd, "x", 1, 0), 1);
        nke_close(fd);
    });
    t.join();
    EXPECT_EQ(ctl.connect_thread, caller);
    EXPECT_EQ(ctl.set_thread, caller);
    EXPECT_EQ(ctl.write_thread, caller);
}

NKE_TEST(ConcThreads, FilterCallbacksRunOnTheDriverThread, "CONC-THREAD-003") {
    dltest::Driver drv;
    ASSERT_EQ(drv.attach(), 0);
    struct Seen {
        std::thread::id id;
    } seen;
    dlil_if_flt_str f{};
    f.cookie = &seen;
    f.filter_if_input = [](void *c, ifnet **, struct mbuf **, char **) -> int {
        static_cast<Seen *>(c)->id = std::this_thread::get_id();
        return 0;
    };
    unsigned long id = 0;
    ASSERT_EQ(dlil_attach_interface_filter(&drv.ifp, &f, &id, DLIL_LAST_FILTER), 0);
    std::thread::id driver_thread;
    std::thread t([&] {
        driver_thread = std::this_thread::get_id();
        drv.input(dltest::eth_frame(dltest::kOurMac, dltest::kTypeA));
    });
    t.join();
    EXPECT_EQ(seen.id, driver_thread);
    EXPECT_EQ(dlil_detach_filter(id), 0);
}
