// spec/dlil.md — interfaces: dlil_if_attach, dlil_if_detach, ifunit.
#include "dl_util.hpp"

using namespace dltest;

NKE_TEST(DlilIf, AttachMakesInterfaceFindable, "DLIL-IF-001", "DLIL-IF-011") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    const std::string name = "tst" + std::to_string(d.ifp.if_unit);
    EXPECT_EQ(ifunit(name.c_str()), &d.ifp);
    EXPECT_EQ(d.detach(), 0);
    EXPECT_EQ(ifunit(name.c_str()), nullptr);
}

NKE_TEST(DlilIf, IfunitRejectsBadNames, "DLIL-IF-011") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    EXPECT_EQ(ifunit(nullptr), nullptr);
    EXPECT_EQ(ifunit("tst"), nullptr);
    EXPECT_EQ(ifunit("nosuch0"), nullptr);
    EXPECT_EQ(ifunit(("ts" + std::to_string(d.ifp.if_unit)).c_str()), nullptr);
}

NKE_TEST(DlilIf, AttachArgumentErrorsAreEinval, "DLIL-IF-002") {
    auto before = nke::test::counters();
    EXPECT_EQ(dlil_if_attach(nullptr), EINVAL);
    Driver d("tst");
    d.ifp.if_output = nullptr;
    EXPECT_EQ(d.attach(), EINVAL);
    Driver e("tst");
    std::memset(e.ifp.if_name, 'x', NKE_IFNAMSIZ);
    EXPECT_EQ(e.attach(), EINVAL);
    expect_unchanged(before, "refused attaches");
}

NKE_TEST(DlilIf, UnknownFamilyIsEnodev, "DLIL-IF-003") {
    auto before = nke::test::counters();
    const uint64_t ev = events_posted();
    Driver d("tst", next_family());
    EXPECT_EQ(d.attach(), ENODEV);
    expect_unchanged(before, "attach with no family module");
    EXPECT_EQ(events_posted(), ev);
}

NKE_TEST(DlilIf, AttachTwiceIsEexist, "DLIL-IF-004") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    auto before = nke::test::counters();
    const uint64_t ev = events_posted();
    EXPECT_EQ(dlil_if_attach(&d.ifp), EEXIST);
    Driver twin("tst", APPLE_IF_FAM_ETHERNET, d.ifp.if_unit);
    EXPECT_EQ(twin.attach(), EEXIST);
    expect_unchanged(before, "duplicate attaches");
    EXPECT_EQ(events_posted(), ev);
}

NKE_TEST(DlilIf, AttachWhileDetachingIsEexist, "DLIL-IF-004") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(d.detach(), DLIL_WAIT_FOR_FREE);
    EXPECT_EQ(dlil_if_attach(&d.ifp), EEXIST);
    EXPECT_EQ(p.detach(), 0);
    EXPECT_EQ(d.if_free_calls.load(), 1);
}

NKE_TEST(DlilIf, AddIfErrorIsReturnedAndNothingChanges, "DLIL-IF-005") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    CustomFamily::add_if_rc = EIO;
    auto before = nke::test::counters();
    const uint64_t ev = events_posted();
    Driver d("cus", fam.family);
    EXPECT_EQ(d.attach(), EIO);
    EXPECT_EQ(CustomFamily::add_if_calls, 1);
    EXPECT_EQ(CustomFamily::init_if_calls, 0);
    expect_unchanged(before, "failed add_if");
    EXPECT_EQ(events_posted(), ev);
    EXPECT_EQ(ifunit(("cus" + std::to_string(d.ifp.if_unit)).c_str()), nullptr);
}

NKE_TEST(DlilIf, AddIfSetsDemuxUsedByInput, "DLIL-IF-006", "DLIL-FAM-002", "DLIL-FAM-011") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    EXPECT_EQ(CustomFamily::add_if_calls, 1);
    EXPECT_NE(d.ifp.if_demux, nullptr);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    EXPECT_EQ(CustomFamily::add_proto_calls, 1);
    EXPECT_EQ(CustomFamily::last_tag, p.tag);
    clear_log();
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(take_log(), (std::vector<std::string>{"fam:demux", "p:input"}));
    EXPECT_EQ(p.received(), 1u);
    ASSERT_EQ(p.detach(), 0);
    EXPECT_EQ(CustomFamily::del_proto_calls, 1);
}

