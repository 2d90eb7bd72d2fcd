// spec/dlil.md — injection.
#include "dl_util.hpp"

using namespace dltest;

namespace {
struct Rig {
    Driver d{"tst"};
    Proto p{"p", kPfA};
    IfFilter i1{"i1"}, i2{"i2"}, i3{"i3"};
    PrFilter p1{"p1"}, p2{"p2"}, p3{"p3"};
    Rig() {
        p.etype2(kTypeA);
        EXPECT_EQ(d.attach(), 0);
        EXPECT_EQ(p.attach(d), 0);
        for (IfFilter *f : {&i1, &i2, &i3}) EXPECT_EQ(f->attach(d), 0);
        for (PrFilter *f : {&p1, &p2, &p3}) EXPECT_EQ(f->attach(p), 0);
    }
    // A received-looking frame (header split off, as a filter would hold it).
    struct mbuf *held() {
        struct mbuf *m = eth_frame(kOurMac, kTypeA);
        m->m_pkthdr.header = m->m_data;
        m->m_data += 14;
        m->m_len -= 14;
        m->m_pkthdr.len -= 14;
        m->m_pkthdr.rcvif = &d.ifp;
        return m;
    }
};
}  // namespace

NKE_TEST(DlilInject, IfInputResumesAfterFilter, "DLIL-INJECT-001", "DLIL-INJECT-010") {
    Rig r;
    clear_log();
    struct mbuf *m = r.held();
    EXPECT_EQ(dlil_inject_if_input(m, static_cast<char *>(m->m_pkthdr.header), r.i2.id), 0);
    EXPECT_EQ(take_log(),
              (std::vector<std::string>{"i1:in", "p3:in", "p2:in", "p1:in", "p:input"}));
    EXPECT_EQ(r.p.last_sync_ok, 0);
    EXPECT_EQ(r.d.ifp.if_data.ifi_ipackets, 0u);
    EXPECT_EQ(r.d.ifp.if_data.ifi_ibytes, 0u);
    // A drop of an injected frame is counted.
    r.p1.in_rc = EPERM;
    EXPECT_EQ(dlil_inject_if_input(r.held(), nullptr, r.i1.id), 0);
    EXPECT_EQ(r.d.ifp.if_data.ifi_iqdrops, 1u);
}

NKE_TEST(DlilInject, PrInputResumesAfterFilter, "DLIL-INJECT-002") {
    Rig r;
    clear_log();
    struct mbuf *m = r.held();
    EXPECT_EQ(dlil_inject_pr_input(m, static_cast<char *>(m->m_pkthdr.header), r.p2.id), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"p1:in", "p:input"}));
    EXPECT_EQ(r.p.last_sync_ok, 0);
}

NKE_TEST(DlilInject, PrOutputResumesAfterFilter, "DLIL-INJECT-003") {
    Rig r;
    char ft[DLIL_FRAME_TYPE_MAX] = {static_cast<char>(0x88), static_cast<char>(0xb5)};
    char dst[DLIL_LINKADDR_MAX] = {};
    std::memcpy(dst, kPeerMac, 6);
    clear_log();
    EXPECT_EQ(dlil_inject_pr_output(packet(std::vector<uint8_t>(20, 5)), nullptr, 0, ft, dst, r.p2.id), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"p3:out", "i1:out", "i2:out", "i3:out",
                                                    std::string(r.d.ifp.if_name) + ":output"}));
    ASSERT_EQ(r.d.sent(), 1u);
    auto b = bytes_of(r.d.out[0]);
    ASSERT_EQ(b.size(), 34u);
    EXPECT_TRUE(std::equal(kPeerMac, kPeerMac + 6, b.begin()));
    EXPECT_EQ(b[12], 0x88);
    // A driver error comes back as from dlil_output.
    r.d.output_rc = ENETDOWN;
    EXPECT_EQ(dlil_inject_pr_output(packet(std::vector<uint8_t>(20, 5)), nullptr, 1, nullptr, nullptr,
                                    r.p3.id),
              ENETDOWN);
}

NKE_TEST(DlilInject, IfOutputResumesAfterFilterIncludingTheLast, "DLIL-INJECT-004") {
    Rig r;
    clear_log();
    EXPECT_EQ(dlil_inject_if_output(packet(std::vector<uint8_t>(20, 5)), r.i1.id), 0);
    const std::string out = std::string(r.d.ifp.if_name) + ":output";
    EXPECT_EQ(take_log(), (std::vector<std::string>{"i2:out", "i3:out", out}));
    EXPECT_EQ(dlil_inject_if_output(packet(std::vector<uint8_t>(20, 5)), r.i3.id), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{out}));
    EXPECT_EQ(r.d.sent(), 2u);
}

NKE_TEST(DlilInject, NullMbufIsEinval, "DLIL-INJECT-005") {
    Rig r;
    auto before = nke::test::counters();
    char b[16] = {};
    EXPECT_EQ(dlil_inject_if_input(nullptr, b, r.i1.id), EINVAL);
    EXPECT_EQ(dlil_inject_pr_input(nullptr, b, r.p1.id), EINVAL);
    EXPECT_EQ(dlil_inject_pr_output(nullptr, nullptr, 0, b, b, r.p1.id), EINVAL);
    EXPECT_EQ(dlil_inject_if_output(nullptr, r.i1.id), EINVAL);
    expect_unchanged(before, "inject nothing");
}

