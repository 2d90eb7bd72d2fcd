// spec/concurrency.md — what NKE code may and may not call.
#include "ctl_util.hpp"

#include "../dlil/dl_util.hpp"

#include <atomic>
#include <chrono>
#include <thread>

NKE_TEST(ConcCallbacks, UserSideCallsFromACallbackAreEdeadlk, "CONC-CB-002") {
    conctest::Controller ctl(0x434f4e45, 0);
    ASSERT_EQ(ctl.rc, 0);
    int sock_rc = 0, sock_errno = 0, close_errno = 0;
    ctl.on_set = [&](int) {
        errno = 0;
        sock_rc = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
        sock_errno = errno;
        errno = 0;
        (void)nke_close(NKE_FD_FIRST);
        close_errno = errno;
        return 0;
    };
    const int fd = conctest::connect_client(0x434f4e45, 0);
    ASSERT_GE(fd, NKE_FD_FIRST);
    const auto before = nke::test::counters();
    EXPECT_EQ(nke_setsockopt(fd, SYSPROTO_CONTROL, 7, nullptr, 0), 0);
    EXPECT_EQ(sock_rc, -1);
    EXPECT_EQ(sock_errno, EDEADLK);
    EXPECT_EQ(close_errno, EDEADLK);
    nke::test::Fixture::expect_unchanged(before, "user-side calls refused inside a callback");
    EXPECT_EQ(nke_close(fd), 0) << "the descriptor the callback tried to close is still open";
}

NKE_TEST(ConcCallbacks, DetachWaitsForCallbacksOnOtherThreads, "CONC-CB-005") {
    dltest::Driver drv;
    ASSERT_EQ(drv.attach(), 0);
    struct State {
        std::atomic<int> entered{0};
        std::atomic<int> finished{0};
        std::atomic<int> calls{0};
    } st;
    dlil_if_flt_str f{};
    f.cookie = &st;
    f.filter_if_input = [](void *c, ifnet **, struct mbuf **, char **) -> int {
        auto *s = static_cast<State *>(c);
        s->calls.fetch_add(1);
        s->entered.store(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        s->finished.store(1);
        return 0;
    };
    unsigned long id = 0;
    ASSERT_EQ(dlil_attach_interface_filter(&drv.ifp, &f, &id, DLIL_LAST_FILTER), 0);
    std::thread driver([&] { drv.input(dltest::eth_frame(dltest::kOurMac, dltest::kTypeA)); });
    while (!st.entered.load()) std::this_thread::yield();
    // Detach from outside any callback: when it returns, the callback that
    // had started on the driver thread has returned too.
    ASSERT_EQ(dlil_detach_filter(id), 0);
    EXPECT_EQ(st.finished.load(), 1);
    driver.join();
    // And no callback of the removed filter starts afterwards.
    drv.input(dltest::eth_frame(dltest::kOurMac, dltest::kTypeA));
    EXPECT_EQ(st.calls.load(), 1);
}
