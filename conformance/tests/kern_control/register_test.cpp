// spec/kern_control.md — registering a controller (CTL-REG-*).
#include <thread>

#include "ctl_helpers.hpp"

using namespace nke::test;

namespace {
kern_ctl_reg plain_reg(uint32_t id, uint32_t unit = 0) {
    kern_ctl_reg r{};
    r.ctl_id = id;
    r.ctl_unit = unit;
    return r;
}
// A value that is no kern_ctl_ref: what an untouched *ctlref keeps.
kern_ctl_ref sentinel() { return reinterpret_cast<kern_ctl_ref>(uintptr_t{0x5e17}); }
}  // namespace

NKE_TEST(CtlRegister, RegistersAndIsReachable, "CTL-REG-001") {
    const auto before = counters();
    kern_ctl_reg reg = plain_reg(fresh_ctl_id());
    kern_ctl_ref ref = nullptr;
    ASSERT_EQ(ctl_register(&reg, nullptr, &ref), 0);
    EXPECT_NE(ref, nullptr);
    EXPECT_EQ(counters().controllers, before.controllers + 1);
    {
        Fd fd(control_socket());
        EXPECT_EQ(connect_ctl(fd.get(), ctl_addr(reg.ctl_id)), 0) << std::strerror(errno);
    }
    EXPECT_EQ(ctl_deregister(ref), 0);
    EXPECT_EQ(counters().controllers, before.controllers);
}

NKE_TEST(CtlRegister, NullRegistrationIsEinval, "CTL-REG-002") {
    const auto before = counters();
    kern_ctl_ref ref = sentinel();
    EXPECT_EQ(ctl_register(nullptr, nullptr, &ref), EINVAL);
    EXPECT_EQ(ref, sentinel()) << "*ctlref must not be written";
    expect_unchanged(before, "ctl_register(NULL, ...)");
}

NKE_TEST(CtlRegister, NullRefPointerIsEinval, "CTL-REG-003") {
    const auto before = counters();
    const uint32_t id = fresh_ctl_id();
    kern_ctl_reg reg = plain_reg(id);
    EXPECT_EQ(ctl_register(&reg, nullptr, nullptr), EINVAL);
    expect_unchanged(before, "ctl_register(..., NULL)");
    Fd fd(control_socket());
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), ctl_addr(id)), EADDRNOTAVAIL);
}

NKE_TEST(CtlRegister, UnknownFlagsAreEinval, "CTL-REG-004") {
    const auto before = counters();
    for (uint32_t flags : {0x2u, 0x4u, 0x80000000u, CTL_FLAG_PRIVILEGED | 0x100u}) {
        kern_ctl_reg reg = plain_reg(fresh_ctl_id());
        reg.ctl_flags = flags;
        kern_ctl_ref ref = sentinel();
        EXPECT_EQ(ctl_register(&reg, nullptr, &ref), EINVAL) << "flags " << flags;
        EXPECT_EQ(ref, sentinel());
    }
    expect_unchanged(before, "ctl_register with unknown flags");
}

NKE_TEST(CtlRegister, BufferSizesAreCapped, "CTL-REG-005") {
    const auto before = counters();
    for (int which = 0; which < 2; ++which) {
        kern_ctl_reg reg = plain_reg(fresh_ctl_id());
        (which ? reg.ctl_recvsize : reg.ctl_sendsize) = CTL_MAXBUFSIZE + 1;
        kern_ctl_ref ref = sentinel();
        EXPECT_EQ(ctl_register(&reg, nullptr, &ref), EINVAL) << (which ? "recvsize" : "sendsize");
        EXPECT_EQ(ref, sentinel());
    }
    expect_unchanged(before, "ctl_register with oversized buffers");
    TestController::Options o;
    o.sendsize = CTL_MAXBUFSIZE;
    o.recvsize = CTL_MAXBUFSIZE;
    TestController c(o);
    EXPECT_EQ(c.rc(), 0) << "CTL_MAXBUFSIZE itself is accepted";
}

NKE_TEST(CtlRegister, DuplicateIdAndUnitIsEexist, "CTL-REG-006") {
    TestController first;
    ASSERT_EQ(first.rc(), 0);
    Fd client = connected_client(first);
    const auto before = counters();
    kern_ctl_reg reg = plain_reg(first.id(), first.unit());
    kern_ctl_ref ref = sentinel();
    EXPECT_EQ(ctl_register(&reg, nullptr, &ref), EEXIST);
    EXPECT_EQ(ref, sentinel());
    expect_unchanged(before, "a duplicate ctl_register");
    // The first controller and its client are intact.
    EXPECT_EQ(nke_send(client.get(), "ok", 2, 0), 2);
    ASSERT_EQ(first.rec.written.size(), 1u);
    EXPECT_EQ(first.rec.written[0], "ok");
    EXPECT_EQ(first.rec.disconnects, 0);
}