NKE_TEST(DlilInject, BadIdFreesAndIsEnoent, "DLIL-INJECT-006") {
    Rig r;
    const uint64_t mbufs = nke::test::counters().mbufs;
    char b[16] = {};
    clear_log();
    // Unknown ids and ids of the other kind.
    EXPECT_EQ(dlil_inject_if_input(r.held(), nullptr, 0), ENOENT);
    EXPECT_EQ(dlil_inject_if_input(r.held(), nullptr, r.p1.id), ENOENT);
    EXPECT_EQ(dlil_inject_pr_input(r.held(), nullptr, r.i1.id), ENOENT);
    EXPECT_EQ(dlil_inject_pr_output(packet({1, 2}), nullptr, 0, b, b, r.i1.id), ENOENT);
    EXPECT_EQ(dlil_inject_if_output(packet({1, 2}), r.p1.id), ENOENT);
    const unsigned long stale = r.i3.id;
    ASSERT_EQ(r.i3.detach(), 0);
    clear_log();
    EXPECT_EQ(dlil_inject_if_output(packet({1, 2}), stale), ENOENT);
    EXPECT_TRUE(take_log().empty());
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
}

NKE_TEST(DlilInject, MissingBuffersOrHeaderFreeAndAreEinval, "DLIL-INJECT-007") {
    Rig r;
    const uint64_t mbufs = nke::test::counters().mbufs;
    char b[16] = {};
    clear_log();
    EXPECT_EQ(dlil_inject_pr_output(packet({1, 2}), nullptr, 0, nullptr, b, r.p1.id), EINVAL);
    EXPECT_EQ(dlil_inject_pr_output(packet({1, 2}), nullptr, 0, b, nullptr, r.p1.id), EINVAL);
    struct mbuf *plain = m_get(M_DONTWAIT, MT_DATA);
    EXPECT_EQ(dlil_inject_if_input(plain, b, r.i1.id), EINVAL);
    plain = m_get(M_DONTWAIT, MT_DATA);
    EXPECT_EQ(dlil_inject_pr_input(plain, b, r.p1.id), EINVAL);
    EXPECT_TRUE(take_log().empty());
    EXPECT_EQ(nke::test::counters().mbufs, mbufs);
}

NKE_TEST(DlilInject, NullFrameUsesPkthdrHeader, "DLIL-INJECT-008") {
    Rig r;
    struct mbuf *m = r.held();
    std::vector<uint8_t> hdr(static_cast<uint8_t *>(m->m_pkthdr.header),
                             static_cast<uint8_t *>(m->m_pkthdr.header) + 14);
    EXPECT_EQ(dlil_inject_pr_input(m, nullptr, r.p1.id), 0);
    ASSERT_EQ(r.p.received(), 1u);
    EXPECT_EQ(r.p.frames_seen[0], hdr);
}

NKE_TEST(DlilInject, NoOfferAfterDemuxConsumed, "DLIL-INJECT-009") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.reg.offer = [](struct mbuf *, char *) -> int {
        note("offer");
        return 0;
    };
    ASSERT_EQ(p.attach(d), 0);
    IfFilter f("f");
    ASSERT_EQ(f.attach(d), 0);
    // A unicast frame for another station: the Ethernet demux consumes it.
    struct mbuf *m = eth_frame(kOtherMac, kTypeA);
    m->m_pkthdr.header = m->m_data;
    m->m_data += 14;
    m->m_len -= 14;
    m->m_pkthdr.len -= 14;
    clear_log();
    EXPECT_EQ(dlil_inject_if_input(m, nullptr, f.id), 0);
    EXPECT_TRUE(take_log().empty());
    EXPECT_EQ(p.received(), 0u);
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, baseline().mbuf_double_frees);
}

namespace {
IfFilter *g_reinjector;
}

NKE_TEST(DlilInject, ReinjectFromInsideCallback, "DLIL-INJECT-011", "DLIL-CONC-002") {
    Rig r;
    g_reinjector = &r.i2;
    r.i2.f.filter_if_input = [](void *c, ifnet **, struct mbuf **m, char **frame) -> int {
        auto *self = static_cast<IfFilter *>(c);
        note("i2:in");
        if ((*m)->m_flags & M_PROTO1) return 0;  // already re-injected once
        (*m)->m_flags |= M_PROTO1;
        EXPECT_EQ(dlil_inject_if_input(*m, *frame, self->id), 0);
        return EJUSTRETURN;
    };
    ASSERT_EQ(r.i2.detach(), 0);
    r.i2.detach_calls = 0;
    ASSERT_EQ(r.i2.attach(r.d, static_cast<int>(r.i3.id)), 0);  // i1 i2 i3
    clear_log();
    r.d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(take_log(), (std::vector<std::string>{"i3:in", "i2:in", "i1:in", "p3:in", "p2:in",
                                                    "p1:in", "p:input"}));
    EXPECT_EQ(r.p.received(), 1u);
}