NKE_TEST(DlilIf, InitIfCalledAfterAddIfAndItsErrorIgnored, "DLIL-IF-007") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    clear_log();
    EXPECT_EQ(d.attach(), 0);  // init_if returns EIO
    auto log = take_log();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0], "fam:add_if");
    EXPECT_EQ(log[1], "fam:init_if");
}

NKE_TEST(DlilIf, AttachZeroesIfData, "DLIL-IF-008") {
    Driver d("tst");
    std::memset(&d.ifp.if_data, 0xab, sizeof d.ifp.if_data);
    ASSERT_EQ(d.attach(), 0);
    if_data zero{};
    EXPECT_EQ(std::memcmp(&d.ifp.if_data, &zero, sizeof zero), 0);
}

NKE_TEST(DlilIf, AttachPostsIfAttached, "DLIL-IF-009", "DLIL-EVENT-007") {
    Driver d("tst");
    const uint64_t ev = events_posted();
    ASSERT_EQ(d.attach(), 0);
    EXPECT_EQ(events_posted(), ev + 1);
}

NKE_TEST(DlilIf, AttachFailsCleanlyWithoutMemory, "DLIL-IF-010") {
    NKE_REQUIRE_HOOK(fail_alloc);
    Driver d("tst");
    auto before = nke::test::counters();
    int rc;
    {
        nke::test::FailAlloc fail(1, true);
        rc = d.attach();
    }
    EXPECT_EQ(rc, ENOMEM);
    expect_unchanged(before, "attach without memory");
    EXPECT_EQ(d.attach(), 0);
}

NKE_TEST(DlilIf, DetachErrors, "DLIL-IF-012") {
    auto before = nke::test::counters();
    EXPECT_EQ(dlil_if_detach(nullptr), EINVAL);
    Driver d("tst");
    EXPECT_EQ(dlil_if_detach(&d.ifp), ENXIO);
    ASSERT_EQ(d.attach(), 0);
    ASSERT_EQ(d.detach(), 0);
    EXPECT_EQ(dlil_if_detach(&d.ifp), ENXIO);
    expect_unchanged(before, "refused detaches");
}

NKE_TEST(DlilIf, DetachWhileDetachingIsEnxio, "DLIL-IF-012") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(d.detach(), DLIL_WAIT_FOR_FREE);
    const uint64_t ev = events_posted();
    EXPECT_EQ(dlil_if_detach(&d.ifp), ENXIO);
    EXPECT_EQ(events_posted(), ev);
}

NKE_TEST(DlilIf, DetachDetachesInterfaceFilters, "DLIL-IF-013") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    IfFilter a("a"), b("b");
    ASSERT_EQ(a.attach(d), 0);
    ASSERT_EQ(b.attach(d), 0);
    const unsigned long aid = a.id;
    ASSERT_EQ(d.detach(), 0);
    EXPECT_EQ(a.detach_calls.load(), 1);
    EXPECT_EQ(b.detach_calls.load(), 1);
    EXPECT_EQ(dlil_detach_filter(aid), ENOENT);
}

NKE_TEST(DlilIf, DetachWithoutProtocolsReturnsZeroNoIfFree, "DLIL-IF-014", "DLIL-EVENT-007") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    const uint64_t ev = events_posted();
    clear_log();
    EXPECT_EQ(d.detach(), 0);
    EXPECT_EQ(d.if_free_calls.load(), 0);
    EXPECT_EQ(events_posted(), ev + 1);  // KEV_DL_IF_DETACHED
    // The stack must not touch the ifnet any more: poison it.
    std::memset(&d.ifp.if_data, 0xee, sizeof d.ifp.if_data);
    EXPECT_EQ(ifunit(("tst" + std::to_string(d.ifp.if_unit)).c_str()), nullptr);
}

