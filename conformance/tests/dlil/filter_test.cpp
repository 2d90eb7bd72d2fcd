// spec/dlil.md — filters: attach, detach, ids, insertion and walk order.
#include "dl_util.hpp"

using namespace dltest;

namespace {

struct Rig {
    Driver d{"tst"};
    Proto p{"p", kPfA};
    Rig() {
        p.etype2(kTypeA);
        EXPECT_EQ(d.attach(), 0);
        EXPECT_EQ(p.attach(d), 0);
    }
    void send_in() { d.input(eth_frame(kOurMac, kTypeA)); }
    int send_out() { return dlil_output(p.tag, packet(std::vector<uint8_t>(30, 1)), nullptr, nullptr, 0); }
};

std::vector<std::string> only(const std::vector<std::string> &log, const std::string &suffix) {
    std::vector<std::string> v;
    for (const auto &s : log) {
        if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
            v.push_back(s);
    }
    return v;
}

}  // namespace

NKE_TEST(DlilFlt, AttachCopiesAndReturnsId, "DLIL-FLT-001", "DLIL-FLT-018") {
    Rig r;
    const uint64_t base = nke::test::counters().dl_filters;
    IfFilter f("f");
    PrFilter g("g");
    ASSERT_EQ(f.attach(r.d), 0);
    ASSERT_EQ(g.attach(r.p), 0);
    EXPECT_NE(f.id, 0u);
    EXPECT_NE(g.id, 0u);
    EXPECT_EQ(nke::test::counters().dl_filters, base + 2);
    // Changing the caller's structure afterwards has no effect.
    f.f.filter_if_input = nullptr;
    g.f.filter_dl_input = nullptr;
    clear_log();
    r.send_in();
    EXPECT_EQ(take_log(), (std::vector<std::string>{"f:in", "g:in", "p:input"}));
    ASSERT_EQ(f.detach(), 0);
    ASSERT_EQ(g.detach(), 0);
    EXPECT_EQ(nke::test::counters().dl_filters, base);
}

NKE_TEST(DlilFlt, InterfaceFilterArgumentErrors, "DLIL-FLT-002") {
    Rig r;
    auto before = nke::test::counters();
    IfFilter f("f");
    unsigned long id = 55;
    EXPECT_EQ(dlil_attach_interface_filter(nullptr, &f.f, &id, DLIL_LAST_FILTER), EINVAL);
    EXPECT_EQ(dlil_attach_interface_filter(&r.d.ifp, nullptr, &id, DLIL_LAST_FILTER), EINVAL);
    EXPECT_EQ(dlil_attach_interface_filter(&r.d.ifp, &f.f, nullptr, DLIL_LAST_FILTER), EINVAL);
    Driver never("tst");
    EXPECT_EQ(dlil_attach_interface_filter(&never.ifp, &f.f, &id, DLIL_LAST_FILTER), ENXIO);
    EXPECT_EQ(id, 55u);
    expect_unchanged(before, "refused interface filters");
}

NKE_TEST(DlilFlt, ProtocolFilterArgumentErrors, "DLIL-FLT-003") {
    Rig r;
    auto before = nke::test::counters();
    PrFilter f("f");
    unsigned long id = 55;
    EXPECT_EQ(dlil_attach_protocol_filter(r.p.tag, nullptr, &id, DLIL_LAST_FILTER), EINVAL);
    EXPECT_EQ(dlil_attach_protocol_filter(r.p.tag, &f.f, nullptr, DLIL_LAST_FILTER), EINVAL);
    EXPECT_EQ(dlil_attach_protocol_filter(0, &f.f, &id, DLIL_LAST_FILTER), ENOENT);
    EXPECT_EQ(id, 55u);
    expect_unchanged(before, "refused protocol filters");
}

NKE_TEST(DlilFlt, IdsAreSharedAndNeverReused, "DLIL-FLT-004") {
    Rig r;
    std::vector<unsigned long> ids;
    for (int k = 0; k < 10; ++k) {
        IfFilter f("f");
        PrFilter g("g");
        ASSERT_EQ(f.attach(r.d), 0);
        ASSERT_EQ(g.attach(r.p), 0);
        for (unsigned long id : {f.id, g.id}) {
            EXPECT_NE(id, 0u);
            EXPECT_EQ(std::find(ids.begin(), ids.end(), id), ids.end());
            ids.push_back(id);
        }
        ASSERT_EQ(f.detach(), 0);
        ASSERT_EQ(g.detach(), 0);
    }
}

