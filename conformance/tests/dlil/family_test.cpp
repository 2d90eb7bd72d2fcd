// spec/dlil.md — interface-family modules.
#include "dl_util.hpp"

using namespace dltest;

NKE_TEST(DlilFam, BuiltinFamiliesExist, "DLIL-FAM-001") {
    EXPECT_GE(nke::test::counters().if_families, 2u);
    Driver e("tst", APPLE_IF_FAM_ETHERNET);
    EXPECT_EQ(e.attach(), 0);
    Driver l("tlo", APPLE_IF_FAM_LOOPBACK);
    EXPECT_EQ(l.attach(), 0);
    dlil_ifmod_reg_str r = CustomFamily::reg();
    EXPECT_EQ(dlil_reg_if_modules(APPLE_IF_FAM_ETHERNET, &r), EEXIST);
    EXPECT_EQ(dlil_reg_if_modules(APPLE_IF_FAM_LOOPBACK, &r), EEXIST);
}

NKE_TEST(DlilFam, RegistrationIsCopied, "DLIL-FAM-002") {
    const uint32_t family = next_family();
    CustomFamily::reset();
    {
        dlil_ifmod_reg_str r = CustomFamily::reg();
        ASSERT_EQ(dlil_reg_if_modules(family, &r), 0);
        std::memset(&r, 0, sizeof r);  // the stack kept a copy
    }
    {
        Driver d("cus", family);
        EXPECT_EQ(d.attach(), 0);
        EXPECT_EQ(CustomFamily::add_if_calls, 1);
    }
    EXPECT_EQ(dlil_dereg_if_modules(family), 0);
}

NKE_TEST(DlilFam, DuplicateRegistrationIsEexist, "DLIL-FAM-003") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    auto before = nke::test::counters();
    dlil_ifmod_reg_str r = CustomFamily::reg();
    EXPECT_EQ(dlil_reg_if_modules(fam.family, &r), EEXIST);
    expect_unchanged(before, "duplicate registration");
}

NKE_TEST(DlilFam, PendingDeregistrationStillBlocksRegistration, "DLIL-FAM-003") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    ASSERT_EQ(dlil_dereg_if_modules(fam.family), DLIL_WAIT_FOR_FREE);
    dlil_ifmod_reg_str r = CustomFamily::reg();
    EXPECT_EQ(dlil_reg_if_modules(fam.family, &r), EEXIST);
    ASSERT_EQ(d.detach(), 0);
    fam.registered = false;
}

NKE_TEST(DlilFam, BadRegistrationIsEinval, "DLIL-FAM-004") {
    auto before = nke::test::counters();
    const uint32_t family = next_family();
    EXPECT_EQ(dlil_reg_if_modules(family, nullptr), EINVAL);
    dlil_ifmod_reg_str r = CustomFamily::reg();
    EXPECT_EQ(dlil_reg_if_modules(0, &r), EINVAL);
    for (int k = 0; k < 4; ++k) {
        dlil_ifmod_reg_str bad = CustomFamily::reg();
        if (k == 0) bad.add_if = nullptr;
        if (k == 1) bad.del_if = nullptr;
        if (k == 2) bad.add_proto = nullptr;
        if (k == 3) bad.del_proto = nullptr;
        EXPECT_EQ(dlil_reg_if_modules(family, &bad), EINVAL) << k;
    }
    dlil_ifmod_reg_str res = CustomFamily::reg();
    res.reserved[1] = 1;
    EXPECT_EQ(dlil_reg_if_modules(family, &res), EINVAL);
    expect_unchanged(before, "refused registrations");
}

NKE_TEST(DlilFam, RegistrationWithoutMemoryIsEnomem, "DLIL-FAM-005") {
    NKE_REQUIRE_HOOK(fail_alloc);
    auto before = nke::test::counters();
    const uint32_t family = next_family();
    dlil_ifmod_reg_str r = CustomFamily::reg();
    int rc;
    {
        nke::test::FailAlloc fail(1, true);
        rc = dlil_reg_if_modules(family, &r);
    }
    EXPECT_EQ(rc, ENOMEM);
    expect_unchanged(before, "registration without memory");
}

NKE_TEST(DlilFam, DeregUnknownIsEnoent, "DLIL-FAM-006") {
    auto before = nke::test::counters();
    EXPECT_EQ(dlil_dereg_if_modules(next_family()), ENOENT);
    expect_unchanged(before, "deregistering nothing");
}

NKE_TEST(DlilFam, DeregTwiceWhilePendingIsEnoent, "DLIL-FAM-006") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    ASSERT_EQ(dlil_dereg_if_modules(fam.family), DLIL_WAIT_FOR_FREE);
    EXPECT_EQ(dlil_dereg_if_modules(fam.family), ENOENT);
    ASSERT_EQ(d.detach(), 0);
    fam.registered = false;
}

