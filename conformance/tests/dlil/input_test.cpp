// spec/dlil.md — dlil_input, its counters and its ownership rules.
#include "dl_util.hpp"

#include <thread>

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
};
}  // namespace

NKE_TEST(DlilInput, SynchronousWithSyncOk, "DLIL-INPUT-001") {
    Rig r;
    static std::thread::id seen;
    r.p.reg.input = nullptr;
    PrFilter f("f");
    f.f.filter_dl_input = [](void *, struct mbuf **, char **, ifnet **) -> int {
        seen = std::this_thread::get_id();
        return 0;
    };
    ASSERT_EQ(f.attach(r.p), 0);
    EXPECT_EQ(r.d.input(eth_frame(kOurMac, kTypeA)), 0);
    EXPECT_EQ(r.p.received(), 1u);  // before dlil_input returned
    EXPECT_EQ(r.p.last_sync_ok, 1);
    EXPECT_EQ(seen, std::this_thread::get_id());
}

NKE_TEST(DlilInput, NullArgumentsAreEinval, "DLIL-INPUT-002") {
    Rig r;
    auto before = nke::test::counters();
    struct mbuf *m = eth_frame(kOurMac, kTypeA);
    EXPECT_EQ(dlil_input(nullptr, m, m), EINVAL);
    EXPECT_EQ(dlil_input(&r.d.ifp, nullptr, nullptr), EINVAL);
    EXPECT_EQ(nke::test::counters().mbufs, before.mbufs + 1);  // m was not freed
    m_freem(m);
    EXPECT_EQ(r.d.ifp.if_data.ifi_ipackets, 0u);
}

NKE_TEST(DlilInput, UnattachedInterfaceFreesListAndIsEnxio, "DLIL-INPUT-003") {
    Driver d("tst");
    const uint64_t mbufs = nke::test::counters().mbufs;
    struct mbuf *a = eth_frame(kOurMac, kTypeA), *b = eth_frame(kOurMac, kTypeA);
    a->m_nextpkt = b;
    EXPECT_EQ(dlil_input(&d.ifp, a, b), ENXIO);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
}

NKE_TEST(DlilInput, ProcessesWholeListIgnoringTail, "DLIL-INPUT-004", "DLIL-STATS-001") {
    Rig r;
    static bool nextpkt_clear = true;
    r.p.reg.input = nullptr;
    PrFilter f("f");
    f.f.filter_dl_input = [](void *, struct mbuf **m, char **, ifnet **) -> int {
        if ((*m)->m_nextpkt != nullptr) nextpkt_clear = false;
        return 0;
    };
    ASSERT_EQ(f.attach(r.p), 0);
    struct mbuf *a = eth_frame(kOurMac, kTypeA, 46), *b = eth_frame(kOurMac, kTypeA, 100),
                *c = eth_frame(kOurMac, kTypeA, 200);
    a->m_nextpkt = b;
    b->m_nextpkt = c;
    EXPECT_EQ(dlil_input(&r.d.ifp, a, a), 0);  // a wrong m_tail: only a hint
    EXPECT_EQ(r.p.received(), 3u);
    EXPECT_TRUE(nextpkt_clear);
    EXPECT_EQ(r.d.ifp.if_data.ifi_ipackets, 3u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_ibytes, 3u * 14 + 46 + 100 + 200);
}

NKE_TEST(DlilInput, PacketWithoutPkthdrIsMalformed, "DLIL-INPUT-005", "DLIL-STATS-002") {
    Rig r;
    const uint64_t mbufs = nke::test::counters().mbufs;
    struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    m->m_len = 20;
    EXPECT_EQ(r.d.input(m), 0);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
    EXPECT_EQ(r.d.ifp.if_data.ifi_ierrors, 1u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_ipackets, 1u);
    EXPECT_EQ(r.p.received(), 0u);
}

NKE_TEST(DlilInput, SetsRcvifAndSplitsHeader, "DLIL-INPUT-006", "DLIL-INPUT-007", "DLIL-INPUT-016") {
    Rig r;
    auto bytes = eth_bytes(kOurMac, kTypeA, 50);
    r.d.input(packet(bytes));
    ASSERT_EQ(r.p.received(), 1u);
    struct mbuf *m = r.p.got[0];
    EXPECT_EQ(m->m_pkthdr.rcvif, &r.d.ifp);
    EXPECT_EQ(m->m_pkthdr.len, 50);
    ASSERT_NE(m->m_pkthdr.header, nullptr);
    EXPECT_EQ(std::memcmp(m->m_pkthdr.header, bytes.data(), 14), 0);
    EXPECT_EQ(bytes_of(m), std::vector<uint8_t>(bytes.begin() + 14, bytes.end()));
    EXPECT_EQ(r.p.frames_seen[0], std::vector<uint8_t>(bytes.begin(), bytes.begin() + 14));
}

