// spec/kern_event.md — filters (KEV-FILT-*).
#include "kev_helpers.hpp"

using namespace nke::test;

namespace {
constexpr uint32_t kVendor = 0x7e57;

kev_request get_filter(int fd) {
    kev_request r{1, 2, 3};
    EXPECT_EQ(nke_ioctl(fd, SIOCGKEVFILT, &r), 0) << std::strerror(errno);
    return r;
}

int post(uint32_t vendor, uint32_t cls, uint32_t sub, uint32_t code = 1) {
    kev_msg m = make_event(vendor, cls, sub, code);
    return kev_post_msg(&m);
}

// The event codes a socket received, in order.
std::vector<uint32_t> codes(EventListener &ev) {
    std::vector<uint32_t> out;
    for (const auto &e : ev.drain()) out.push_back(e.hdr.event_code);
    return out;
}
}  // namespace

NKE_TEST(KevFilter, NewSocketReceivesNothing, "KEV-FILT-001") {
    EventListener ev;   // no filter set
    const auto before = counters();
    EXPECT_EQ(post(kVendor, 1, 1), 0);
    EXPECT_EQ(post(KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS), 0);
    EXPECT_EQ(post(KEV_ANY_VENDOR, KEV_ANY_CLASS, KEV_ANY_SUBCLASS), 0);
    EXPECT_TRUE(ev.drain().empty());
    EXPECT_EQ(counters().events_dropped, before.events_dropped) << "not a drop: no match";
}

NKE_TEST(KevFilter, DefaultFilterIsReported, "KEV-FILT-002") {
    EventListener ev;
    const kev_request r = get_filter(ev.fd());
    EXPECT_EQ(r.vendor_code, KEV_VENDOR_NONE);
    EXPECT_EQ(r.kev_class, static_cast<uint32_t>(KEV_ANY_CLASS));
    EXPECT_EQ(r.kev_subclass, static_cast<uint32_t>(KEV_ANY_SUBCLASS));
}

NKE_TEST(KevFilter, SetFilterIsReturnedExactly, "KEV-FILT-003") {
    EventListener ev;
    for (kev_request want : {kev_request{kVendor, 5, 6}, kev_request{0, 0xffffffff, 0x12345678},
                             kev_request{0xfffffffe, 0, 9}}) {
        ASSERT_EQ(nke_ioctl(ev.fd(), SIOCSKEVFILT, &want), 0) << std::strerror(errno);
        const kev_request got = get_filter(ev.fd());
        EXPECT_EQ(got.vendor_code, want.vendor_code);
        EXPECT_EQ(got.kev_class, want.kev_class);
        EXPECT_EQ(got.kev_subclass, want.kev_subclass);
    }
    // Back to KEV_VENDOR_NONE: nothing is delivered again.
    ev.set_filter(KEV_VENDOR_NONE, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    EXPECT_EQ(post(kVendor, 1, 1), 0);
    EXPECT_TRUE(ev.drain().empty());
}

NKE_TEST(KevFilter, AnyVendorTakesEverythingIgnoringClass, "KEV-FILT-004") {
    EventListener ev(KEV_ANY_VENDOR, 99, 98);   // class/subclass set but ignored
    EXPECT_EQ(post(kVendor, 1, 2, 10), 0);
    EXPECT_EQ(post(kVendor + 1, 3, 4, 11), 0);
    EXPECT_EQ(post(KEV_ANY_VENDOR, 0, 0, 12), 0);
    const auto got = codes(ev);
    // Stack events may interleave (any vendor): look for ours in order.
    std::vector<uint32_t> ours;
    for (uint32_t c : got) {
        if (c >= 10 && c <= 12) ours.push_back(c);
    }
    EXPECT_EQ(ours, (std::vector<uint32_t>{10, 11, 12}));
}

NKE_TEST(KevFilter, VendorClassSubclassRule, "KEV-FILT-005") {
    EventListener exact(kVendor, 1, 2);
    EventListener any_sub(kVendor, 1, KEV_ANY_SUBCLASS);
    EventListener any_class(kVendor, KEV_ANY_CLASS, 2);   // subclass still checked
    EventListener any_both(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    EXPECT_EQ(post(kVendor, 1, 2, 1), 0);        // all four
    EXPECT_EQ(post(kVendor, 1, 3, 2), 0);        // any_sub, any_both
    EXPECT_EQ(post(kVendor, 4, 2, 3), 0);        // any_class, any_both
    EXPECT_EQ(post(kVendor, 4, 5, 4), 0);        // any_both
    EXPECT_EQ(post(kVendor + 1, 1, 2, 5), 0);    // none
    EXPECT_EQ(codes(exact), (std::vector<uint32_t>{1}));
    EXPECT_EQ(codes(any_sub), (std::vector<uint32_t>{1, 2}));
    EXPECT_EQ(codes(any_class), (std::vector<uint32_t>{1, 3}));
    EXPECT_EQ(codes(any_both), (std::vector<uint32_t>{1, 2, 3, 4}));
}

NKE_TEST(KevFilter, FilterAppliesToLaterEventsOnly, "KEV-FILT-006") {
    EventListener ev(kVendor, 1, KEV_ANY_SUBCLASS);
    EXPECT_EQ(post(kVendor, 2, 0, 100), 0);   // not matching yet: never delivered
    EXPECT_EQ(post(kVendor, 1, 0, 101), 0);   // queued
    ev.set_filter(kVendor, 2, KEV_ANY_SUBCLASS);
    EXPECT_EQ(post(kVendor, 1, 0, 102), 0);   // no longer matching
    EXPECT_EQ(post(kVendor, 2, 0, 103), 0);
    EXPECT_EQ(codes(ev), (std::vector<uint32_t>{101, 103}));
    // Events posted before a socket existed are never delivered to it.
    EventListener late(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    EXPECT_TRUE(late.drain().empty());
}
