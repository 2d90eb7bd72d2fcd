// spec/concurrency.md — blocking calls.
#include "ctl_util.hpp"

#include <atomic>
#include <chrono>
#include <thread>

NKE_TEST(ConcBlocking, CloseWakesABlockedReceiverWithEbadf, "CONC-BLOCK-002") {
    conctest::Controller ctl(0x434f4e46, 0);
    ASSERT_EQ(ctl.rc, 0);
    const int fd = conctest::connect_client(0x434f4e46, 0);
    ASSERT_GE(fd, NKE_FD_FIRST);
    std::atomic<int> started{0};
    ssize_t rc = 0;
    int err = 0;
    std::thread reader([&] {
        char buf[64];
        started.store(1);
        errno = 0;
        rc = nke_recv(fd, buf, sizeof buf, 0);  // blocks: nothing is queued
        err = errno;
    });
    while (!started.load()) std::this_thread::yield();
    // Give the reader time to block; the outcome does not depend on it.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(nke_close(fd), 0);
    reader.join();
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(err, EBADF);
}

NKE_TEST(ConcBlocking, ABlockedReaderDoesNotStallOthers, "CONC-BLOCK-001") {
    conctest::Controller ctl(0x434f4e47, 0);
    ASSERT_EQ(ctl.rc, 0);
    const int fd = conctest::connect_client(0x434f4e47, 0);
    ASSERT_GE(fd, NKE_FD_FIRST);
    std::atomic<int> started{0};
    ssize_t got = 0;
    char buf[64] = {};
    std::thread reader([&] {
        started.store(1);
        got = nke_recv(fd, buf, sizeof buf, 0);
    });
    while (!started.load()) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // Other threads keep using the stack, including the path that wakes it.
    const int other = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
    EXPECT_GE(other, NKE_FD_FIRST);
    EXPECT_EQ(nke_close(other), 0);
    char msg[] = "wake";
    EXPECT_EQ(ctl_enqueuedata(ctl.ref, msg, 4, 0), 0);
    reader.join();
    EXPECT_EQ(got, 4);
    EXPECT_EQ(std::string(buf, 4), "wake");
    EXPECT_EQ(nke_close(fd), 0);
}