NKE_TEST(DlilInput, HeaderSplitAcrossMbufsIsMadeContiguous, "DLIL-INPUT-007") {
    Rig r;
    auto bytes = eth_bytes(kOurMac, kTypeA, 40);
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    struct mbuf *n = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_TRUE(m && n);
    std::memcpy(m->m_data, bytes.data(), 6);
    m->m_len = 6;
    std::memcpy(n->m_data, bytes.data() + 6, bytes.size() - 6);
    n->m_len = static_cast<int>(bytes.size() - 6);
    m->m_next = n;
    m->m_pkthdr.len = static_cast<int>(bytes.size());
    m->m_pkthdr.header = nullptr;
    r.d.input(m);
    ASSERT_EQ(r.p.received(), 1u);
    EXPECT_EQ(r.p.frames_seen[0], std::vector<uint8_t>(bytes.begin(), bytes.begin() + 14));
    EXPECT_EQ(bytes_of(r.p.got[0]), std::vector<uint8_t>(bytes.begin() + 14, bytes.end()));
}

NKE_TEST(DlilInput, ShorterThanHeaderIsMalformed, "DLIL-INPUT-008") {
    Rig r;
    const uint64_t mbufs = nke::test::counters().mbufs;
    r.d.input(packet(std::vector<uint8_t>(10, 0xff)));
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
    EXPECT_EQ(r.d.ifp.if_data.ifi_ierrors, 1u);
}

NKE_TEST(DlilInput, GivenHeaderIsUsedUnchanged, "DLIL-INPUT-009") {
    Rig r;
    auto hdr = eth_bytes(kOurMac, kTypeA, 0);
    static std::vector<uint8_t> header_store;
    header_store = hdr;
    struct mbuf *m = packet(std::vector<uint8_t>(30, 0x44));
    m->m_pkthdr.header = header_store.data();
    r.d.input(m);
    ASSERT_EQ(r.p.received(), 1u);
    EXPECT_EQ(r.p.got[0]->m_pkthdr.header, header_store.data());
    EXPECT_EQ(r.p.got[0]->m_pkthdr.len, 30);
    EXPECT_EQ(bytes_of(r.p.got[0]), std::vector<uint8_t>(30, 0x44));
}

NKE_TEST(DlilInput, FilterReturnValues, "DLIL-INPUT-010", "DLIL-OWN-002") {
    Rig r;
    IfFilter f("f");
    ASSERT_EQ(f.attach(r.d), 0);
    const uint64_t mbufs = nke::test::counters().mbufs;
    f.in_rc = EJUSTRETURN;  // the filter keeps it
    r.d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(f.kept.size(), 1u);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs + 1);
    EXPECT_EQ(r.p.received(), 0u);
    f.in_rc = EPERM;  // the stack frees it
    r.d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(nke::test::counters().mbufs, mbufs + 1);
    EXPECT_EQ(r.d.ifp.if_data.ifi_iqdrops, 1u);
    f.in_rc = 0;
    r.d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(r.p.received(), 1u);
}

NKE_TEST(DlilInput, ProtocolFilterReturnValues, "DLIL-INPUT-010") {
    Rig r;
    PrFilter f("f");
    ASSERT_EQ(f.attach(r.p), 0);
    const uint64_t mbufs = nke::test::counters().mbufs;
    f.in_rc = EJUSTRETURN;
    r.d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(f.kept.size(), 1u);
    f.in_rc = ENOSPC;
    r.d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(nke::test::counters().mbufs, mbufs + 1);
    EXPECT_EQ(r.d.ifp.if_data.ifi_iqdrops, 1u);
    EXPECT_EQ(r.p.received(), 0u);
}

NKE_TEST(DlilInput, DemuxEjustreturnConsumes, "DLIL-INPUT-011") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    CustomFamily::demux_rc = EJUSTRETURN;  // the demux frees the frame itself
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.reg.offer = [](struct mbuf *, char *) -> int {
        note("offer");
        return 0;
    };
    ASSERT_EQ(p.attach(d), 0);
    clear_log();
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(take_log(), std::vector<std::string>{"fam:demux"});
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 0u);
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, baseline().mbuf_double_frees);
}

