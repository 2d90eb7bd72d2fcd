// spec/dlil.md — the built-in Ethernet and loopback families.
#include "dl_util.hpp"

using namespace dltest;

namespace {

// 802.3 frame: dst, src, length, then `llc` and padding.
std::vector<uint8_t> llc_bytes(const uint8_t *dst, std::vector<uint8_t> llc) {
    std::vector<uint8_t> b = eth_bytes(dst, static_cast<uint16_t>(llc.size() + 20), 0);
    // Sized once, then filled: appending with insert() made GCC 12 at
    // -O2/-O3 report a false -Warray-bounds on the inlined reallocation.
    const size_t hdr = b.size();
    b.resize(hdr + llc.size() + 20, 0x5a);
    std::copy(llc.begin(), llc.end(), b.begin() + static_cast<std::ptrdiff_t>(hdr));
    return b;
}

}  // namespace

NKE_TEST(DlilEther, AddIfSetsDemuxFramerAndDefaults, "DLIL-ETHER-001") {
    Driver d("tst");
    d.ifp.if_hdrlen = 0;
    d.ifp.if_addrlen = 0;
    ASSERT_EQ(d.attach(), 0);
    EXPECT_NE(d.ifp.if_demux, nullptr);
    EXPECT_NE(d.ifp.if_framer, nullptr);
    EXPECT_EQ(d.ifp.if_hdrlen, 14);
    EXPECT_EQ(d.ifp.if_addrlen, 6);
}

NKE_TEST(DlilEther, Etype2DescriptorSelectsProtocol, "DLIL-ETHER-002") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto a("a", kPfA), b("b", kPfB);
    a.etype2(kTypeA);
    b.etype2(kTypeB);
    ASSERT_EQ(a.attach(d), 0);
    ASSERT_EQ(b.attach(d), 0);
    d.input(eth_frame(kOurMac, kTypeB));
    d.input(eth_frame(kOurMac, kTypeA));
    d.input(eth_frame(kOurMac, kTypeB));
    EXPECT_EQ(a.received(), 1u);
    EXPECT_EQ(b.received(), 2u);
}

NKE_TEST(DlilEther, RawDescriptorMatchesUnderMask, "DLIL-ETHER-003") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    static unsigned char id[2] = {0x88, 0x00}, mask[2] = {0xff, 0x00};
    dlil_demux_desc raw{};
    raw.type = DLIL_DESC_RAW;
    raw.variants.bitmask.proto_id_length = 2;
    raw.variants.bitmask.proto_id = id;
    raw.variants.bitmask.proto_id_mask = mask;
    p.descs.push_back(raw);
    p.desc_bytes.emplace_back();
    ASSERT_EQ(p.attach(d), 0);
    d.input(eth_frame(kOurMac, 0x88b5));
    d.input(eth_frame(kOurMac, 0x8801));
    d.input(eth_frame(kOurMac, 0x0800));  // no match
    EXPECT_EQ(p.received(), 2u);
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 1u);
}

NKE_TEST(DlilEther, SnapDescriptorsMatchSnapFrames, "DLIL-ETHER-004") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA), q("q", kPfB);
    p.native(DLIL_DESC_SNAP, {0x00, 0x00, 0x0c, 0x20, 0x00});  // Cisco CDP
    dlil_demux_desc s{};
    s.type = DLIL_DESC_802_2_SNAP;
    s.variants.desc_802_2_SNAP.org[0] = 0x08;
    s.variants.desc_802_2_SNAP.org[1] = 0x00;
    s.variants.desc_802_2_SNAP.org[2] = 0x07;
    const uint8_t at[2] = {0x80, 0x9b};  // AppleTalk over SNAP, network order
    std::memcpy(&s.variants.desc_802_2_SNAP.protocol_type, at, 2);
    q.descs.push_back(s);
    q.desc_bytes.emplace_back();
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(q.attach(d), 0);
    d.input(packet(llc_bytes(kOurMac, {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00})));
    d.input(packet(llc_bytes(kOurMac, {0xaa, 0xaa, 0x03, 0x08, 0x00, 0x07, 0x80, 0x9b})));
    d.input(packet(llc_bytes(kOurMac, {0xaa, 0xaa, 0x03, 0x08, 0x00, 0x07, 0x80, 0xf3})));
    EXPECT_EQ(p.received(), 1u);
    EXPECT_EQ(q.received(), 1u);
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 1u);
}

