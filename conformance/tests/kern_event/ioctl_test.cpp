// spec/kern_event.md — ioctl on event sockets (KEV-IOCTL-*).
#include "kev_helpers.hpp"

using namespace nke::test;

NKE_TEST(KevIoctl, OtherCommandsAreEopnotsupp, "KEV-IOCTL-001") {
    EventListener ev(0x7e57, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    unsigned char buf[64] = {};
    for (unsigned long cmd : {CTLIOCGCOUNT, 0x40046504UL, 0x800c6505UL, 0x20006500UL}) {
        SCOPED_TRACE(cmd);
        EXPECT_SYS_ERRNO(nke_ioctl(ev.fd(), cmd, buf), EOPNOTSUPP);
    }
    kev_request r{};
    ASSERT_EQ(nke_ioctl(ev.fd(), SIOCGKEVFILT, &r), 0);
    EXPECT_EQ(r.vendor_code, 0x7e57u) << "the filter is unchanged";
}
