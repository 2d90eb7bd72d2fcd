// spec/kern_event.md — events posted by the stack (KEV-STACK-*): kernel
// controllers (spec/kern_control.md) and the DLIL (spec/dlil.md).
#include "../dlil/dl_util.hpp"
#include "kev_helpers.hpp"

using namespace nke::test;

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

NKE_TEST(KevStack, DlilEventsShareTheIdsFiltersAndCounters, "KEV-STACK-002") {
    EventListener dl(KEV_VENDOR_APPLE, KEV_NETWORK_CLASS, KEV_DL_SUBCLASS);
    EventListener ctl(KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS);
    EventListener all(KEV_ANY_VENDOR, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    const auto before = counters();
    dltest::Driver d("kev");
    ASSERT_EQ(d.attach(), 0);
    kev_msg mine = make_event(0x7e57, 1, 1, 42);
    ASSERT_EQ(kev_post_msg(&mine), 0);
    ASSERT_EQ(d.detach(), 0);
    auto got_dl = dl.drain();
    auto got_all = all.drain();
    ASSERT_EQ(got_dl.size(), 2u) << "attached and detached";
    EXPECT_EQ(got_dl[0].hdr.event_code, static_cast<uint32_t>(KEV_DL_IF_ATTACHED));
    EXPECT_EQ(got_dl[1].hdr.event_code, static_cast<uint32_t>(KEV_DL_IF_DETACHED));
    EXPECT_TRUE(ctl.drain().empty()) << "the filter keeps DLIL events out";
    // One id sequence for every producer, in order on each socket.
    ASSERT_EQ(got_all.size(), 3u);
    EXPECT_EQ(got_all[0].hdr.id, got_dl[0].hdr.id);
    EXPECT_EQ(got_all[1].hdr.event_code, 42u);
    EXPECT_EQ(got_all[1].hdr.id, got_dl[0].hdr.id + 1);
    EXPECT_EQ(got_all[2].hdr.id, got_dl[1].hdr.id);
    EXPECT_EQ(got_dl[1].hdr.id, got_dl[0].hdr.id + 2);
    EXPECT_EQ(counters().events_posted, before.events_posted + 3);
}
