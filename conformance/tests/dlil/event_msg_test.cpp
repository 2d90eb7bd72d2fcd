// spec/dlil.md — the content of the events the DLIL posts and reposts, read
// through a PF_SYSTEM event socket.
#include "dl_util.hpp"

using namespace dltest;

namespace {

void expect_dl_header(const std::vector<uint8_t> &e, uint32_t code, size_t payload) {
    ASSERT_GE(e.size(), static_cast<size_t>(KEV_MSG_HEADER_SIZE));
    const kern_event_msg *m = as_event(e);
    EXPECT_EQ(m->total_size, KEV_MSG_HEADER_SIZE + payload);
    EXPECT_EQ(e.size(), KEV_MSG_HEADER_SIZE + payload);
    EXPECT_EQ(m->vendor_code, static_cast<uint32_t>(KEV_VENDOR_APPLE));
    EXPECT_EQ(m->kev_class, static_cast<uint32_t>(KEV_NETWORK_CLASS));
    EXPECT_EQ(m->kev_subclass, static_cast<uint32_t>(KEV_DL_SUBCLASS));
    EXPECT_EQ(m->event_code, code);
}

void expect_link_data(const net_event_data &d, const Driver &drv) {
    EXPECT_EQ(d.if_family, drv.ifp.if_family);
    EXPECT_EQ(d.if_unit, static_cast<uint32_t>(drv.ifp.if_unit));
    EXPECT_STREQ(d.if_name, drv.ifp.if_name);
}

}  // namespace

NKE_TEST(DlilEventMsg, IfAttachedAndDetachedCarryTheInterface, "DLIL-IF-009", "DLIL-IF-014",
         "DLIL-EVENT-007") {
    EventTap tap;
    DL_REQUIRE_EVENTS(tap);
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    ASSERT_EQ(d.detach(), 0);
    auto ev = tap.drain();
    ASSERT_EQ(ev.size(), 2u);
    expect_dl_header(ev[0], KEV_DL_IF_ATTACHED, sizeof(net_event_data));
    expect_dl_header(ev[1], KEV_DL_IF_DETACHED, sizeof(net_event_data));
    net_event_data nd;
    std::memcpy(&nd, as_event(ev[0])->event_data, sizeof nd);
    expect_link_data(nd, d);
    EXPECT_LT(as_event(ev[0])->id, as_event(ev[1])->id);
}

NKE_TEST(DlilEventMsg, ProtocolEventsCarryFamilyAndRemainingCount, "DLIL-PROTO-009", "DLIL-PROTO-013",
         "DLIL-IF-015", "DLIL-IF-017") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    EventTap tap;
    DL_REQUIRE_EVENTS(tap);
    Proto a("a", kPfA), b("b", kPfB);
    ASSERT_EQ(a.attach(d), 0);
    ASSERT_EQ(b.attach(d), 0);
    ASSERT_EQ(d.detach(), DLIL_WAIT_FOR_FREE);
    ASSERT_EQ(a.detach(), 0);
    ASSERT_EQ(b.detach(), 0);
    auto ev = tap.drain();
    ASSERT_EQ(ev.size(), 6u);
    const uint32_t codes[] = {KEV_DL_PROTO_ATTACHED, KEV_DL_PROTO_ATTACHED, KEV_DL_IF_DETACHING,
                              KEV_DL_PROTO_DETACHED, KEV_DL_PROTO_DETACHED, KEV_DL_IF_DETACHED};
    const uint32_t pfs[] = {kPfA, kPfB, 0, kPfA, kPfB, 0};
    const uint32_t remaining[] = {1, 2, 0, 1, 0, 0};
    for (size_t k = 0; k < 6; ++k) {
        const bool proto = codes[k] == KEV_DL_PROTO_ATTACHED || codes[k] == KEV_DL_PROTO_DETACHED;
        expect_dl_header(ev[k], codes[k], proto ? sizeof(kev_dl_proto_data) : sizeof(net_event_data));
        if (!proto) continue;
        kev_dl_proto_data pd;
        std::memcpy(&pd, as_event(ev[k])->event_data, sizeof pd);
        expect_link_data(pd.link_data, d);
        EXPECT_EQ(pd.proto_family, pfs[k]) << k;
        EXPECT_EQ(pd.proto_remaining_count, remaining[k]) << k;
    }
    EXPECT_EQ(d.if_free_calls.load(), 1);
}

NKE_TEST(DlilEventMsg, RepostKeepsCodeAndPayloadWithNewId, "DLIL-EVENT-002") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    EventTap tap;
    DL_REQUIRE_EVENTS(tap);
    uint32_t words[10] = {};
    auto *msg = reinterpret_cast<kern_event_msg *>(words);
    msg->total_size = KEV_MSG_HEADER_SIZE + 12;
    msg->vendor_code = KEV_VENDOR_APPLE;
    msg->kev_class = KEV_NETWORK_CLASS;
    msg->kev_subclass = KEV_DL_SUBCLASS;
    msg->event_code = KEV_DL_LINK_ON;
    msg->id = 0x7777;
    msg->event_data[0] = 0xa1;
    words[7] = 0xa2;
    words[8] = 0xa3;
    ASSERT_EQ(dlil_event(&d.ifp, msg), 0);
    auto ev = tap.drain();
    ASSERT_EQ(ev.size(), 1u);
    expect_dl_header(ev[0], KEV_DL_LINK_ON, 12);
    const kern_event_msg *got = as_event(ev[0]);
    EXPECT_NE(got->id, 0x7777u);
    EXPECT_EQ(std::memcmp(got->event_data, &words[6], 12), 0);
}