NKE_TEST(DlilFlt, LastFilterAppendsAtTail, "DLIL-FLT-005", "DLIL-ORDER-001") {
    Rig r;
    IfFilter a("a"), b("b");
    ASSERT_EQ(a.attach(r.d), 0);
    ASSERT_EQ(b.attach(r.d), 0);  // b nearest the wire
    clear_log();
    r.send_in();
    EXPECT_EQ(only(take_log(), ":in"), (std::vector<std::string>{"b:in", "a:in"}));
    ASSERT_EQ(r.send_out(), 0);
    EXPECT_EQ(only(take_log(), ":out"), (std::vector<std::string>{"a:out", "b:out"}));
}

NKE_TEST(DlilFlt, InsertBeforeNamedFilter, "DLIL-FLT-006") {
    Rig r;
    IfFilter a("a"), b("b"), c("c"), h("h");
    ASSERT_EQ(a.attach(r.d), 0);
    ASSERT_EQ(b.attach(r.d), 0);
    ASSERT_EQ(c.attach(r.d, static_cast<int>(b.id)), 0);  // a c b
    ASSERT_EQ(h.attach(r.d, static_cast<int>(a.id)), 0);  // h a c b
    clear_log();
    ASSERT_EQ(r.send_out(), 0);
    EXPECT_EQ(only(take_log(), ":out"), (std::vector<std::string>{"h:out", "a:out", "c:out", "b:out"}));
    PrFilter x("x"), y("y");
    ASSERT_EQ(x.attach(r.p), 0);
    ASSERT_EQ(y.attach(r.p, static_cast<int>(x.id)), 0);  // y x
    clear_log();
    ASSERT_EQ(r.send_out(), 0);
    EXPECT_EQ(only(take_log(), ":out"),
              (std::vector<std::string>{"y:out", "x:out", "h:out", "a:out", "c:out", "b:out"}));
}

NKE_TEST(DlilFlt, UnknownInsertionPointIsEnoent, "DLIL-FLT-007") {
    Rig r;
    IfFilter a("a");
    PrFilter x("x");
    ASSERT_EQ(a.attach(r.d), 0);
    ASSERT_EQ(x.attach(r.p), 0);
    IfFilter gone("gone");
    ASSERT_EQ(gone.attach(r.d), 0);
    const int gone_id = static_cast<int>(gone.id);
    ASSERT_EQ(gone.detach(), 0);
    auto before = nke::test::counters();
    IfFilter n("n");
    PrFilter m("m");
    unsigned long id = 55;
    for (int where : {gone_id, static_cast<int>(x.id), DLIL_NULL_FILTER, 0, 999999}) {
        EXPECT_EQ(dlil_attach_interface_filter(&r.d.ifp, &n.f, &id, where), ENOENT) << where;
    }
    EXPECT_EQ(dlil_attach_protocol_filter(r.p.tag, &m.f, &id, static_cast<int>(a.id)), ENOENT);
    EXPECT_EQ(id, 55u);
    expect_unchanged(before, "unknown insertion points");
    clear_log();
    r.send_in();
    EXPECT_EQ(take_log(), (std::vector<std::string>{"a:in", "x:in", "p:input"}));
}

NKE_TEST(DlilFlt, AttachWithoutMemoryIsEnobufs, "DLIL-FLT-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    Rig r;
    for (uint64_t n = 1; n <= 3; ++n) {
        IfFilter f("f");
        auto before = nke::test::counters();
        int rc;
        {
            nke::test::FailAlloc fail(n, false);
            rc = f.attach(r.d);
        }
        if (rc == 0) {
            ASSERT_EQ(f.detach(), 0);
            continue;
        }
        EXPECT_EQ(rc, ENOBUFS);
        expect_unchanged(before, "filter attach without memory");
    }
}

NKE_TEST(DlilFlt, DetachUnknownIsEnoent, "DLIL-FLT-009") {
    Rig r;
    auto before = nke::test::counters();
    EXPECT_EQ(dlil_detach_filter(0), ENOENT);
    EXPECT_EQ(dlil_detach_filter(~0ul), ENOENT);
    IfFilter f("f");
    ASSERT_EQ(f.attach(r.d), 0);
    const unsigned long id = f.id;
    ASSERT_EQ(f.detach(), 0);
    EXPECT_EQ(dlil_detach_filter(id), ENOENT);
    EXPECT_EQ(f.detach_calls.load(), 1);
    expect_unchanged(before, "detach of no filter");
}