NKE_TEST(DlilFam, DeregUnusedRemovesAndShutsDown, "DLIL-FAM-007", "DLIL-FAM-012") {
    const uint64_t base = nke::test::counters().if_families;
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    EXPECT_EQ(nke::test::counters().if_families, base + 1);
    EXPECT_EQ(dlil_dereg_if_modules(fam.family), 0);
    fam.registered = false;
    EXPECT_EQ(CustomFamily::shutdown_calls, 1);
    EXPECT_EQ(nke::test::counters().if_families, base);
    Driver d("cus", fam.family);
    EXPECT_EQ(d.attach(), ENODEV);
    dlil_ifmod_reg_str r = CustomFamily::reg();
    EXPECT_EQ(dlil_reg_if_modules(fam.family, &r), 0);
    EXPECT_EQ(dlil_dereg_if_modules(fam.family), 0);
}

NKE_TEST(DlilFam, DeregInUseWaitsAndRefusesNewUsers, "DLIL-FAM-008", "DLIL-IF-003",
         "DLIL-PROTO-003") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    EXPECT_EQ(dlil_dereg_if_modules(fam.family), DLIL_WAIT_FOR_FREE);
    fam.registered = false;
    EXPECT_EQ(CustomFamily::shutdown_calls, 0);
    Driver e("cus", fam.family);
    EXPECT_EQ(e.attach(), ENODEV);
    Proto p("p", kPfA);
    EXPECT_EQ(p.attach(d), ENOENT);
    // The existing interface keeps working.
    EXPECT_EQ(dlil_ioctl(0, &d.ifp, 7, nullptr), EOPNOTSUPP);
    ASSERT_EQ(d.detach(), 0);
}

NKE_TEST(DlilFam, LastInterfaceDetachCompletesDeregistration, "DLIL-FAM-009") {
    const uint64_t base = nke::test::counters().if_families;
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family), e("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    ASSERT_EQ(e.attach(), 0);
    ASSERT_EQ(dlil_dereg_if_modules(fam.family), DLIL_WAIT_FOR_FREE);
    fam.registered = false;
    ASSERT_EQ(d.detach(), 0);
    EXPECT_EQ(CustomFamily::shutdown_calls, 0);
    ASSERT_EQ(e.detach(), 0);
    EXPECT_EQ(CustomFamily::shutdown_calls, 1);
    EXPECT_EQ(nke::test::counters().if_families, base);
    dlil_ifmod_reg_str r = CustomFamily::reg();
    EXPECT_EQ(dlil_reg_if_modules(fam.family, &r), 0);
    EXPECT_EQ(dlil_dereg_if_modules(fam.family), 0);
}

NKE_TEST(DlilFam, BuiltinsCannotBeDeregistered, "DLIL-FAM-010") {
    auto before = nke::test::counters();
    EXPECT_EQ(dlil_dereg_if_modules(APPLE_IF_FAM_ETHERNET), EPERM);
    EXPECT_EQ(dlil_dereg_if_modules(APPLE_IF_FAM_LOOPBACK), EPERM);
    expect_unchanged(before, "deregistering built-ins");
}

NKE_TEST(DlilFam, AddProtoGetsDescriptorsHandleAndTag, "DLIL-FAM-011") {
    static ddesc_head_str *seen_head;
    static if_proto *seen_handle;
    static unsigned long seen_tag, del_tag;
    static if_proto *del_handle;
    dlil_ifmod_reg_str r = CustomFamily::reg();
    r.add_proto = [](ddesc_head_str *h, if_proto *p, unsigned long t) -> int {
        seen_head = h;
        seen_handle = p;
        seen_tag = t;
        return 0;
    };
    r.del_proto = [](if_proto *p, unsigned long t) -> int {
        del_handle = p;
        del_tag = t;
        return 0;
    };
    const uint32_t family = next_family();
    ASSERT_EQ(dlil_reg_if_modules(family, &r), 0);
    {
        Driver d("cus", family);
        ASSERT_EQ(d.attach(), 0);
        Proto p("p", kPfA);
        ASSERT_EQ(p.attach(d), 0);
        EXPECT_EQ(seen_head, &p.reg.demux_desc_head);
        EXPECT_NE(seen_handle, nullptr);
        EXPECT_EQ(seen_tag, p.tag);
        const unsigned long tag = p.tag;
        ASSERT_EQ(p.detach(), 0);
        EXPECT_EQ(del_handle, seen_handle);
        EXPECT_EQ(del_tag, tag);
    }
    EXPECT_EQ(dlil_dereg_if_modules(family), 0);
}
