// spec/dlil.md — attached protocols and dl_tags.
#include "dl_util.hpp"

using namespace dltest;

NKE_TEST(DlilProto, AttachWritesTagAndPostsEvent, "DLIL-PROTO-001", "DLIL-PROTO-009",
         "DLIL-PROTO-016") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    const auto before = nke::test::counters();
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    EXPECT_NE(p.tag, 0u);
    const auto after = nke::test::counters();
    EXPECT_EQ(after.dl_protos, before.dl_protos + 1);
    EXPECT_EQ(after.events_posted, before.events_posted + 1);
    // The registration may be reused at once.
    p.reg.input = nullptr;
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(p.received(), 1u);
    ASSERT_EQ(p.detach(), 0);
    EXPECT_EQ(nke::test::counters().dl_protos, before.dl_protos);
}

NKE_TEST(DlilProto, ArgumentErrorsAreEinval, "DLIL-PROTO-002") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    auto before = nke::test::counters();
    Proto p("p", kPfA);
    p.reg.unit_number = d.ifp.if_unit;
    unsigned long tag = 77;
    EXPECT_EQ(dlil_attach_protocol(nullptr, &tag), EINVAL);
    EXPECT_EQ(dlil_attach_protocol(&p.reg, nullptr), EINVAL);
    dlil_proto_reg_str r = p.reg;
    r.protocol_family = 0;
    EXPECT_EQ(dlil_attach_protocol(&r, &tag), EINVAL);
    r = p.reg;
    r.interface_family = 0;
    EXPECT_EQ(dlil_attach_protocol(&r, &tag), EINVAL);
    r = p.reg;
    r.input = nullptr;
    EXPECT_EQ(dlil_attach_protocol(&r, &tag), EINVAL);
    r = p.reg;
    r.default_proto = 2;
    EXPECT_EQ(dlil_attach_protocol(&r, &tag), EINVAL);
    EXPECT_EQ(tag, 77u);
    expect_unchanged(before, "refused protocol attaches");
}

NKE_TEST(DlilProto, NoFamilyOrInterfaceIsEnoent, "DLIL-PROTO-003") {
    auto before = nke::test::counters();
    Proto p("p", kPfA);
    unsigned long tag = 77;
    p.reg.interface_family = next_family();
    EXPECT_EQ(dlil_attach_protocol(&p.reg, &tag), ENOENT);
    p.reg.interface_family = APPLE_IF_FAM_ETHERNET;
    p.reg.unit_number = next_unit();  // no such interface
    EXPECT_EQ(dlil_attach_protocol(&p.reg, &tag), ENOENT);
    EXPECT_EQ(tag, 77u);
    expect_unchanged(before, "attach to nothing");
}

NKE_TEST(DlilProto, SameFamilyTwiceIsEexist, "DLIL-PROTO-005") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    auto before = nke::test::counters();
    Proto q("q", kPfA);
    EXPECT_EQ(q.attach(d), EEXIST);
    expect_unchanged(before, "duplicate protocol");
}

NKE_TEST(DlilProto, FirstInterfaceWithFamilyAndUnitWins, "DLIL-PROTO-006") {
    const int16_t unit = next_unit();
    Driver a("tsa", APPLE_IF_FAM_ETHERNET, unit), b("tsb", APPLE_IF_FAM_ETHERNET, unit);
    ASSERT_EQ(a.attach(), 0);
    ASSERT_EQ(b.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(a), 0);
    ASSERT_EQ(dlil_output(p.tag, m_gethdr(M_DONTWAIT, MT_DATA), nullptr, nullptr, 1), 0);
    EXPECT_EQ(a.sent(), 1u);
    EXPECT_EQ(b.sent(), 0u);
}

NKE_TEST(DlilProto, AttachWithoutMemoryChangesNothing, "DLIL-PROTO-007") {
    NKE_REQUIRE_HOOK(fail_alloc);
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    for (uint64_t n = 1; n <= 4; ++n) {
        Proto p("p", kPfA);
        p.etype2(kTypeA);
        p.reg.unit_number = d.ifp.if_unit;
        p.link_descs();
        auto before = nke::test::counters();
        unsigned long tag = 77;
        int rc;
        {
            nke::test::FailAlloc fail(n, false);
            rc = dlil_attach_protocol(&p.reg, &tag);
        }
        if (rc == 0) {
            EXPECT_NE(tag, 77u);
            EXPECT_EQ(dlil_detach_protocol(tag), 0);
            continue;
        }
        EXPECT_TRUE(rc == ENOMEM || rc == ENOBUFS) << rc;
        EXPECT_EQ(tag, 77u);
        expect_unchanged(before, "attach without memory");
    }
    Proto ok("ok", kPfA);
    ok.etype2(kTypeA);
    EXPECT_EQ(ok.attach(d), 0);
}

NKE_TEST(DlilProto, AddProtoErrorChangesNothing, "DLIL-PROTO-008") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    CustomFamily::add_proto_rc = EPROTOTYPE;
    auto before = nke::test::counters();
    Proto p("p", kPfA);
    p.reg.interface_family = fam.family;
    p.reg.unit_number = d.ifp.if_unit;
    p.reg.default_proto = 1;
    unsigned long tag = 77;
    EXPECT_EQ(dlil_attach_protocol(&p.reg, &tag), EPROTOTYPE);
    EXPECT_EQ(tag, 77u);
    EXPECT_EQ(CustomFamily::del_proto_calls, 0);
    expect_unchanged(before, "add_proto failure");
    unsigned long found;
    EXPECT_EQ(dlil_find_dltag(fam.family, d.ifp.if_unit, kPfA, &found), EPROTONOSUPPORT);
    // The family is free for a later attach.
    CustomFamily::add_proto_rc = 0;
    EXPECT_EQ(p.attach(d), 0);
}

