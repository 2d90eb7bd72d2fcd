// spec/dlil.md — dlil_output, its counters and its ownership rules.
#include "dl_util.hpp"

using namespace dltest;

namespace {
struct Rig {
    Driver d{"tst"};
    Proto p{"p", kPfA};
    Rig() {
        EXPECT_EQ(d.attach(), 0);
        EXPECT_EQ(p.attach(d), 0);
    }
    int out(int raw = 1, size_t len = 30) {
        return dlil_output(p.tag, packet(std::vector<uint8_t>(len, 1)), nullptr, nullptr, raw);
    }
};
}  // namespace

NKE_TEST(DlilOutput, NullMbufIsEinval, "DLIL-OUTPUT-002") {
    Rig r;
    auto before = nke::test::counters();
    EXPECT_EQ(dlil_output(r.p.tag, nullptr, nullptr, nullptr, 0), EINVAL);
    EXPECT_EQ(dlil_output(0, nullptr, nullptr, nullptr, 0), EINVAL);
    expect_unchanged(before, "output of nothing");
}

NKE_TEST(DlilOutput, PreOutputGetsArgumentsAndSharedBuffers, "DLIL-OUTPUT-003") {
    Rig r;
    static char *ft_seen, *dst_seen, *ft_filter, *dst_filter;
    static const nke_sockaddr *dest_seen;
    static void *route_seen;
    static unsigned long tag_seen;
    static ifnet *ifp_seen;
    r.p.reg.pre_output = nullptr;
    ASSERT_EQ(r.p.detach(), 0);
    r.p.reg.pre_output = [](ifnet *ifp, struct mbuf **, const nke_sockaddr *dest, void *route,
                            char *ft, char *dst, unsigned long tag) -> int {
        ifp_seen = ifp;
        dest_seen = dest;
        route_seen = route;
        ft_seen = ft;
        dst_seen = dst;
        tag_seen = tag;
        return 0;
    };
    ASSERT_EQ(r.p.attach(r.d), 0);
    PrFilter f("f");
    f.f.filter_dl_output = [](void *, struct mbuf **, ifnet **, nke_sockaddr **, char *dst,
                              char *ft) -> int {
        ft_filter = ft;
        dst_filter = dst;
        return 0;
    };
    ASSERT_EQ(f.attach(r.p), 0);
    nke_sockaddr sa{};
    int route = 0;
    ASSERT_EQ(dlil_output(r.p.tag, packet(std::vector<uint8_t>(10, 1)), &route, &sa, 0), 0);
    EXPECT_EQ(ifp_seen, &r.d.ifp);
    EXPECT_EQ(dest_seen, &sa);
    EXPECT_EQ(route_seen, &route);
    EXPECT_EQ(tag_seen, r.p.tag);
    EXPECT_NE(ft_seen, nullptr);
    EXPECT_NE(dst_seen, nullptr);
    EXPECT_EQ(ft_filter, ft_seen);
    EXPECT_EQ(dst_filter, dst_seen);
}

NKE_TEST(DlilOutput, RawSkipsPreOutputAndFramer, "DLIL-OUTPUT-004") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.reg.pre_output = [](ifnet *, struct mbuf **, const nke_sockaddr *, void *, char *, char *,
                          unsigned long) -> int {
        note("pre_output");
        return 0;
    };
    ASSERT_EQ(p.attach(d), 0);
    IfFilter f("f");
    ASSERT_EQ(f.attach(d), 0);
    clear_log();
    ASSERT_EQ(dlil_output(p.tag, packet(std::vector<uint8_t>(10, 9)), nullptr, nullptr, 1), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"f:out", std::string(d.ifp.if_name) + ":output"}));
    ASSERT_EQ(d.sent(), 1u);
    EXPECT_EQ(bytes_of(d.out[0]), std::vector<uint8_t>(10, 9));  // not framed
}