NKE_TEST(DlilEther, SapDescriptorsMatchLlcFrames, "DLIL-ETHER-005") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA), q("q", kPfB);
    p.native(DLIL_DESC_SAP, {0x42, 0x42, 0x03});  // spanning tree
    dlil_demux_desc s{};
    s.type = DLIL_DESC_802_2;
    s.variants.desc_802_2.dsap = 0xe0;
    s.variants.desc_802_2.ssap = 0xe0;
    s.variants.desc_802_2.control_code = 0x03;
    q.descs.push_back(s);
    q.desc_bytes.emplace_back();
    ASSERT_EQ(p.attach(d), 0);
    ASSERT_EQ(q.attach(d), 0);
    d.input(packet(llc_bytes(kMulticast, {0x42, 0x42, 0x03, 0x00, 0x00})));
    d.input(packet(llc_bytes(kOurMac, {0xe0, 0xe0, 0x03, 0xff, 0xff})));
    d.input(packet(llc_bytes(kOurMac, {0xf0, 0xf0, 0x03, 0xff, 0xff})));
    EXPECT_EQ(p.received(), 1u);
    EXPECT_EQ(q.received(), 1u);
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 1u);
}

NKE_TEST(DlilEther, LengthBetween1501And1535IsMalformed, "DLIL-ETHER-006", "DLIL-STATS-002") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.with_offer();
    p.reg.offer = [](struct mbuf *, char *) -> int {
        note("offer");
        return 0;
    };
    ASSERT_EQ(p.attach(d), 0);
    clear_log();
    d.input(eth_frame(kOurMac, 1501));
    d.input(eth_frame(kOurMac, 1535));
    EXPECT_TRUE(take_log().empty());
    EXPECT_EQ(d.ifp.if_data.ifi_ierrors, 2u);
    EXPECT_EQ(p.received(), 0u);
}

NKE_TEST(DlilEther, BroadcastAndMulticastFlags, "DLIL-ETHER-007", "DLIL-STATS-005") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    d.input(eth_frame(kBroadcast, kTypeA));
    d.input(eth_frame(kMulticast, kTypeA));
    d.input(eth_frame(kOurMac, kTypeA));
    ASSERT_EQ(p.received(), 3u);
    EXPECT_TRUE(p.got[0]->m_flags & M_BCAST);
    EXPECT_FALSE(p.got[0]->m_flags & M_MCAST);
    EXPECT_TRUE(p.got[1]->m_flags & M_MCAST);
    EXPECT_FALSE(p.got[1]->m_flags & M_BCAST);
    EXPECT_FALSE(p.got[2]->m_flags & (M_BCAST | M_MCAST));
    EXPECT_EQ(d.ifp.if_data.ifi_imcasts, 2u);
}

NKE_TEST(DlilEther, UnicastForOthersIsDropped, "DLIL-ETHER-008", "DLIL-STATS-003") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    p.reg.offer = [](struct mbuf *, char *) -> int {
        note("offer");
        return 0;
    };
    ASSERT_EQ(p.attach(d), 0);
    clear_log();
    d.input(eth_frame(kOtherMac, kTypeA));
    EXPECT_TRUE(take_log().empty());
    EXPECT_EQ(p.received(), 0u);
    EXPECT_EQ(d.ifp.if_data.ifi_iqdrops, 1u);
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 0u);
}

NKE_TEST(DlilEther, PromiscuousDeliversUnicastForOthers, "DLIL-ETHER-009") {
    Driver d("tst");
    d.ifp.if_flags |= NKE_IFF_PROMISC;
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    d.input(eth_frame(kOtherMac, kTypeA));
    EXPECT_EQ(p.received(), 1u);
}

