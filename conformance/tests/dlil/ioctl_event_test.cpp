// spec/dlil.md — dlil_ioctl and dlil_event.
#include "dl_util.hpp"

using namespace dltest;

namespace {

struct Rig {
    FamilyGuard fam;
    Driver d{"cus", fam.family};
    Proto p{"p", kPfA};
    Rig() {
        EXPECT_TRUE(fam.registered);
        EXPECT_EQ(d.attach(), 0);
        p.reg.ioctl = [](unsigned long tag, ifnet *, unsigned long, void *) -> int {
            Proto *self = Proto::lookup(tag);
            note("p:ioctl");
            return self->ioctl_rc;
        };
        p.reg.event = [](kern_event_msg *, unsigned long tag) -> int {
            Proto *self = Proto::lookup(tag);
            note(self->name + ":dl_event");
            return self->event_rc;
        };
        EXPECT_EQ(p.attach(d), 0);
    }
};

struct Event {
    uint32_t words[16]{};
    kern_event_msg *msg() { return reinterpret_cast<kern_event_msg *>(words); }
    explicit Event(uint32_t payload_words = 2) {
        msg()->total_size = KEV_MSG_HEADER_SIZE + 4 * payload_words;
        msg()->vendor_code = KEV_VENDOR_APPLE;
        msg()->kev_class = KEV_NETWORK_CLASS;
        msg()->kev_subclass = KEV_DL_SUBCLASS;
        msg()->event_code = KEV_DL_LINK_ON;
        for (uint32_t k = 0; k < payload_words; ++k) msg()->event_data[k] = 0x1000 + k;
    }
};

}  // namespace

NKE_TEST(DlilIoctl, CallOrderAndDriverAlwaysCalled, "DLIL-IOCTL-001", "DLIL-ORDER-004") {
    Rig r;
    PrFilter a("pa"), b("pb");
    IfFilter c("ia"), e("ib");
    ASSERT_EQ(a.attach(r.p), 0);
    ASSERT_EQ(b.attach(r.p), 0);
    ASSERT_EQ(c.attach(r.d), 0);
    ASSERT_EQ(e.attach(r.d), 0);
    r.p.ioctl_rc = 0;  // handled, yet the driver is still called
    clear_log();
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 0x1234, nullptr), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"pa:ioctl", "pb:ioctl", "p:ioctl", "ia:ioctl",
                                                    "ib:ioctl", "fam:ioctl", "cus:ioctl"}));
}

NKE_TEST(DlilIoctl, FirstRealErrorEndsTheCall, "DLIL-IOCTL-002") {
    Rig r;
    IfFilter c("ia");
    ASSERT_EQ(c.attach(r.d), 0);
    r.p.ioctl_rc = EACCES;
    clear_log();
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), EACCES);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"p:ioctl"}));
    r.p.ioctl_rc = EOPNOTSUPP;
    c.ioctl_rc = EJUSTRETURN;
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"p:ioctl", "ia:ioctl"}));
    c.ioctl_rc = 0;
    CustomFamily::ifmod_ioctl_rc = EROFS;  // the module's error is not lost (hist §9.2 #14)
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), EROFS);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"p:ioctl", "ia:ioctl", "fam:ioctl"}));
}

NKE_TEST(DlilIoctl, FinalValue, "DLIL-IOCTL-003") {
    Rig r;
    // Nobody handled it: the driver's value as is.
    r.d.ioctl_rc = EOPNOTSUPP;
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), EOPNOTSUPP);
    r.d.ioctl_rc = ENOTTY;
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), ENOTTY);
    r.d.ioctl_rc = EJUSTRETURN;
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), 0);
    // The protocol handled it: the driver's EOPNOTSUPP becomes 0.
    r.d.ioctl_rc = EOPNOTSUPP;
    r.p.ioctl_rc = 0;
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), 0);
    r.d.ioctl_rc = ENOTTY;
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), ENOTTY);
    // The module handled it.
    r.p.ioctl_rc = EOPNOTSUPP;
    r.d.ioctl_rc = EOPNOTSUPP;
    CustomFamily::ifmod_ioctl_rc = 0;
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), 0);
    // No driver ioctl: EOPNOTSUPP.
    CustomFamily::ifmod_ioctl_rc = EOPNOTSUPP;
    r.d.ifp.if_ioctl = nullptr;
    EXPECT_EQ(dlil_ioctl(kPfA, &r.d.ifp, 1, nullptr), EOPNOTSUPP);
}

