// spec/module.md — look-up and listing.
#include "module_helpers.hpp"

#include <algorithm>
#include <vector>

using nke::test::LoadedModule;

NKE_TEST(ModuleStat, LookupFindsByName, "KMOD-STAT-001") {
    kmod_probe probe{};
    LoadedModule m("kmod_probe", &probe);
    ASSERT_EQ(m.rc(), 0);
    int id = 0;
    ASSERT_EQ(kmod_lookup("com.opennke.test.probe", &id), 0);
    EXPECT_EQ(id, m.id());
}

NKE_TEST(ModuleStat, LookupErrors, "KMOD-STAT-001") {
    int id = 0;
    EXPECT_EQ(kmod_lookup(nullptr, &id), EINVAL);
    EXPECT_EQ(kmod_lookup("com.opennke.test.probe", nullptr), EINVAL);
    EXPECT_EQ(kmod_lookup("com.opennke.test.nobody", &id), ENOENT);
}

NKE_TEST(ModuleStat, StatDescribesTheModule, "KMOD-STAT-002", "KMOD-OWN-002") {
    kmod_probe probe{};
    LoadedModule m("kmod_probe", &probe);
    ASSERT_EQ(m.rc(), 0);
    kmod_stat st{};
    ASSERT_EQ(kmod_get_stat(m.id(), &st), 0);
    EXPECT_EQ(st.id, m.id());
    EXPECT_STREQ(st.name, "com.opennke.test.probe");
    EXPECT_STREQ(st.version, "1.2.3");
    EXPECT_EQ(std::string(st.path), m.path());
    EXPECT_EQ(st.registrations, 0u) << "kmod_probe registers nothing";
    EXPECT_EQ(st.reference_count, 0);
}

NKE_TEST(ModuleStat, StatErrors, "KMOD-STAT-002") {
    kmod_stat st{};
    EXPECT_EQ(kmod_get_stat(1 << 30, &st), ENOENT);
    kmod_probe probe{};
    LoadedModule m("kmod_probe", &probe);
    ASSERT_EQ(m.rc(), 0);
    EXPECT_EQ(kmod_get_stat(m.id(), nullptr), EINVAL);
}

NKE_TEST(ModuleStat, ListGivesIdsInLoadOrder, "KMOD-STAT-003") {
    size_t base = 0;
    ASSERT_EQ(kmod_list(nullptr, 0, &base), 0);
    kmod_probe a{}, b{};
    LoadedModule ma("kmod_scope_a", &a);
    LoadedModule mb("kmod_scope_b", &b);
    ASSERT_EQ(ma.rc(), 0);
    ASSERT_EQ(mb.rc(), 0);
    std::vector<int> ids(base + 2);
    size_t count = 0;
    ASSERT_EQ(kmod_list(ids.data(), ids.size(), &count), 0);
    ASSERT_EQ(count, base + 2);
    EXPECT_EQ(ids[base], ma.id());
    EXPECT_EQ(ids[base + 1], mb.id());
    // A short array gets a prefix and the full count.
    int one = -7;
    ASSERT_EQ(kmod_list(&one, 1, &count), 0);
    EXPECT_EQ(count, base + 2);
    EXPECT_EQ(one, ids[0]);
}

NKE_TEST(ModuleStat, ListErrors, "KMOD-STAT-003") {
    size_t count = 0;
    int ids[2];
    EXPECT_EQ(kmod_list(ids, 2, nullptr), EINVAL);
    EXPECT_EQ(kmod_list(nullptr, 2, &count), EINVAL);
}
