// spec/module.md — references that block unloading, and what unloading
// removes.  Cross-chapter: the module attaches a DLIL interface filter.
#include "module_helpers.hpp"

#include "../dlil/dl_util.hpp"

#include <chrono>
#include <thread>

using nke::test::module_path;

namespace {

int load_dlfilter(kmod_probe &probe, int &id) {
    return kmod_load(module_path("kmod_dlfilter").c_str(), &probe, &id);
}

void wait_for(const int &flag) {
    for (int i = 0; i < 10000 && !__atomic_load_n(&flag, __ATOMIC_SEQ_CST); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace

NKE_TEST(ModuleReferences, ARunningCallbackBlocksUnloadUntilItReturns, "KMOD-UNLOAD-004",
         "KMOD-REF-001") {
    dltest::Driver drv;
    ASSERT_EQ(drv.attach(), 0);
    kmod_probe probe{};
    probe.ifp = &drv.ifp;
    __atomic_store_n(&probe.block, 1, __ATOMIC_SEQ_CST);
    int id = 0;
    ASSERT_EQ(load_dlfilter(probe, id), 0);
    ASSERT_EQ(probe.attach_rc, 0);

    std::thread driver([&] { drv.input(dltest::eth_frame(dltest::kOurMac, dltest::kTypeA)); });
    wait_for(probe.entered);
    ASSERT_TRUE(__atomic_load_n(&probe.entered, __ATOMIC_SEQ_CST)) << "the filter was never called";

    kmod_stat st{};
    ASSERT_EQ(kmod_get_stat(id, &st), 0);
    EXPECT_GE(st.reference_count, 1) << "a thread inside the module is a reference";
    const auto before = nke::test::counters();
    EXPECT_EQ(kmod_unload(id, &probe), EBUSY);
    EXPECT_EQ(probe.stop_calls, 0) << "a referenced module's stop routine must not run";
    nke::test::Fixture::expect_unchanged(before, "a refused unload");

    __atomic_store_n(&probe.block, 0, __ATOMIC_SEQ_CST);
    driver.join();
    EXPECT_EQ(kmod_unload(id, &probe), 0);
    EXPECT_EQ(probe.stop_calls, 1);
}

NKE_TEST(ModuleReferences, UnloadDetachesWhatStopLeftBehind, "KMOD-UNLOAD-005", "KMOD-OWN-001",
         "KMOD-OWN-002") {
    dltest::Driver drv;
    ASSERT_EQ(drv.attach(), 0);
    const auto before = nke::test::counters();
    kmod_probe probe{};
    probe.ifp = &drv.ifp;
    int id = 0;
    ASSERT_EQ(load_dlfilter(probe, id), 0);
    EXPECT_EQ(nke::test::counters().dl_filters, before.dl_filters + 1);
    kmod_stat st{};
    ASSERT_EQ(kmod_get_stat(id, &st), 0);
    EXPECT_EQ(st.registrations, 1u) << "the filter belongs to the module that attached it";
    EXPECT_EQ(st.reference_count, 0) << "its own filter is not a reference from outside";

    ASSERT_EQ(kmod_unload(id, &probe), 0);
    EXPECT_EQ(__atomic_load_n(&probe.detached, __ATOMIC_SEQ_CST), 1)
        << "the loader must detach the forgotten filter, with its notification";
    EXPECT_EQ(nke::test::counters().dl_filters, before.dl_filters);
    EXPECT_EQ(dlil_detach_filter(probe.filter_id), ENOENT) << "the filter id must be gone";
    // Frames still flow, and nothing calls into the unmapped module.
    EXPECT_EQ(drv.input(dltest::eth_frame(dltest::kOurMac, dltest::kTypeA)), 0);
}
