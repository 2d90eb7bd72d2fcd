// spec/dlil.md — DLIL registrations and module unloading.
#include "dl_util.hpp"

#include "../../modules/dl_mod_args.h"

using namespace dltest;

namespace {
int load(dl_mod_args &a, const char *module = "dl_testmod") {
    int id = 0;
    const int rc = kmod_load(nke::test::module_path(module).c_str(), &a, &id);
    return rc == 0 ? id : -rc;
}
}  // namespace

NKE_TEST(DlilMod, RegistrationsBelongToTheModule, "DLIL-MOD-001") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    dl_mod_args a{};
    a.mode = DL_MOD_FILTER;
    a.ifp = &d.ifp;
    const int id = load(a);
    ASSERT_GT(id, 0);
    kmod_stat st{};
    ASSERT_EQ(kmod_get_stat(id, &st), 0);
    EXPECT_EQ(st.registrations, 1u);
    EXPECT_EQ(st.reference_count, 0);
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(a.input_calls, 1);
    ASSERT_EQ(kmod_unload(id, &a), 0);
    EXPECT_EQ(a.detach_calls, 1);
}

NKE_TEST(DlilMod, ForeignProtocolKeepsDriverModuleLoaded, "DLIL-MOD-002") {
    dl_mod_args a{};
    a.mode = DL_MOD_DRIVER;
    a.unit = next_unit();
    const int id = load(a);
    ASSERT_GT(id, 0);
    Proto p("p", kPfA);
    p.reg.interface_family = APPLE_IF_FAM_ETHERNET;
    p.reg.unit_number = a.unit;
    p.link_descs();
    unsigned long tag = 0;
    ASSERT_EQ(dlil_attach_protocol(&p.reg, &tag), 0);
    EXPECT_EQ(kmod_unload(id, &a), EBUSY);
    EXPECT_NE(ifunit(("mdr" + std::to_string(a.unit)).c_str()), nullptr);
    ASSERT_EQ(dlil_detach_protocol(tag), 0);
    EXPECT_EQ(kmod_unload(id, &a), 0);
    EXPECT_EQ(ifunit(("mdr" + std::to_string(a.unit)).c_str()), nullptr);
}

NKE_TEST(DlilMod, ForeignInterfaceKeepsFamilyModuleLoaded, "DLIL-MOD-002") {
    dl_mod_args a{};
    a.mode = DL_MOD_FAMILY;
    a.family = next_family();
    const int id = load(a);
    ASSERT_GT(id, 0);
    {
        Driver d("cus", a.family);
        ASSERT_EQ(d.attach(), 0);
        EXPECT_EQ(kmod_unload(id, &a), EBUSY);
    }
    EXPECT_EQ(kmod_unload(id, &a), 0);
    Driver e("cus", a.family);
    EXPECT_EQ(e.attach(), ENODEV);
}

NKE_TEST(DlilMod, UnloadReapsLeftovers, "DLIL-MOD-003") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    dl_mod_args f{};
    f.mode = DL_MOD_FILTER;
    f.ifp = &d.ifp;
    f.leave_attached = 1;
    const int fid = load(f);
    ASSERT_GT(fid, 0);
    dl_mod_args drv{};
    drv.mode = DL_MOD_DRIVER;
    drv.unit = next_unit();
    drv.leave_attached = 1;
    const int did = load(drv, "dl_testmod_b");
    ASSERT_GT(did, 0);
    dl_mod_args fam{};
    fam.mode = DL_MOD_FAMILY;
    fam.family = next_family();
    fam.leave_attached = 1;
    const int mid = load(fam, "dl_testmod_c");
    ASSERT_GT(mid, 0);
    const auto before = nke::test::counters();
    ASSERT_EQ(kmod_unload(fid, &f), 0);
    EXPECT_EQ(f.detach_calls, 1);
    EXPECT_EQ(nke::test::counters().dl_filters, before.dl_filters - 1);
    ASSERT_EQ(kmod_unload(did, &drv), 0);
    EXPECT_EQ(ifunit(("mdr" + std::to_string(drv.unit)).c_str()), nullptr);
    EXPECT_EQ(nke::test::counters().interfaces, before.interfaces - 1);
    ASSERT_EQ(kmod_unload(mid, &fam), 0);
    EXPECT_EQ(nke::test::counters().if_families, before.if_families - 1);
    d.input(eth_frame(kOurMac, kTypeA));  // the reaped filter is not called
    EXPECT_EQ(f.input_calls, 0);
}