NKE_TEST(DlilFlt, DetachCallsFilterDetachOnceThenNeverAgain, "DLIL-FLT-010", "DLIL-FLT-011") {
    Rig r;
    IfFilter f("f");
    PrFilter g("g");
    ASSERT_EQ(f.attach(r.d), 0);
    ASSERT_EQ(g.attach(r.p), 0);
    ASSERT_EQ(f.detach(), 0);
    ASSERT_EQ(g.detach(), 0);
    EXPECT_EQ(f.detach_calls.load(), 1);
    EXPECT_EQ(g.detach_calls.load(), 1);
    clear_log();
    r.send_in();
    ASSERT_EQ(r.send_out(), 0);
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), EOPNOTSUPP);
    for (const auto &s : take_log()) {
        EXPECT_TRUE(s.rfind("f:", 0) != 0 && s.rfind("g:", 0) != 0) << s;
    }
}

namespace {
struct SelfDetach {
    IfFilter *self = nullptr;
    int detach_rc = -1;
    int detach_calls_inside = -1;
};
SelfDetach g_self;
}  // namespace

NKE_TEST(DlilFlt, DetachFromOwnCallbackTakesEffectAfterIt, "DLIL-FLT-012", "DLIL-CONC-004") {
    Rig r;
    IfFilter f("f");
    g_self = {&f, -1, -1};
    f.f.filter_if_input = [](void *c, ifnet **, struct mbuf **, char **) -> int {
        auto *s = static_cast<IfFilter *>(c);
        note("f:in");
        g_self.detach_rc = dlil_detach_filter(s->id);
        g_self.detach_calls_inside = s->detach_calls.load();
        return 0;  // honoured: the frame goes on
    };
    ASSERT_EQ(f.attach(r.d), 0);
    clear_log();
    r.send_in();
    EXPECT_EQ(g_self.detach_rc, 0);
    EXPECT_EQ(g_self.detach_calls_inside, 0);  // not during its own callback
    EXPECT_EQ(f.detach_calls.load(), 1);        // but once the call returned
    EXPECT_EQ(take_log(), (std::vector<std::string>{"f:in", "p:input", "f:detach"}));
    r.send_in();
    EXPECT_EQ(take_log(), (std::vector<std::string>{"p:input"}));
    f.id = 0;
}

NKE_TEST(DlilFlt, NullCallbacksAreSkipped, "DLIL-FLT-013") {
    Rig r;
    IfFilter f("f");
    PrFilter g("g");
    std::memset(&f.f, 0, sizeof f.f);
    std::memset(&g.f, 0, sizeof g.f);
    ASSERT_EQ(f.attach(r.d), 0);
    ASSERT_EQ(g.attach(r.p), 0);
    r.send_in();
    EXPECT_EQ(r.p.received(), 1u);
    EXPECT_EQ(r.send_out(), 0);
    EXPECT_EQ(r.d.sent(), 1u);
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), EOPNOTSUPP);
    ASSERT_EQ(f.detach(), 0);
    ASSERT_EQ(g.detach(), 0);
}

NKE_TEST(DlilFlt, SwitchingInterfaceIsForbidden, "DLIL-FLT-014") {
    Rig r;
    Driver other("tst");
    ASSERT_EQ(other.attach(), 0);
    static ifnet *target;
    target = &other.ifp;
    IfFilter f("f");
    f.f.filter_if_input = [](void *, ifnet **ifp, struct mbuf **, char **) -> int {
        *ifp = target;
        return 0;
    };
    f.f.filter_if_output = [](void *, ifnet **ifp, struct mbuf **) -> int {
        *ifp = target;
        return 0;
    };
    f.f.filter_if_event = [](void *, ifnet **ifp, kern_event_msg **) -> int {
        *ifp = target;
        return 0;
    };
    ASSERT_EQ(f.attach(r.d), 0);
    const uint64_t mbufs = nke::test::counters().mbufs;
    r.send_in();
    EXPECT_EQ(r.p.received(), 0u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_iqdrops, 1u);
    EXPECT_EQ(r.send_out(), EINVAL);
    EXPECT_EQ(r.d.sent(), 0u);
    EXPECT_EQ(other.sent(), 0u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_oerrors, 1u);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
    kern_event_msg ev{};
    ev.total_size = KEV_MSG_HEADER_SIZE;
    ev.vendor_code = KEV_VENDOR_APPLE;
    const uint64_t posted = events_posted();
    EXPECT_EQ(dlil_event(&r.d.ifp, &ev), EINVAL);
    EXPECT_EQ(events_posted(), posted);
}