NKE_TEST(CtlRegister, AllocationFailureIsEnomemAndChangesNothing, "CTL-REG-007") {
    NKE_REQUIRE_HOOK(fail_alloc);
    const uint32_t id = fresh_ctl_id();
    kern_ctl_reg reg = plain_reg(id);
    kern_ctl_ref ref = nullptr;
    const uint64_t n = alloc_sweep(
        [&] {
            ref = sentinel();
            const uint64_t posted = counters().events_posted;
            const int rc = ctl_register(&reg, nullptr, &ref);
            if (rc != 0) {
                EXPECT_EQ(ref, sentinel()) << "*ctlref written by a failed ctl_register";
                EXPECT_EQ(counters().events_posted, posted) << "event posted by a failed ctl_register";
            }
            return rc;
        },
        [&] { EXPECT_EQ(ctl_deregister(ref), 0); }, {ENOMEM});
    EXPECT_GE(n, 1u);
}

NKE_TEST(CtlRegister, ZeroIdAndUnitAreValidAndPairsAreIndependent, "CTL-REG-008") {
    // Id 0 may be in use by another test in batch mode: pick unit numbers of our own.
    const uint32_t u = fresh_ctl_id();
    // TestController treats id 0 as "fresh": register id 0 by hand.
    kern_ctl_reg reg0 = plain_reg(0, u);
    CtlRecorder rec0;
    reg0.ctl_write = CtlRecorder::on_write;
    kern_ctl_ref ref0 = nullptr;
    ASSERT_EQ(ctl_register(&reg0, &rec0, &ref0), 0) << "id 0";
    const uint32_t id = fresh_ctl_id();
    TestController::Options o;
    o.id = id;
    o.unit = 0;
    TestController a(o);
    o.unit = 1;
    TestController b(o);
    ASSERT_EQ(a.rc(), 0) << "unit 0";
    ASSERT_EQ(b.rc(), 0) << "same id, unit 1";
    // Each pair reaches its own controller only.
    {
        Fd f0(control_socket()), fa(control_socket()), fb(control_socket());
        ASSERT_EQ(connect_ctl(f0.get(), ctl_addr(0, u)), 0) << std::strerror(errno);
        ASSERT_EQ(connect_ctl(fa.get(), ctl_addr(id, 0)), 0) << std::strerror(errno);
        ASSERT_EQ(connect_ctl(fb.get(), ctl_addr(id, 1)), 0) << std::strerror(errno);
        EXPECT_EQ(nke_send(f0.get(), "zero", 4, 0), 4);
        EXPECT_EQ(nke_send(fa.get(), "a", 1, 0), 1);
        EXPECT_EQ(nke_send(fb.get(), "b", 1, 0), 1);
    }
    EXPECT_EQ(rec0.written, std::vector<std::string>{"zero"});
    EXPECT_EQ(a.rec.written, std::vector<std::string>{"a"});
    EXPECT_EQ(b.rec.written, std::vector<std::string>{"b"});
    EXPECT_EQ(ctl_deregister(ref0), 0);
}

NKE_TEST(CtlRegister, CallbacksGetTheRefAndUserdata, "CTL-REG-009") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    {
        Fd fd = connected_client(c);
        EXPECT_EQ(nke_send(fd.get(), "x", 1, 0), 1);
        EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, "v", 1), 0);
        char buf[8];
        socklen_t len = sizeof buf;
        EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 2, buf, &len), 0);
    }
    ASSERT_EQ(c.rec.refs.size(), 5u) << "connect, write, set, get, disconnect";
    for (size_t i = 0; i < c.rec.refs.size(); ++i) {
        EXPECT_EQ(c.rec.refs[i], c.ref()) << "call " << i;
        EXPECT_EQ(c.rec.userdatas[i], &c.rec) << "call " << i;
    }
}

NKE_TEST(CtlRegister, NullUserdataIsPassedAsNull, "CTL-REG-009") {
    static void *seen = reinterpret_cast<void *>(1);
    kern_ctl_reg reg = plain_reg(fresh_ctl_id());
    reg.ctl_connect = [](kern_ctl_ref, void *ud) {
        seen = ud;
        return 0;
    };
    kern_ctl_ref ref = nullptr;
    ASSERT_EQ(ctl_register(&reg, nullptr, &ref), 0);
    {
        Fd fd(control_socket());
        EXPECT_EQ(connect_ctl(fd.get(), ctl_addr(reg.ctl_id)), 0) << std::strerror(errno);
    }
    EXPECT_EQ(seen, nullptr);
    EXPECT_EQ(ctl_deregister(ref), 0);
}

