// spec/module.md — unloading.
#include "module_helpers.hpp"

using nke::test::LoadedModule;
using nke::test::module_path;

NKE_TEST(ModuleUnload, CallsStopWithTheCallersDataAndUnloads, "KMOD-UNLOAD-005", "KMOD-UNLOAD-006") {
    kmod_probe probe{}, stop_probe{};
    const auto before = nke::test::counters();
    int id = 0;
    ASSERT_EQ(kmod_load(module_path("kmod_probe").c_str(), &probe, &id), 0);
    ASSERT_EQ(kmod_unload(id, &stop_probe), 0);
    EXPECT_EQ(stop_probe.stop_calls, 1);
    EXPECT_EQ(stop_probe.seen_data, &stop_probe);
    EXPECT_EQ(probe.stop_calls, 0);
    EXPECT_FALSE(nke::test::module_loaded(id));
    EXPECT_EQ(nke::test::counters().modules, before.modules);
}

NKE_TEST(ModuleUnload, UnknownIdIsEnoent, "KMOD-UNLOAD-001") {
    const auto before = nke::test::counters();
    EXPECT_EQ(kmod_unload(0, nullptr), ENOENT);
    EXPECT_EQ(kmod_unload(-1, nullptr), ENOENT);
    EXPECT_EQ(kmod_unload(1 << 30, nullptr), ENOENT);
    nke::test::Fixture::expect_unchanged(before, "kmod_unload(unknown id)");
}

NKE_TEST(ModuleUnload, StopRefusalKeepsTheModuleLoaded, "KMOD-UNLOAD-003") {
    kmod_probe probe{};
    LoadedModule m("kmod_probe", &probe);
    ASSERT_EQ(m.rc(), 0);
    probe.stop_result = KMOD_RETURN_FAILURE;
    const auto before = nke::test::counters();
    EXPECT_EQ(kmod_unload(m.id(), &probe), EBUSY);
    EXPECT_EQ(probe.stop_calls, 1);
    EXPECT_TRUE(nke::test::module_loaded(m.id()));
    nke::test::Fixture::expect_unchanged(before, "a refused stop");
    // A later unload calls stop again and may succeed.
    probe.stop_result = KMOD_RETURN_SUCCESS;
    EXPECT_EQ(kmod_unload(m.id(), &probe), 0);
    EXPECT_EQ(probe.stop_calls, 2);
    EXPECT_FALSE(nke::test::module_loaded(m.id()));
}

NKE_TEST(ModuleUnload, NullRoutinesMeanSuccess, "KMOD-DESC-004") {
    // kmod_probe_twin has no stop routine; kmod_scope_a has none either.
    kmod_probe probe{};
    int id = 0;
    ASSERT_EQ(kmod_load(module_path("kmod_probe_twin").c_str(), &probe, &id), 0);
    EXPECT_EQ(probe.start_calls, 1);
    EXPECT_EQ(kmod_unload(id, nullptr), 0);
}

NKE_TEST(ModuleUnload, ReloadAfterUnloadRunsStartAgain, "KMOD-UNLOAD-005", "KMOD-LOAD-007") {
    kmod_probe probe{};
    int id = 0;
    ASSERT_EQ(kmod_load(module_path("kmod_probe").c_str(), &probe, &id), 0);
    ASSERT_EQ(kmod_unload(id, &probe), 0);
    ASSERT_EQ(kmod_load(module_path("kmod_probe").c_str(), &probe, &id), 0);
    EXPECT_EQ(probe.start_calls, 2);
    EXPECT_EQ(kmod_unload(id, &probe), 0);
    EXPECT_EQ(probe.stop_calls, 2);
}