NKE_TEST(DlilOutput, StageReturnValues, "DLIL-OUTPUT-005", "DLIL-STATS-007", "DLIL-OWN-001") {
    Rig r;
    PrFilter pf("pf");
    IfFilter ifl("ifl");
    ASSERT_EQ(pf.attach(r.p), 0);
    ASSERT_EQ(ifl.attach(r.d), 0);
    const uint64_t mbufs = nke::test::counters().mbufs;
    pf.out_rc = EJUSTRETURN;
    EXPECT_EQ(r.out(), 0);
    EXPECT_EQ(pf.kept.size(), 1u);
    pf.out_rc = EHOSTUNREACH;
    EXPECT_EQ(r.out(), EHOSTUNREACH);
    pf.out_rc = 0;
    ifl.out_rc = ENETDOWN;
    EXPECT_EQ(r.out(), ENETDOWN);
    ifl.out_rc = EJUSTRETURN;
    EXPECT_EQ(r.out(), 0);
    EXPECT_EQ(ifl.kept.size(), 1u);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs + 2);  // only the two kept frames live
    EXPECT_EQ(r.d.sent(), 0u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_oerrors, 2u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_opackets, 0u);
}

NKE_TEST(DlilOutput, PreOutputErrorFreesFrame, "DLIL-OUTPUT-005") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.reg.pre_output = [](ifnet *, struct mbuf **, const nke_sockaddr *, void *, char *, char *,
                          unsigned long) -> int { return EHOSTDOWN; };
    ASSERT_EQ(p.attach(d), 0);
    const uint64_t mbufs = nke::test::counters().mbufs;
    EXPECT_EQ(dlil_output(p.tag, packet(std::vector<uint8_t>(10, 9)), nullptr, nullptr, 0), EHOSTDOWN);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
    EXPECT_EQ(d.sent(), 0u);
}

NKE_TEST(DlilOutput, ErrorAfterClearingMbufFreesNothing, "DLIL-OWN-003") {
    Rig r;
    PrFilter pf("pf");
    pf.f.filter_dl_output = [](void *, struct mbuf **m, ifnet **, nke_sockaddr **, char *,
                               char *) -> int {
        m_freem(*m);
        *m = nullptr;
        return ENOSR;
    };
    ASSERT_EQ(pf.attach(r.p), 0);
    const uint64_t mbufs = nke::test::counters().mbufs;
    EXPECT_EQ(r.out(), ENOSR);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, baseline().mbuf_double_frees);
}

NKE_TEST(DlilOutput, DriverOwnsFrameWhateverItReturns, "DLIL-OUTPUT-006", "DLIL-STATS-006") {
    Rig r;
    EXPECT_EQ(r.out(1, 30), 0);
    r.d.output_rc = EJUSTRETURN;
    EXPECT_EQ(r.out(1, 40), 0);
    r.d.output_rc = ENOBUFS;
    EXPECT_EQ(r.out(1, 50), ENOBUFS);
    EXPECT_EQ(r.d.sent(), 3u);  // the driver kept all three
    EXPECT_EQ(r.d.ifp.if_data.ifi_opackets, 3u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_obytes, 120u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_oerrors, 1u);
    struct mbuf *m = packet(std::vector<uint8_t>(10, 1));
    m->m_flags |= M_BCAST;
    r.d.output_rc = 0;
    EXPECT_EQ(dlil_output(r.p.tag, m, nullptr, nullptr, 1), 0);
    EXPECT_EQ(r.d.ifp.if_data.ifi_omcasts, 1u);
}

NKE_TEST(DlilOutput, NoFramerSendsUnframed, "DLIL-OUTPUT-007") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    CustomFamily::no_framer = true;
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    ASSERT_EQ(d.ifp.if_framer, nullptr);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(dlil_output(p.tag, packet(std::vector<uint8_t>(12, 3)), nullptr, nullptr, 0), 0);
    ASSERT_EQ(d.sent(), 1u);
    EXPECT_EQ(bytes_of(d.out[0]), std::vector<uint8_t>(12, 3));
}