NKE_TEST(DlilIf, DetachWithProtocolsWaitsAndStaysUsable, "DLIL-IF-015", "DLIL-INPUT-015",
         "DLIL-OUTPUT-008") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    const uint64_t ev = events_posted();
    EXPECT_EQ(d.detach(), DLIL_WAIT_FOR_FREE);
    EXPECT_EQ(events_posted(), ev + 1);  // KEV_DL_IF_DETACHING
    EXPECT_EQ(d.if_free_calls.load(), 0);
    EXPECT_EQ(d.input(eth_frame(kOurMac, kTypeA)), 0);
    EXPECT_EQ(p.received(), 1u);
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(dlil_output(p.tag, m, nullptr, nullptr, 1), 0);
    EXPECT_EQ(d.sent(), 1u);
    EXPECT_EQ(dlil_ioctl(0, &d.ifp, 1, nullptr), EOPNOTSUPP);
    ASSERT_EQ(p.detach(), 0);
    EXPECT_EQ(d.if_free_calls.load(), 1);
}

NKE_TEST(DlilIf, DetachingRefusesNewProtocolsAndFilters, "DLIL-IF-016", "DLIL-PROTO-004") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(d.detach(), DLIL_WAIT_FOR_FREE);
    auto before = nke::test::counters();
    Proto q("q", kPfB);
    EXPECT_EQ(q.attach(d), ENXIO);
    IfFilter f("f");
    EXPECT_EQ(f.attach(d), ENXIO);
    PrFilter g("g");
    EXPECT_EQ(g.attach(p), ENXIO);
    expect_unchanged(before, "attaches to a detaching interface");
}

NKE_TEST(DlilIf, LastProtocolDetachCompletesAndCallsIfFreeOnce, "DLIL-IF-017", "DLIL-PROTO-014") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA), q("q", kPfB);
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(q.attach(d), 0);
    ASSERT_EQ(d.detach(), DLIL_WAIT_FOR_FREE);
    ASSERT_EQ(p.detach(), 0);
    EXPECT_EQ(d.if_free_calls.load(), 0);
    EXPECT_EQ(CustomFamily::del_if_calls, 0);
    clear_log();
    const uint64_t ev = events_posted();
    ASSERT_EQ(q.detach(), 0);
    auto log = take_log();
    // del_proto, del_if, then if_free last.
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.back(), "cus:if_free");
    EXPECT_NE(std::find(log.begin(), log.end(), "fam:del_if"), log.end());
    EXPECT_EQ(d.if_free_calls.load(), 1);
    EXPECT_EQ(CustomFamily::del_if_calls, 1);
    EXPECT_EQ(events_posted(), ev + 2);  // PROTO_DETACHED, IF_DETACHED
    EXPECT_EQ(dlil_if_detach(&d.ifp), ENXIO);
}

NKE_TEST(DlilIf, ReattachAfterDetachIsFresh, "DLIL-IF-018") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    d.input(eth_frame(kOurMac, kTypeA));
    ASSERT_EQ(p.detach(), 0);
    ASSERT_EQ(d.detach(), 0);
    ASSERT_EQ(d.attach(), 0);
    EXPECT_EQ(d.ifp.if_data.ifi_ipackets, 0u);
    unsigned long tag;
    EXPECT_EQ(dlil_find_dltag(APPLE_IF_FAM_ETHERNET, d.ifp.if_unit, kPfA, &tag), EPROTONOSUPPORT);
}

NKE_TEST(DlilIf, InterfacesCounterTracksAttachAndCompletion, "DLIL-IF-019") {
    const uint64_t base = nke::test::counters().interfaces;
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    EXPECT_EQ(nke::test::counters().interfaces, base + 1);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(d.detach(), DLIL_WAIT_FOR_FREE);
    EXPECT_EQ(nke::test::counters().interfaces, base + 1);
    ASSERT_EQ(p.detach(), 0);
    EXPECT_EQ(nke::test::counters().interfaces, base);
}
