// spec/kern_control.md — deregistering a controller (CTL-DEREG-*).
#include "ctl_helpers.hpp"

using namespace nke::test;

NKE_TEST(CtlDeregister, RemovesTheControllerAndFreesThePair, "CTL-DEREG-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    const auto before = counters();
    const uint32_t id = c.id();
    ASSERT_EQ(c.deregister(), 0);
    EXPECT_EQ(counters().controllers, before.controllers - 1);
    Fd fd(control_socket());
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), ctl_addr(id)), EADDRNOTAVAIL);
    kern_ctl_reg reg{};
    reg.ctl_id = id;
    kern_ctl_ref ref = nullptr;
    EXPECT_EQ(ctl_register(&reg, nullptr, &ref), 0) << "the pair is free again";
    EXPECT_EQ(ctl_deregister(ref), 0);
}

NKE_TEST(CtlDeregister, NullRefIsEinval, "CTL-DEREG-002") {
    const auto before = counters();
    EXPECT_EQ(ctl_deregister(nullptr), EINVAL);
    expect_unchanged(before, "ctl_deregister(NULL)");
}

NKE_TEST(CtlDeregister, StaleRefIsEinval, "CTL-DEREG-003") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    const kern_ctl_ref stale = c.ref();
    ASSERT_EQ(c.deregister(), 0);
    // Another controller now holds the same pair: the stale ref must not reach it.
    TestController::Options o;
    o.id = c.id();
    TestController again(o);
    ASSERT_EQ(again.rc(), 0);
    const auto before = counters();
    EXPECT_EQ(ctl_deregister(stale), EINVAL);
    expect_unchanged(before, "ctl_deregister with a stale ref");
    Fd fd = connected_client(again);   // still registered
}

NKE_TEST(CtlDeregister, ForgedRefIsEinval, "CTL-DEREG-003") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    const auto before = counters();
    int local = 0;
    EXPECT_EQ(ctl_deregister(&local), EINVAL);
    EXPECT_EQ(ctl_deregister(reinterpret_cast<kern_ctl_ref>(uintptr_t{1})), EINVAL);
    EXPECT_EQ(ctl_deregister(static_cast<char *>(c.ref()) + 1), EINVAL);
    expect_unchanged(before, "ctl_deregister with a forged ref");
}

NKE_TEST(CtlDeregister, ConnectedClientIsEbusy, "CTL-DEREG-004") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    EventListener ev(KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS);
    const auto before = counters();
    EXPECT_EQ(ctl_deregister(c.ref()), EBUSY);
    expect_unchanged(before, "a refused ctl_deregister");
    EXPECT_EQ(c.rec.disconnects, 0) << "no ctl_disconnect on a refused deregister";
    EXPECT_TRUE(ev.drain().empty()) << "a refused deregister posts nothing";
    // The client keeps working both ways.
    EXPECT_EQ(nke_send(fd.get(), "still", 5, 0), 5);
    EXPECT_EQ(c.rec.written.back(), "still");
    EXPECT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("back"), 4, 0), 0);
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "back");
}

NKE_TEST(CtlDeregister, SucceedsOnceTheClientClosed, "CTL-DEREG-004", "CTL-DISC-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    EXPECT_EQ(ctl_deregister(c.ref()), EBUSY);
    fd.reset();
    EXPECT_EQ(c.deregister(), 0);
}

NKE_TEST(CtlDeregister, PostsKevCtlDeregistered, "CTL-DEREG-005", "KEV-STACK-001") {
    TestController::Options o;
    o.unit = 3;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    EventListener ev(KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS);
    ASSERT_EQ(c.deregister(), 0);
    auto events = ev.drain();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].hdr.total_size, 32u);
    EXPECT_EQ(events[0].hdr.event_code, static_cast<uint32_t>(KEV_CTL_DEREGISTERED));
    ctl_event_data d{};
    ASSERT_EQ(events[0].payload.size(), sizeof d);
    std::memcpy(&d, events[0].payload.data(), sizeof d);
    EXPECT_EQ(d.ctl_id, c.id());
    EXPECT_EQ(d.ctl_unit, 3u);
}

NKE_TEST(CtlDeregister, NoCallbackAfterDeregistration, "CTL-DEREG-006") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    {
        Fd fd = connected_client(c);
        EXPECT_EQ(nke_send(fd.get(), "x", 1, 0), 1);
    }
    const kern_ctl_ref ref = c.ref();
    ASSERT_EQ(c.deregister(), 0);
    const size_t calls = c.rec.refs.size();
    Fd fd(control_socket());
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), c.addr()), EADDRNOTAVAIL);
    EXPECT_EQ(ctl_enqueuedata(ref, const_cast<char *>("x"), 1, 0), EINVAL);
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "x", 1, 0), ENOTCONN);
    EXPECT_EQ(c.rec.refs.size(), calls) << "a callback ran after ctl_deregister returned";
}

NKE_TEST(CtlDeregister, FromOwnDisconnectSucceeds, "CTL-DEREG-007", "CONC-CB-004") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    int rc = -1;
    c.rec.in_disconnect = [&] { rc = ctl_deregister(c.ref()); };
    const auto before = counters();
    {
        Fd fd = connected_client(c);
    }
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(c.rec.disconnects, 1);
    EXPECT_EQ(counters().controllers, before.controllers - 1);
    c.forget();
}

NKE_TEST(CtlDeregister, FromOtherCallbacksIsEbusy, "CTL-DEREG-007") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    std::vector<int> rcs;
    auto try_dereg = [&] { rcs.push_back(ctl_deregister(c.ref())); };
    c.rec.in_connect = try_dereg;
    c.rec.in_write = try_dereg;
    c.rec.in_set = try_dereg;
    c.rec.in_get = try_dereg;
    {
        Fd fd = connected_client(c);
        EXPECT_EQ(nke_send(fd.get(), "w", 1, 0), 1);
        EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 0), 0);
        char buf[8];
        socklen_t len = sizeof buf;
        EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, buf, &len), 0);
    }
    EXPECT_EQ(rcs, (std::vector<int>{EBUSY, EBUSY, EBUSY, EBUSY}));
    EXPECT_EQ(c.rec.disconnects, 1);
}