NKE_TEST(DlilIoctl, InterfaceFilterZeroIsNotHandled, "DLIL-IOCTL-002") {
    Rig r;
    IfFilter c("ia");
    ASSERT_EQ(c.attach(r.d), 0);
    c.ioctl_rc = 0;
    r.d.ioctl_rc = EOPNOTSUPP;
    EXPECT_EQ(dlil_ioctl(0, &r.d.ifp, 1, nullptr), EOPNOTSUPP);
}

NKE_TEST(DlilIoctl, UnknownOrAbsentProtocolStage, "DLIL-IOCTL-004") {
    Rig r;
    PrFilter a("pa");
    ASSERT_EQ(a.attach(r.p), 0);
    r.p.ioctl_rc = 0;
    r.d.ioctl_rc = EOPNOTSUPP;
    clear_log();
    EXPECT_EQ(dlil_ioctl(kPfB, &r.d.ifp, 1, nullptr), EOPNOTSUPP);  // 517: not handled
    EXPECT_EQ(dlil_ioctl(0, &r.d.ifp, 1, nullptr), EOPNOTSUPP);
    for (const auto &s : take_log()) EXPECT_TRUE(s != "p:ioctl" && s != "pa:ioctl") << s;
    // A protocol without dl_ioctl: not handled either.
    Driver d2("tst");
    ASSERT_EQ(d2.attach(), 0);
    Proto q("q", kPfB);
    ASSERT_EQ(q.attach(d2), 0);
    d2.ioctl_rc = EOPNOTSUPP;
    EXPECT_EQ(dlil_ioctl(kPfB, &d2.ifp, 1, nullptr), EOPNOTSUPP);
}

NKE_TEST(DlilIoctl, ArgumentErrors, "DLIL-IOCTL-005") {
    EXPECT_EQ(dlil_ioctl(0, nullptr, 1, nullptr), EINVAL);
    Driver d("tst");
    clear_log();
    EXPECT_EQ(dlil_ioctl(0, &d.ifp, 1, nullptr), ENXIO);
    EXPECT_TRUE(take_log().empty());
}

// --- events ------------------------------------------------------------------------

NKE_TEST(DlilEvent, CallOrderThenRepost, "DLIL-EVENT-001", "DLIL-ORDER-005") {
    Rig r;
    Proto q("q", kPfB);
    q.reg.event = [](kern_event_msg *, unsigned long tag) -> int {
        note(Proto::lookup(tag)->name + ":dl_event");
        return 0;
    };
    ASSERT_EQ(q.attach(r.d), 0);
    IfFilter i1("i1"), i2("i2");
    PrFilter p1("p1"), p2("p2"), q1("q1");
    ASSERT_EQ(i1.attach(r.d), 0);
    ASSERT_EQ(i2.attach(r.d), 0);
    ASSERT_EQ(p1.attach(r.p), 0);
    ASSERT_EQ(p2.attach(r.p), 0);
    ASSERT_EQ(q1.attach(q), 0);
    Event ev;
    const uint64_t posted = events_posted();
    clear_log();
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"i2:event", "i1:event", "cus:event", "p2:event",
                                                    "p1:event", "p:dl_event", "q1:event",
                                                    "q:dl_event"}));
    EXPECT_EQ(events_posted(), posted + 1);
}

NKE_TEST(DlilEvent, RepostKeepsTheMessage, "DLIL-EVENT-002") {
    Rig r;
    Event ev(3);
    const uint32_t id_before = ev.msg()->id;
    const uint64_t posted = events_posted();
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), 0);
    EXPECT_EQ(events_posted(), posted + 1);
    // The caller's message is not consumed or rewritten.
    EXPECT_EQ(ev.msg()->id, id_before);
    EXPECT_EQ(ev.msg()->event_data[2], 0x1002u);
}