NKE_TEST(CtlRegister, TheRegistrationIsCopied, "CTL-REG-010") {
    NKE_REQUIRE_HOOK(set_credentials);
    CtlRecorder rec;
    const uint32_t id = fresh_ctl_id();
    kern_ctl_ref ref = nullptr;
    {
        kern_ctl_reg reg = plain_reg(id);
        reg.ctl_write = CtlRecorder::on_write;
        ASSERT_EQ(ctl_register(&reg, &rec, &ref), 0);
        // Scribble over the caller's structure before it goes away.
        reg.ctl_flags = CTL_FLAG_PRIVILEGED;
        reg.ctl_sendsize = 1;
        reg.ctl_write = nullptr;
        reg.ctl_id = id + 1000;
        std::memset(&reg, 0xa5, sizeof reg);
    }
    {
        AsUser user(501, 501);
        Fd fd(control_socket());
        ASSERT_EQ(connect_ctl(fd.get(), ctl_addr(id)), 0)
            << "still reachable at its id, still unprivileged: " << std::strerror(errno);
        EXPECT_EQ(nke_send(fd.get(), "hello", 5, 0), 5) << "send size still the default";
    }
    EXPECT_EQ(rec.written, std::vector<std::string>{"hello"}) << "ctl_write still called";
    EXPECT_EQ(ctl_deregister(ref), 0);
}

NKE_TEST(CtlRegister, EveryCallbackIsOptional, "CTL-REG-011") {
    const auto before = counters();
    TestController::Options o;
    o.callbacks = 0;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    {
        Fd fd = connected_client(c);
        EXPECT_EQ(nke_send(fd.get(), "data", 4, 0), 4);
        EXPECT_EQ(counters().mbufs, before.mbufs) << "the message is freed by the stack";
    }
    EXPECT_EQ(c.deregister(), 0);
}

NKE_TEST(CtlRegister, ReservedFieldsAreIgnored, "CTL-REG-012") {
    CtlRecorder rec;
    kern_ctl_reg reg = plain_reg(fresh_ctl_id());
    reg.ctl_reserved0 = 0xdeadbeef;
    for (auto &w : reg.ctl_reserved) w = 0xffffffff;
    reg.ctl_write = CtlRecorder::on_write;
    kern_ctl_ref ref = nullptr;
    ASSERT_EQ(ctl_register(&reg, &rec, &ref), 0);
    {
        Fd fd(control_socket());
        ASSERT_EQ(connect_ctl(fd.get(), ctl_addr(reg.ctl_id)), 0) << std::strerror(errno);
        EXPECT_EQ(nke_send(fd.get(), "r", 1, 0), 1);
    }
    EXPECT_EQ(rec.writes, 1);
    EXPECT_EQ(ctl_deregister(ref), 0);
}

NKE_TEST(CtlRegister, ZeroSizesMeanTheDefaults, "CTL-REG-013", "CTL-CONNECT-011") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    EXPECT_EQ(sockopt_int(fd.get(), SOL_SOCKET, SO_SNDBUF), CTL_SENDSIZE);
    EXPECT_EQ(sockopt_int(fd.get(), SOL_SOCKET, SO_RCVBUF), CTL_RECVSIZE);
    std::string msg(CTL_SENDSIZE, 'm');
    EXPECT_EQ(nke_send(fd.get(), msg.data(), msg.size(), 0), static_cast<ssize_t>(msg.size()));
    msg.push_back('!');
    EXPECT_SYS_ERRNO(nke_send(fd.get(), msg.data(), msg.size(), 0), EMSGSIZE);
}

NKE_TEST(CtlRegister, ExplicitSizesBecomeTheClientsLimits, "CTL-REG-013", "CTL-CONNECT-011") {
    TestController::Options o;
    o.sendsize = 100;
    o.recvsize = 3000;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    EXPECT_EQ(sockopt_int(fd.get(), SOL_SOCKET, SO_SNDBUF), 100);
    EXPECT_EQ(sockopt_int(fd.get(), SOL_SOCKET, SO_RCVBUF), 3000);
}

NKE_TEST(CtlRegister, PostsKevCtlRegistered, "CTL-REG-014", "KEV-STACK-001") {
    EventListener ev(KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS);
    TestController::Options o;
    o.unit = 7;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    auto events = ev.drain();
    ASSERT_EQ(events.size(), 1u);
    const Event &e = events[0];
    EXPECT_EQ(e.received, 32u);
    EXPECT_EQ(e.hdr.total_size, 32u);
    EXPECT_EQ(e.hdr.vendor_code, static_cast<uint32_t>(KEV_VENDOR_APPLE));
    EXPECT_EQ(e.hdr.kev_class, static_cast<uint32_t>(KEV_SYSTEM_CLASS));
    EXPECT_EQ(e.hdr.kev_subclass, static_cast<uint32_t>(KEV_CTL_SUBCLASS));
    EXPECT_EQ(e.hdr.event_code, static_cast<uint32_t>(KEV_CTL_REGISTERED));
    ctl_event_data d{};
    ASSERT_EQ(e.payload.size(), sizeof d);
    std::memcpy(&d, e.payload.data(), sizeof d);
    EXPECT_EQ(d.ctl_id, c.id());
    EXPECT_EQ(d.ctl_unit, 7u);
}

