// spec/kern_control.md — ioctl on control sockets (CTL-IOCTL-*).
#include "ctl_helpers.hpp"

using namespace nke::test;

NKE_TEST(CtlIoctl, CountIsTheNumberOfControllers, "CTL-IOCTL-001") {
    Fd fd(control_socket());
    uint32_t n0 = 0xffffffff;
    ASSERT_EQ(nke_ioctl(fd.get(), CTLIOCGCOUNT, &n0), 0) << std::strerror(errno);
    EXPECT_EQ(n0, counters().controllers);
    {
        TestController a, b;
        uint32_t n = 0;
        ASSERT_EQ(nke_ioctl(fd.get(), CTLIOCGCOUNT, &n), 0);
        EXPECT_EQ(n, n0 + 2);
        // Also on a connected socket.
        Fd client = connected_client(a);
        n = 0;
        ASSERT_EQ(nke_ioctl(client.get(), CTLIOCGCOUNT, &n), 0);
        EXPECT_EQ(n, n0 + 2);
    }
    uint32_t n = 0;
    ASSERT_EQ(nke_ioctl(fd.get(), CTLIOCGCOUNT, &n), 0);
    EXPECT_EQ(n, n0);
}

NKE_TEST(CtlIoctl, OtherCommandsAreEopnotsupp, "CTL-IOCTL-002") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const auto before = counters();
    unsigned char buf[64] = {};
    for (unsigned long cmd : {SIOCGKEVID, SIOCSKEVFILT, SIOCGKEVFILT, 0x40044e02UL, 0x20004e00UL}) {
        SCOPED_TRACE(cmd);
        EXPECT_SYS_ERRNO(nke_ioctl(fd.get(), cmd, buf), EOPNOTSUPP);
    }
    expect_unchanged(before, "unsupported ioctls");
    EXPECT_EQ(ENOTSUP, EOPNOTSUPP);
}