NKE_TEST(DlilEther, NoMatchGoesToOffers, "DLIL-ETHER-010", "DLIL-ETHER-014") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);  // no descriptors at all
    p.reg.offer = [](struct mbuf *, char *frame) -> int {
        return (static_cast<uint8_t>(frame[12]) == 0x88 && static_cast<uint8_t>(frame[13]) == 0xb6)
                   ? 0
                   : ENOENT;
    };
    ASSERT_EQ(p.attach(d), 0);
    d.input(eth_frame(kOurMac, kTypeB));
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(p.received(), 1u);
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 1u);
}

NKE_TEST(DlilEther, MalformedDescriptorsAreEinval, "DLIL-ETHER-011", "DLIL-PROTO-008") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    auto before = nke::test::counters();
    for (int k = 0; k < 4; ++k) {
        Proto p("p", kPfA);
        dlil_demux_desc bad{};
        if (k == 0) bad.type = 99;
        if (k == 1) bad.type = DLIL_DESC_ETYPE2;  // NULL native_type
        if (k == 2) bad.type = DLIL_DESC_RAW;     // NULL proto_id
        if (k == 3) {
            static unsigned char id[3] = {1, 2, 3};
            bad.type = DLIL_DESC_RAW;
            bad.variants.bitmask.proto_id = id;
            bad.variants.bitmask.proto_id_length = 3;
        }
        p.descs.push_back(bad);
        p.desc_bytes.emplace_back();
        p.reg.demux_desc_head.tqh_first = nullptr;
        TAILQ_INIT(&p.reg.demux_desc_head);
        TAILQ_INSERT_TAIL(&p.reg.demux_desc_head, &p.descs[0], next);
        unsigned long tag = 0xdead;
        p.reg.unit_number = d.ifp.if_unit;
        EXPECT_EQ(dlil_attach_protocol(&p.reg, &tag), EINVAL) << k;
        EXPECT_EQ(tag, 0xdeadul) << k;
    }
    expect_unchanged(before, "malformed descriptors");
}

NKE_TEST(DlilEther, DuplicateDescriptorIsEaddrinuse, "DLIL-ETHER-012") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto a("a", kPfA), b("b", kPfB);
    a.etype2(kTypeA);
    b.etype2(kTypeA);
    ASSERT_EQ(a.attach(d), 0);
    auto before = nke::test::counters();
    EXPECT_EQ(b.attach(d), EADDRINUSE);
    expect_unchanged(before, "duplicate descriptor");
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(a.received(), 1u);
}

NKE_TEST(DlilEther, DescriptorsAreCopied, "DLIL-ETHER-013") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    p.desc_bytes[0][0] = 0x12;  // scribble over the caller's copy
    p.descs[0].type = 99;
    TAILQ_INIT(&p.reg.demux_desc_head);
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(p.received(), 1u);
}

NKE_TEST(DlilEther, FramerPrependsHeader, "DLIL-ETHER-015", "DLIL-OUTPUT-003") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.reg.pre_output = [](ifnet *, struct mbuf **, const nke_sockaddr *, void *, char *frame_type,
                          char *dst, unsigned long) -> int {
        // The buffers arrive zeroed and are DLIL_FRAME_TYPE_MAX/DLIL_LINKADDR_MAX bytes.
        for (int k = 0; k < DLIL_FRAME_TYPE_MAX; ++k) EXPECT_EQ(frame_type[k], 0);
        for (int k = 0; k < DLIL_LINKADDR_MAX; ++k) EXPECT_EQ(dst[k], 0);
        frame_type[0] = static_cast<char>(0x88);
        frame_type[1] = static_cast<char>(0xb5);
        std::memcpy(dst, kBroadcast, 6);
        return 0;
    };
    ASSERT_EQ(p.attach(d), 0);
    struct mbuf *m = packet(std::vector<uint8_t>(20, 0x33));
    ASSERT_EQ(dlil_output(p.tag, m, nullptr, nullptr, 0), 0);
    ASSERT_EQ(d.sent(), 1u);
    auto b = bytes_of(d.out[0]);
    ASSERT_EQ(b.size(), 34u);
    EXPECT_TRUE(std::equal(kBroadcast, kBroadcast + 6, b.begin()));
    EXPECT_TRUE(std::equal(kOurMac, kOurMac + 6, b.begin() + 6));
    EXPECT_EQ(b[12], 0x88);
    EXPECT_EQ(b[13], 0xb5);
    EXPECT_EQ(b[14], 0x33);
    EXPECT_TRUE(d.out[0]->m_flags & M_BCAST);
    EXPECT_EQ(d.out[0]->m_pkthdr.len, 34);
}