NKE_TEST(DlilFlt, FilterMayReplaceFrame, "DLIL-FLT-015") {
    Rig r;
    IfFilter f("f");
    f.f.filter_if_input = [](void *, ifnet **, struct mbuf **m, char **frame) -> int {
        // Replace the frame with a fresh copy, header included.
        std::vector<uint8_t> hdr(*frame, *frame + 14);
        std::vector<uint8_t> body = bytes_of(*m);
        body[0] = 0xee;
        m_freem(*m);
        hdr.insert(hdr.end(), body.begin(), body.end());
        struct mbuf *n = packet(hdr);
        n->m_pkthdr.header = n->m_data;
        n->m_data += 14;
        n->m_len -= 14;
        n->m_pkthdr.len -= 14;
        *m = n;
        *frame = static_cast<char *>(n->m_pkthdr.header);
        return 0;
    };
    ASSERT_EQ(f.attach(r.d), 0);
    r.send_in();
    ASSERT_EQ(r.p.received(), 1u);
    EXPECT_EQ(mtod(r.p.got[0], uint8_t *)[0], 0xee);
}

NKE_TEST(DlilFlt, ZeroWithNullMbufMeansKept, "DLIL-FLT-016") {
    Rig r;
    IfFilter f("f");
    f.f.filter_if_input = [](void *, ifnet **, struct mbuf **m, char **) -> int {
        m_freem(*m);
        *m = nullptr;
        return 0;
    };
    ASSERT_EQ(f.attach(r.d), 0);
    const uint64_t mbufs = nke::test::counters().mbufs;
    r.send_in();
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, baseline().mbuf_double_frees);
    EXPECT_EQ(r.p.received(), 0u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_iqdrops, 0u);
}

NKE_TEST(DlilFlt, FilterIfFreeIsNeverCalled, "DLIL-FLT-017") {
    Rig r;
    IfFilter f("f");
    ASSERT_EQ(f.attach(r.d), 0);
    clear_log();
    ASSERT_EQ(r.d.detach(), DLIL_WAIT_FOR_FREE);
    ASSERT_EQ(r.p.detach(), 0);
    auto log = take_log();
    EXPECT_EQ(std::count(log.begin(), log.end(), "f:if_free"), 0);
    EXPECT_EQ(std::count(log.begin(), log.end(), "f:detach"), 1);
}

// --- walk order --------------------------------------------------------------------------

NKE_TEST(DlilOrder, InputWalk, "DLIL-ORDER-002", "DLIL-ORDER-001") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    IfFilter i1("i1"), i2("i2");
    PrFilter p1("p1"), p2("p2");
    ASSERT_EQ(i1.attach(d), 0);
    ASSERT_EQ(i2.attach(d), 0);
    ASSERT_EQ(p1.attach(p), 0);
    ASSERT_EQ(p2.attach(p), 0);
    clear_log();
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(take_log(),
              (std::vector<std::string>{"i2:in", "i1:in", "fam:demux", "p2:in", "p1:in", "p:input"}));
}

NKE_TEST(DlilOrder, OutputWalk, "DLIL-ORDER-003") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.reg.pre_output = [](ifnet *, struct mbuf **, const nke_sockaddr *, void *, char *, char *,
                          unsigned long) -> int {
        note("p:pre_output");
        return 0;
    };
    ASSERT_EQ(p.attach(d), 0);
    IfFilter i1("i1"), i2("i2");
    PrFilter p1("p1"), p2("p2");
    ASSERT_EQ(i1.attach(d), 0);
    ASSERT_EQ(i2.attach(d), 0);
    ASSERT_EQ(p1.attach(p), 0);
    ASSERT_EQ(p2.attach(p), 0);
    clear_log();
    ASSERT_EQ(dlil_output(p.tag, packet(std::vector<uint8_t>(8, 1)), nullptr, nullptr, 0), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"p:pre_output", "p1:out", "p2:out", "fam:framer",
                                                    "i1:out", "i2:out", "cus:output"}));
}
