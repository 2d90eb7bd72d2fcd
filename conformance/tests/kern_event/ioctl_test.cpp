// spec/kern_event.md — ioctl on event sockets (KEV-IOCTL-*) and events
// posted by the stack (KEV-STACK-*).
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

NKE_TEST(KevStack, CtlSubclassFilterSeesOnlyControllerEvents, "KEV-STACK-001") {
    EventListener ev(KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS);
    kev_msg other = make_event(KEV_VENDOR_APPLE, KEV_NETWORK_CLASS, 1, 1);
    ASSERT_EQ(kev_post_msg(&other), 0);
    kern_ctl_reg reg{};
    reg.ctl_id = 0x4b455631;   // 'KEV1'
    reg.ctl_unit = 2;
    kern_ctl_ref ref = nullptr;
    ASSERT_EQ(ctl_register(&reg, nullptr, &ref), 0);
    ASSERT_EQ(ctl_deregister(ref), 0);
    auto got = ev.drain();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].hdr.event_code, static_cast<uint32_t>(KEV_CTL_REGISTERED));
    EXPECT_EQ(got[1].hdr.event_code, static_cast<uint32_t>(KEV_CTL_DEREGISTERED));
    EXPECT_EQ(got[1].hdr.id, got[0].hdr.id + 1);
    for (const auto &e : got) {
        ctl_event_data d{};
        ASSERT_EQ(e.payload.size(), sizeof d);
        std::memcpy(&d, e.payload.data(), sizeof d);
        EXPECT_EQ(d.ctl_id, 0x4b455631u);
        EXPECT_EQ(d.ctl_unit, 2u);
    }
}