NKE_TEST(DlilEther, FramerWithoutMemoryIsEnobufs, "DLIL-ETHER-016", "DLIL-STATS-007") {
    NKE_REQUIRE_HOOK(fail_alloc);
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    ASSERT_EQ(p.attach(d), 0);
    // A packet with no leading space, so prepending must allocate.
    struct mbuf *m = packet(std::vector<uint8_t>(MHLEN, 0x33));
    ASSERT_NE(m, nullptr);
    const uint64_t live = nke::test::counters().mbufs;
    int rc;
    {
        nke::test::FailAlloc fail(1, true);
        rc = dlil_output(p.tag, m, nullptr, nullptr, 0);
    }
    EXPECT_EQ(rc, ENOBUFS);
    EXPECT_EQ(d.sent(), 0u);
    EXPECT_LT(nke::test::counters().mbufs, live);  // the frame was freed
    EXPECT_EQ(d.ifp.if_data.ifi_oerrors, 1u);
}

// --- loopback --------------------------------------------------------------------

namespace {
int loop_pre_output(ifnet *, struct mbuf **, const nke_sockaddr *, void *, char *frame_type, char *,
                    unsigned long tag) {
    const uint32_t pf = Proto::lookup(tag)->reg.protocol_family;
    std::memcpy(frame_type, &pf, 4);
    return 0;
}
}  // namespace

NKE_TEST(DlilLoop, AddIfSetsDemuxFramerAndHeaderLength, "DLIL-LOOP-001") {
    Driver d("tlo", APPLE_IF_FAM_LOOPBACK);
    d.ifp.if_hdrlen = 0;
    ASSERT_EQ(d.attach(), 0);
    EXPECT_NE(d.ifp.if_demux, nullptr);
    EXPECT_NE(d.ifp.if_framer, nullptr);
    EXPECT_EQ(d.ifp.if_hdrlen, 4);
}

NKE_TEST(DlilLoop, DemuxByProtocolFamily, "DLIL-LOOP-002") {
    Driver d("tlo", APPLE_IF_FAM_LOOPBACK);
    ASSERT_EQ(d.attach(), 0);
    Proto a("a", kPfA), b("b", kPfB);
    ASSERT_EQ(a.attach(d), 0);
    ASSERT_EQ(b.attach(d), 0);
    auto frame = [](uint32_t pf) {
        std::vector<uint8_t> v(4 + 20, 0x11);
        std::memcpy(v.data(), &pf, 4);
        return packet(v);
    };
    d.input(frame(kPfB));
    d.input(frame(kPfA));
    d.input(frame(kPfC));
    EXPECT_EQ(a.received(), 1u);
    EXPECT_EQ(b.received(), 1u);
    EXPECT_EQ(d.ifp.if_data.ifi_noproto, 1u);
}

NKE_TEST(DlilLoop, FramerPrependsFrameType, "DLIL-LOOP-003") {
    Driver d("tlo", APPLE_IF_FAM_LOOPBACK);
    ASSERT_EQ(d.attach(), 0);
    Proto a("a", kPfA);
    a.reg.pre_output = loop_pre_output;
    ASSERT_EQ(a.attach(d), 0);
    ASSERT_EQ(dlil_output(a.tag, packet(std::vector<uint8_t>(10, 1)), nullptr, nullptr, 0), 0);
    ASSERT_EQ(d.sent(), 1u);
    auto b = bytes_of(d.out[0]);
    ASSERT_EQ(b.size(), 14u);
    uint32_t pf;
    std::memcpy(&pf, b.data(), 4);
    EXPECT_EQ(pf, kPfA);
    // Looping the frame back reaches the protocol.
    struct mbuf *m = d.out[0];
    d.out.clear();
    m->m_pkthdr.header = nullptr;
    d.input(m);
    EXPECT_EQ(a.received(), 1u);
}
