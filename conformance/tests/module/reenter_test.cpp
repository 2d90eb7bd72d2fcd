// spec/module.md and spec/concurrency.md — the loader from inside NKE code.
#include "module_helpers.hpp"

using nke::test::module_path;

NKE_TEST(ModuleReenter, LoaderRefusesCallsFromStartAndStop, "KMOD-REENTER-001", "CONC-CB-003") {
    const std::string self = module_path("kmod_probe");
    kmod_probe probe{};
    probe.path = self.c_str();
    probe.reenter_load_rc = -1;
    probe.reenter_unload_rc = -1;
    int id = 0;
    ASSERT_EQ(kmod_load(module_path("kmod_reenter").c_str(), &probe, &id), 0);
    EXPECT_EQ(probe.reenter_load_rc, EDEADLK);
    EXPECT_EQ(probe.reenter_unload_rc, EDEADLK);
    EXPECT_EQ(kmod_lookup("com.opennke.test.probe", &id) == 0 ? 1 : 0, 0)
        << "the refused nested load must not have loaded anything";
    int reenter_id = 0;
    ASSERT_EQ(kmod_lookup("com.opennke.test.reenter", &reenter_id), 0);
    probe.reenter_load_rc = probe.reenter_unload_rc = -1;
    EXPECT_EQ(kmod_unload(reenter_id, &probe), 0);
    EXPECT_EQ(probe.reenter_load_rc, EDEADLK);
    EXPECT_EQ(probe.reenter_unload_rc, EDEADLK);
}