NKE_TEST(DlilEvent, FilterOrDriverStopsPropagation, "DLIL-EVENT-003") {
    Rig r;
    IfFilter i1("i1");
    ASSERT_EQ(i1.attach(r.d), 0);
    Event ev;
    const uint64_t posted = events_posted();
    i1.ev_rc = EJUSTRETURN;
    clear_log();
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), 0);
    EXPECT_EQ(take_log(), std::vector<std::string>{"i1:event"});
    i1.ev_rc = EIO;
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), EIO);
    EXPECT_EQ(take_log(), std::vector<std::string>{"i1:event"});
    i1.ev_rc = 0;
    r.d.event_rc = EBUSY;
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), EBUSY);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"i1:event", "cus:event"}));
    r.d.event_rc = 0;
    PrFilter p1("p1");
    ASSERT_EQ(p1.attach(r.p), 0);
    p1.ev_rc = EJUSTRETURN;
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"i1:event", "cus:event", "p1:event"}));
    EXPECT_EQ(events_posted(), posted);  // nothing was reposted
}

NKE_TEST(DlilEvent, ProtocolEjustreturnStopsOtherErrorsIgnored, "DLIL-EVENT-004") {
    Rig r;
    Proto q("q", kPfB);
    q.reg.event = [](kern_event_msg *, unsigned long tag) -> int {
        note(Proto::lookup(tag)->name + ":dl_event");
        return 0;
    };
    ASSERT_EQ(q.attach(r.d), 0);
    Event ev;
    uint64_t posted = events_posted();
    r.p.event_rc = EIO;  // ignored
    clear_log();
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"cus:event", "p:dl_event", "q:dl_event"}));
    EXPECT_EQ(events_posted(), posted + 1);
    posted = events_posted();
    r.p.event_rc = EJUSTRETURN;
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"cus:event", "p:dl_event"}));
    EXPECT_EQ(events_posted(), posted);
}

NKE_TEST(DlilEvent, ArgumentErrors, "DLIL-EVENT-005") {
    Rig r;
    IfFilter i1("i1");
    ASSERT_EQ(i1.attach(r.d), 0);
    Event ev;
    const uint64_t posted = events_posted();
    clear_log();
    EXPECT_EQ(dlil_event(nullptr, ev.msg()), EINVAL);
    EXPECT_EQ(dlil_event(&r.d.ifp, nullptr), EINVAL);
    ev.msg()->total_size = 10;
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), EINVAL);
    ev.msg()->total_size = KEV_MSG_HEADER_SIZE + KEV_MAX_DATA + 4;
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), EMSGSIZE);
    ev.msg()->total_size = KEV_MSG_HEADER_SIZE;
    Driver never("tst");
    EXPECT_EQ(dlil_event(&never.ifp, ev.msg()), ENXIO);
    EXPECT_TRUE(take_log().empty());
    EXPECT_EQ(events_posted(), posted);
}

NKE_TEST(DlilEvent, FilterMayReplaceEvent, "DLIL-EVENT-006") {
    Rig r;
    static Event replacement(1);
    static uint32_t seen_code;
    replacement.msg()->event_code = KEV_DL_LINK_OFF;
    IfFilter i1("i1");
    i1.f.filter_if_event = [](void *, ifnet **, kern_event_msg **ev) -> int {
        *ev = replacement.msg();
        return 0;
    };
    ASSERT_EQ(i1.attach(r.d), 0);
    PrFilter p1("p1");
    p1.f.filter_dl_event = [](void *, kern_event_msg *ev) -> int {
        seen_code = ev->event_code;
        return 0;
    };
    ASSERT_EQ(p1.attach(r.p), 0);
    Event ev;
    EXPECT_EQ(dlil_event(&r.d.ifp, ev.msg()), 0);
    EXPECT_EQ(seen_code, static_cast<uint32_t>(KEV_DL_LINK_OFF));
}