NKE_TEST(DlilProto, OffersFollowAttachOrder, "DLIL-PROTO-010") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto a("a", kPfA), b("b", kPfB), c("c", kPfC);
    auto offer = [](struct mbuf *, char *) -> int {
        note("offer");
        return ENOENT;
    };
    a.reg.offer = offer;
    b.reg.offer = [](struct mbuf *, char *) -> int {
        note("offer-b");
        return 0;
    };
    c.reg.offer = offer;
    ASSERT_EQ(c.attach(d), 0);
    ASSERT_EQ(a.attach(d), 0);
    ASSERT_EQ(b.attach(d), 0);
    clear_log();
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(take_log(), (std::vector<std::string>{"offer", "offer", "offer-b", "b:input"}));
}

NKE_TEST(DlilProto, DefaultProtoIsAccepted, "DLIL-PROTO-011") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto a("a", kPfA), b("b", kPfB);
    a.reg.default_proto = 1;
    b.reg.default_proto = 1;
    EXPECT_EQ(a.attach(d), 0);
    EXPECT_EQ(b.attach(d), 0);
}

NKE_TEST(DlilProto, DetachUnknownTagIsEnoent, "DLIL-PROTO-012") {
    auto before = nke::test::counters();
    EXPECT_EQ(dlil_detach_protocol(0), ENOENT);
    EXPECT_EQ(dlil_detach_protocol(~0ul), ENOENT);
    expect_unchanged(before, "detach of no protocol");
}

NKE_TEST(DlilProto, DetachCallsDelProtoDetachesFiltersAndPostsEvent, "DLIL-PROTO-013") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    PrFilter f("f"), g("g");
    ASSERT_EQ(f.attach(p), 0);
    ASSERT_EQ(g.attach(p), 0);
    const unsigned long fid = f.id;
    const uint64_t ev = events_posted();
    clear_log();
    ASSERT_EQ(p.detach(), 0);
    auto log = take_log();
    EXPECT_EQ(std::count(log.begin(), log.end(), "fam:del_proto"), 1);
    EXPECT_EQ(f.detach_calls.load(), 1);
    EXPECT_EQ(g.detach_calls.load(), 1);
    EXPECT_EQ(events_posted(), ev + 1);
    EXPECT_EQ(dlil_detach_filter(fid), ENOENT);
    // No callback of the protocol after its detach.
    clear_log();
    d.input(eth_frame(kOurMac, kTypeA));
    log = take_log();
    EXPECT_EQ(std::count(log.begin(), log.end(), "p:input"), 0);
}

NKE_TEST(DlilProto, SameFamilyOnTwoInterfaces, "DLIL-PROTO-015") {
    Driver a("tst"), b("tst");
    ASSERT_EQ(a.attach(), 0);
    ASSERT_EQ(b.attach(), 0);
    Proto p("p", kPfA), q("q", kPfA);
    ASSERT_EQ(p.attach(a), 0);
    ASSERT_EQ(q.attach(b), 0);
    EXPECT_NE(p.tag, q.tag);
}

NKE_TEST(DlilTag, TagsAreNeverReused, "DLIL-TAG-001", "DLIL-OUTPUT-001") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    std::vector<unsigned long> seen;
    for (int k = 0; k < 20; ++k) {
        Proto p("p", kPfA);
        ASSERT_EQ(p.attach(d), 0);
        EXPECT_NE(p.tag, 0u);
        EXPECT_EQ(std::find(seen.begin(), seen.end(), p.tag), seen.end());
        seen.push_back(p.tag);
        ASSERT_EQ(p.detach(), 0);
    }
    Proto live("live", kPfA);
    ASSERT_EQ(live.attach(d), 0);
    const uint64_t mbufs = nke::test::counters().mbufs;
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    EXPECT_EQ(dlil_output(seen[3], m, nullptr, nullptr, 1), ENOENT);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);  // freed
    EXPECT_EQ(d.sent(), 0u);
    EXPECT_EQ(dlil_detach_protocol(seen[3]), ENOENT);
    PrFilter f("f");
    EXPECT_EQ(dlil_attach_protocol_filter(seen[3], &f.f, &f.id, DLIL_LAST_FILTER), ENOENT);
}

NKE_TEST(DlilTag, FindDltag, "DLIL-TAG-002") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    unsigned long tag = 0;
    EXPECT_EQ(dlil_find_dltag(APPLE_IF_FAM_ETHERNET, d.ifp.if_unit, kPfA, &tag), 0);
    EXPECT_EQ(tag, p.tag);
    EXPECT_EQ(dlil_find_dltag(APPLE_IF_FAM_ETHERNET, d.ifp.if_unit, kPfB, &tag), EPROTONOSUPPORT);
    EXPECT_EQ(dlil_find_dltag(APPLE_IF_FAM_ETHERNET, next_unit(), kPfA, &tag), ENOENT);
    EXPECT_EQ(dlil_find_dltag(APPLE_IF_FAM_ETHERNET, d.ifp.if_unit, kPfA, nullptr), EINVAL);
}

NKE_TEST(DlilTag, FindDltagOnDetachingInterface, "DLIL-TAG-003") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(d.detach(), DLIL_WAIT_FOR_FREE);
    unsigned long tag = 0;
    EXPECT_EQ(dlil_find_dltag(APPLE_IF_FAM_ETHERNET, d.ifp.if_unit, kPfA, &tag), 0);
    EXPECT_EQ(tag, p.tag);
}