NKE_TEST(DlilInput, DemuxHandleMustNameAttachedProtocol, "DLIL-INPUT-012", "DLIL-STATS-004") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    Driver other("cus", fam.family);
    ASSERT_EQ(other.attach(), 0);
    Proto q("q", kPfA);
    ASSERT_EQ(q.attach(other), 0);  // last_proto now names q, on the other interface
    const uint64_t mbufs = nke::test::counters().mbufs;
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(p.received(), 0u);
    EXPECT_EQ(q.received(), 0u);
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 1u);
    CustomFamily::last_proto = nullptr;
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 2u);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
}

NKE_TEST(DlilInput, UnclaimedFramesGoToOffers, "DLIL-INPUT-013") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    CustomFamily::demux_rc = ENOENT;
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    Proto a("a", kPfA), b("b", kPfB);
    a.reg.offer = [](struct mbuf *, char *) -> int {
        note("a:offer");
        return EJUSTRETURN;  // any non-zero declines
    };
    b.reg.offer = [](struct mbuf *, char *) -> int {
        note("b:offer");
        return 0;
    };
    ASSERT_EQ(a.attach(d), 0);
    ASSERT_EQ(b.attach(d), 0);
    PrFilter bf("bf");
    ASSERT_EQ(bf.attach(b), 0);
    clear_log();
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(take_log(),
              (std::vector<std::string>{"fam:demux", "a:offer", "b:offer", "bf:in", "b:input"}));
    EXPECT_EQ(b.received(), 1u);
}

NKE_TEST(DlilInput, NullDemuxGoesToOffers, "DLIL-INPUT-013") {
    FamilyGuard fam;
    ASSERT_TRUE(fam.registered);
    CustomFamily::no_demux = true;
    Driver d("cus", fam.family);
    ASSERT_EQ(d.attach(), 0);
    ASSERT_EQ(d.ifp.if_demux, nullptr);
    Proto b("b", kPfB);
    b.reg.offer = [](struct mbuf *, char *) -> int { return 0; };
    ASSERT_EQ(b.attach(d), 0);
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(b.received(), 1u);
}

NKE_TEST(DlilInput, NoOfferClaimsIsNoproto, "DLIL-INPUT-013", "DLIL-STATS-004") {
    Rig r;
    const uint64_t mbufs = nke::test::counters().mbufs;
    r.d.input(eth_frame(kOurMac, kTypeB));
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
    EXPECT_EQ(r.d.ifp.if_data.ifi_noproto, 1u);
}

NKE_TEST(DlilInput, DlInputReturnValues, "DLIL-INPUT-014", "DLIL-OWN-001") {
    Rig r;
    const uint64_t mbufs = nke::test::counters().mbufs;
    r.p.input_rc = EJUSTRETURN;
    r.d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(r.p.received(), 1u);
    EXPECT_EQ(nke::test::counters().mbufs, mbufs + 1);
    r.p.input_rc = ENOBUFS;  // refused: the stack frees
    r.d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(nke::test::counters().mbufs, mbufs + 1);
    EXPECT_EQ(r.d.ifp.if_data.ifi_iqdrops, 1u);
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, baseline().mbuf_double_frees);
}

NKE_TEST(DlilStats, EveryPacketCountedAtMostOnce, "DLIL-STATS-008") {
    Rig r;
    IfFilter f("f");
    ASSERT_EQ(f.attach(r.d), 0);
    r.d.input(eth_frame(kOurMac, kTypeA));        // delivered
    r.d.input(eth_frame(kOurMac, kTypeB));        // noproto
    r.d.input(eth_frame(kOtherMac, kTypeA));      // iqdrops
    r.d.input(eth_frame(kOurMac, 1510));          // ierrors
    r.d.input(packet(std::vector<uint8_t>(5)));  // ierrors
    f.in_rc = EJUSTRETURN;
    r.d.input(eth_frame(kOurMac, kTypeA));  // kept by the filter
    const if_data &s = r.d.ifp.if_data;
    EXPECT_EQ(s.ifi_ipackets, 6u);
    EXPECT_EQ(s.ifi_ierrors, 2u);
    EXPECT_EQ(s.ifi_iqdrops, 1u);
    EXPECT_EQ(s.ifi_noproto, 1u);
    EXPECT_EQ(r.p.received(), 1u);
    EXPECT_EQ(f.kept.size(), 1u);
}
