// spec/module.md — loading.
#include "module_helpers.hpp"

#include <fstream>

#include <unistd.h>
#include <cstdlib>

using nke::test::LoadedModule;
using nke::test::module_path;

NKE_TEST(ModuleLoad, StartsOnceWithTheCallersData, "KMOD-LOAD-001", "KMOD-LOAD-007", "KMOD-DESC-001") {
    kmod_probe probe{};
    const auto before = nke::test::counters();
    LoadedModule m("kmod_probe", &probe);
    ASSERT_EQ(m.rc(), 0);
    EXPECT_GT(m.id(), 0);
    EXPECT_EQ(probe.start_calls, 1);
    EXPECT_EQ(probe.stop_calls, 0);
    EXPECT_EQ(probe.seen_data, &probe);
    EXPECT_EQ(nke::test::counters().modules, before.modules + 1);
}

NKE_TEST(ModuleLoad, IdMayBeNull, "KMOD-LOAD-001") {
    kmod_probe probe{};
    ASSERT_EQ(kmod_load(module_path("kmod_probe").c_str(), &probe, nullptr), 0);
    int id = 0;
    ASSERT_EQ(kmod_lookup("com.opennke.test.probe", &id), 0);
    EXPECT_EQ(kmod_unload(id, &probe), 0);
}

NKE_TEST(ModuleLoad, SetsIdAddressAndSizeBeforeStart, "KMOD-DESC-003") {
    kmod_probe probe{};
    LoadedModule m("kmod_probe", &probe);
    ASSERT_EQ(m.rc(), 0);
    EXPECT_EQ(probe.seen_id, m.id());
    EXPECT_NE(probe.seen_address, 0u);
    EXPECT_GT(probe.seen_size, 0u);
    // The start routine itself lies inside the image the loader described.
    EXPECT_GE(probe.start_fn_address, probe.seen_address);
    EXPECT_LT(probe.start_fn_address, probe.seen_address + probe.seen_size);
}

NKE_TEST(ModuleLoad, NullOrEmptyPathIsEinval, "KMOD-LOAD-002") {
    const auto before = nke::test::counters();
    int id = 0;
    EXPECT_EQ(kmod_load(nullptr, nullptr, &id), EINVAL);
    EXPECT_EQ(kmod_load("", nullptr, &id), EINVAL);
    nke::test::Fixture::expect_unchanged(before, "kmod_load(NULL/empty)");
}

NKE_TEST(ModuleLoad, MissingFileIsEnoent, "KMOD-LOAD-003") {
    const auto before = nke::test::counters();
    int id = 0;
    EXPECT_EQ(kmod_load("/nonexistent/opennke/nothing.nke.so", nullptr, &id), ENOENT);
    nke::test::Fixture::expect_unchanged(before, "kmod_load(missing)");
}

NKE_TEST(ModuleLoad, NonElfFileIsEnoexec, "KMOD-LOAD-004") {
    char path[] = "/tmp/nke-not-a-module-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "not an ELF object\n", 18), 18);
    close(fd);
    const auto before = nke::test::counters();
    int id = 0;
    EXPECT_EQ(kmod_load(path, nullptr, &id), ENOEXEC);
    nke::test::Fixture::expect_unchanged(before, "kmod_load(text file)");
    unlink(path);
}

NKE_TEST(ModuleLoad, UnresolvedReferenceIsEnoexec, "KMOD-LOAD-004") {
    const auto before = nke::test::counters();
    int id = 0;
    EXPECT_EQ(kmod_load(module_path("kmod_unresolved").c_str(), nullptr, &id), ENOEXEC);
    nke::test::Fixture::expect_unchanged(before, "kmod_load(unresolved)");
}

NKE_TEST(ModuleLoad, ObjectWithoutDescriptorIsEnoexec, "KMOD-DESC-002") {
    const auto before = nke::test::counters();
    int id = 0;
    EXPECT_EQ(kmod_load(module_path("kmod_noinfo").c_str(), nullptr, &id), ENOEXEC);
    nke::test::Fixture::expect_unchanged(before, "kmod_load(no kmod_info)");
}

NKE_TEST(ModuleLoad, UnknownInfoVersionIsEnoexec, "KMOD-DESC-002") {
    int id = 0;
    EXPECT_EQ(kmod_load(module_path("kmod_badversion").c_str(), nullptr, &id), ENOEXEC);
    EXPECT_EQ(kmod_lookup("com.opennke.test.badversion", &id), ENOENT);
}

