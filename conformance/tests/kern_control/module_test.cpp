// spec/kern_control.md — controllers owned by modules (CTL-MOD-*).
#include "ctl_helpers.hpp"
#include "ctl_module_probe.h"

using namespace nke::test;

namespace {

bool module_loaded(int id) {
    kmod_stat st{};
    return kmod_get_stat(id, &st) == 0;
}

struct ModuleFixture {
    ctl_module_probe probe{};
    int id = 0;
    int rc = -1;
    explicit ModuleFixture(bool deregister_in_stop = true) {
        probe.id = fresh_ctl_id();
        probe.deregister_in_stop = deregister_in_stop ? 1 : 0;
        rc = kmod_load(module_path("ctl_module").c_str(), &probe, &id);
    }
    ~ModuleFixture() {
        kmod_stat st{};
        if (rc == 0 && kmod_get_stat(id, &st) == 0) {
            EXPECT_EQ(kmod_unload(id, &probe), 0);
        }
    }
};

}  // namespace

NKE_TEST(CtlModule, UnloadIsRefusedWhileAClientIsConnected, "CTL-MOD-001", "KMOD-REF-001") {
    ModuleFixture m;
    ASSERT_EQ(m.rc, 0);
    ASSERT_EQ(m.probe.register_rc, 0);
    Fd fd(control_socket());
    ASSERT_EQ(connect_ctl(fd.get(), ctl_addr(m.probe.id)), 0) << std::strerror(errno);
    kmod_stat st{};
    ASSERT_EQ(kmod_get_stat(m.id, &st), 0);
    EXPECT_EQ(st.reference_count, 1) << "the connected client";
    const auto before = counters();
    EXPECT_EQ(kmod_unload(m.id, &m.probe), EBUSY);
    expect_no_change(before, "a refused unload");
    EXPECT_EQ(m.probe.stop_calls, 0) << "stop must not run while a client is connected";
    EXPECT_TRUE(module_loaded(m.id));
    // The controller and its client are unaffected.
    EXPECT_EQ(nke_send(fd.get(), "echo", 4, 0), 4);
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "echo");
    EXPECT_EQ(m.probe.disconnects, 0);
}

NKE_TEST(CtlModule, UnloadSucceedsAfterTheClientCloses, "CTL-MOD-002") {
    ModuleFixture m;
    ASSERT_EQ(m.rc, 0);
    const auto before = counters();
    {
        Fd fd(control_socket());
        ASSERT_EQ(connect_ctl(fd.get(), ctl_addr(m.probe.id)), 0) << std::strerror(errno);
        EXPECT_EQ(kmod_unload(m.id, &m.probe), EBUSY);
    }
    EXPECT_EQ(m.probe.disconnects, 1);
    kmod_stat st{};
    ASSERT_EQ(kmod_get_stat(m.id, &st), 0);
    EXPECT_EQ(st.reference_count, 0);
    ASSERT_EQ(kmod_unload(m.id, &m.probe), 0);
    EXPECT_EQ(m.probe.stop_calls, 1);
    EXPECT_EQ(m.probe.deregister_rc, 0);
    EXPECT_FALSE(module_loaded(m.id));
    EXPECT_EQ(counters().controllers, before.controllers - 1);
    Fd fd(control_socket());
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), ctl_addr(m.probe.id)), EADDRNOTAVAIL);
}

NKE_TEST(CtlModule, LeftoverControllerIsDeregisteredOnUnload, "CTL-MOD-003", "KEV-STACK-001") {
    ModuleFixture m(/*deregister_in_stop=*/false);
    ASSERT_EQ(m.rc, 0);
    const auto before = counters();
    EventListener ev(KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS);
    ASSERT_EQ(kmod_unload(m.id, &m.probe), 0);
    EXPECT_EQ(m.probe.stop_calls, 1);
    EXPECT_EQ(counters().controllers, before.controllers - 1);
    auto events = ev.drain();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].hdr.event_code, static_cast<uint32_t>(KEV_CTL_DEREGISTERED));
    ctl_event_data d{};
    std::memcpy(&d, events[0].payload.data(), sizeof d);
    EXPECT_EQ(d.ctl_id, m.probe.id);
    // The pair is free again.
    kern_ctl_reg reg{};
    reg.ctl_id = m.probe.id;
    kern_ctl_ref ref = nullptr;
    EXPECT_EQ(ctl_register(&reg, nullptr, &ref), 0);
    EXPECT_EQ(ctl_deregister(ref), 0);
}

NKE_TEST(CtlModule, FailedStartLeavesNoController, "CTL-MOD-003") {
    ctl_module_probe probe{};
    probe.id = fresh_ctl_id();
    probe.start_result = KMOD_RETURN_FAILURE;
    const auto before = counters();
    int id = 0;
    EXPECT_NE(kmod_load(module_path("ctl_module").c_str(), &probe, &id), 0);
    EXPECT_EQ(probe.register_rc, 0) << "start registered, then failed";
    expect_no_change(before, "a failed start");
    Fd fd(control_socket());
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), ctl_addr(probe.id)), EADDRNOTAVAIL);
}