NKE_TEST(CtlRegister, ListenerCanConnectAsSoonAsTheEventArrives, "CTL-REG-014") {
    EventListener ev(KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS);
    std::atomic<uint32_t> id{0};
    kern_ctl_ref ref = nullptr;
    std::thread nke([&] {
        kern_ctl_reg reg = plain_reg(fresh_ctl_id());
        id = reg.ctl_id;
        EXPECT_EQ(ctl_register(&reg, nullptr, &ref), 0);
    });
    // Block for the event, then connect at once.
    unsigned char buf[64];
    const ssize_t n = nke_recv(ev.fd(), buf, sizeof buf, 0);
    ASSERT_EQ(n, 32);
    const Event e = decode_event(buf, static_cast<size_t>(n));
    ctl_event_data d{};
    std::memcpy(&d, e.payload.data(), sizeof d);
    {
        Fd fd(control_socket());
        EXPECT_EQ(connect_ctl(fd.get(), ctl_addr(d.ctl_id, d.ctl_unit)), 0) << std::strerror(errno);
    }
    nke.join();
    EXPECT_EQ(d.ctl_id, id.load());
    EXPECT_EQ(ctl_deregister(ref), 0);
}

NKE_TEST(CtlRegister, FullEventQueueDoesNotFailRegistration, "CTL-REG-014") {
    EventListener ev(KEV_ANY_VENDOR, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    // Fill the listener's queue with 1 KB events until one is dropped.
    std::string payload(1000, 'f');
    const auto before = counters();
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; ++i) {
        kev_msg m = make_event(0x7e57, 1, 1, 1, payload.data(), 1000);
        rc = kev_post_msg(&m);
    }
    ASSERT_EQ(rc, ENOBUFS) << "the queue never filled";
    TestController c;
    EXPECT_EQ(c.rc(), 0);
    EXPECT_GT(counters().events_dropped, before.events_dropped + 1) << "the registration event was dropped";
    ev.drain();
}

NKE_TEST(CtlRegister, RefsAreNeverReused, "CTL-REG-015") {
    const uint32_t id = fresh_ctl_id();
    std::vector<kern_ctl_ref> refs;
    for (int i = 0; i < 50; ++i) {
        kern_ctl_reg reg = plain_reg(id);
        kern_ctl_ref ref = nullptr;
        ASSERT_EQ(ctl_register(&reg, nullptr, &ref), 0);
        for (kern_ctl_ref old : refs) ASSERT_NE(ref, old) << "a reference was reused";
        refs.push_back(ref);
        ASSERT_EQ(ctl_deregister(ref), 0);
    }
    // And every old one is now stale.
    for (kern_ctl_ref old : refs) EXPECT_EQ(ctl_deregister(old), EINVAL);
}

NKE_TEST(CtlRegister, ConcurrentDuplicatesGiveOneSuccess, "CTL-REG-016") {
    const uint32_t id = fresh_ctl_id();
    constexpr int kThreads = 8;
    std::atomic<int> ok{0}, exist{0};
    std::vector<kern_ctl_ref> refs(kThreads, nullptr);
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
        ts.emplace_back([&, t] {
            kern_ctl_reg reg = plain_reg(id);
            const int rc = ctl_register(&reg, nullptr, &refs[static_cast<size_t>(t)]);
            if (rc == 0) ++ok;
            else if (rc == EEXIST) ++exist;
        });
    }
    for (auto &t : ts) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(exist.load(), kThreads - 1);
    for (kern_ctl_ref r : refs) {
        if (r) {
            EXPECT_EQ(ctl_deregister(r), 0);
        }
    }
}

NKE_TEST(CtlRegister, CallbackMayRegisterAnotherController, "CTL-REG-016") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    kern_ctl_ref inner = nullptr;
    int inner_rc = -1, dereg_rc = -1;
    const uint32_t inner_id = fresh_ctl_id();
    c.rec.in_write = [&] {
        kern_ctl_reg reg = plain_reg(inner_id);
        inner_rc = ctl_register(&reg, nullptr, &inner);
        dereg_rc = ctl_deregister(inner);
    };
    Fd fd = connected_client(c);
    EXPECT_EQ(nke_send(fd.get(), "go", 2, 0), 2);
    EXPECT_EQ(inner_rc, 0);
    EXPECT_EQ(dereg_rc, 0);
}