NKE_TEST(ModuleLoad, EmptyNameIsEnoexec, "KMOD-DESC-002") {
    int id = 0;
    const auto before = nke::test::counters();
    EXPECT_EQ(kmod_load(module_path("kmod_badname").c_str(), nullptr, &id), ENOEXEC);
    nke::test::Fixture::expect_unchanged(before, "kmod_load(empty name)");
}

NKE_TEST(ModuleLoad, UnterminatedNameIsEnoexec, "KMOD-DESC-002") {
    int id = 0;
    const auto before = nke::test::counters();
    EXPECT_EQ(kmod_load(module_path("kmod_unterminated").c_str(), nullptr, &id), ENOEXEC);
    nke::test::Fixture::expect_unchanged(before, "kmod_load(unterminated name)");
}

NKE_TEST(ModuleLoad, DuplicateNameIsEexistAndLeavesTheFirstAlone, "KMOD-LOAD-005") {
    kmod_probe first{}, second{};
    LoadedModule m("kmod_probe", &first);
    ASSERT_EQ(m.rc(), 0);
    const auto before = nke::test::counters();
    int id = 0;
    EXPECT_EQ(kmod_load(module_path("kmod_probe_twin").c_str(), &second, &id), EEXIST);
    EXPECT_EQ(second.start_calls, 0) << "the duplicate's start routine must not run";
    nke::test::Fixture::expect_unchanged(before, "kmod_load(duplicate name)");
    EXPECT_TRUE(nke::test::module_loaded(m.id()));
}

NKE_TEST(ModuleLoad, RefusedStartUnloadsTheModule, "KMOD-LOAD-006") {
    kmod_probe probe{};
    probe.start_result = KMOD_RETURN_FAILURE;
    const auto before = nke::test::counters();
    int id = 0;
    EXPECT_EQ(kmod_load(module_path("kmod_probe").c_str(), &probe, &id), ECANCELED);
    EXPECT_EQ(probe.start_calls, 1);
    EXPECT_EQ(probe.stop_calls, 0);
    EXPECT_EQ(kmod_lookup("com.opennke.test.probe", &id), ENOENT);
    nke::test::Fixture::expect_unchanged(before, "a refused start");
    // And the same file loads again once start agrees.
    probe.start_result = KMOD_RETURN_SUCCESS;
    LoadedModule again("kmod_probe", &probe);
    EXPECT_EQ(again.rc(), 0);
}

NKE_TEST(ModuleLoad, IdsAreNeverReused, "KMOD-LOAD-008") {
    kmod_probe probe{};
    int first = 0, second = 0;
    ASSERT_EQ(kmod_load(module_path("kmod_probe").c_str(), &probe, &first), 0);
    ASSERT_EQ(kmod_unload(first, &probe), 0);
    ASSERT_EQ(kmod_load(module_path("kmod_probe").c_str(), &probe, &second), 0);
    EXPECT_GT(first, 0);
    EXPECT_NE(first, second);
    EXPECT_EQ(kmod_unload(first, &probe), ENOENT) << "the old id must not reach the new module";
    EXPECT_EQ(kmod_unload(second, &probe), 0);
}

NKE_TEST(ModuleLoad, ModulesDoNotSeeEachOthersSymbols, "KMOD-LOAD-009") {
    kmod_probe a{}, b{};
    LoadedModule ma("kmod_scope_a", &a);
    LoadedModule mb("kmod_scope_b", &b);
    ASSERT_EQ(ma.rc(), 0);
    ASSERT_EQ(mb.rc(), 0);
    EXPECT_EQ(a.helper_value, 111);
    EXPECT_EQ(b.helper_value, 222);
}

NKE_TEST(ModuleLoad, InjectedAllocationFailureIsEnomem, "KMOD-LOAD-010", "HARN-FAIL-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    kmod_probe probe{};
    int id = 0;
    const uint64_t n = nke::test::alloc_sweep(
        [&] { return kmod_load(module_path("kmod_probe").c_str(), &probe, &id); },
        [&] { EXPECT_EQ(kmod_unload(id, &probe), 0); }, {ENOMEM});
    EXPECT_GT(n, 1u) << "kmod_load allocates at least once";
}
