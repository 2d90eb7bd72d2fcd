// spec/kern_control.md — connecting to a controller (CTL-CONNECT-*).
#include "ctl_helpers.hpp"

using namespace nke::test;

namespace {

// A refused connect changes nothing: counters, the controller's callbacks,
// the socket's state (it can still connect elsewhere).
void expect_refused(int fd, const sockaddr_ctl &a, socklen_t len, int err, const TestController &c,
                    const char *what) {
    const auto before = counters();
    const int connects = c.rec.connects;
    EXPECT_SYS_ERRNO(connect_ctl(fd, a, len), err);
    expect_no_change(before, what);
    EXPECT_EQ(c.rec.connects, connects) << what << ": ctl_connect must not run";
    EXPECT_SYS_ERRNO(nke_send(fd, "x", 1, 0), ENOTCONN);
}

}  // namespace

NKE_TEST(CtlConnect, ChecksInOrder, "CTL-CONNECT-001") {
    NKE_REQUIRE_HOOK(set_credentials);
    TestController::Options o;
    o.flags = CTL_FLAG_PRIVILEGED;
    TestController priv(o);
    ASSERT_EQ(priv.rc(), 0);
    Fd holder = connected_client(priv);   // priv is now busy
    Fd fd(control_socket());
    AsUser user(501, 501);
    sockaddr_ctl a = priv.addr();
    // Every check fails at once: the length decides.
    a.sc_family = AF_INET;
    a.ss_sysaddr = 99;
    a.sc_id = fresh_ctl_id();
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), a, 16), EINVAL);
    // Then the family.
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), a), EAFNOSUPPORT);
    // Then the sub-address.
    a.sc_family = AF_SYSTEM;
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), a), EINVAL);
    // Then existence.
    a.ss_sysaddr = AF_SYS_CONTROL;
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), a), EADDRNOTAVAIL);
    // Then privilege, before busy.
    a.sc_id = priv.id();
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), a), EPERM);
    EXPECT_EQ(priv.rec.connects, 1);
}

NKE_TEST(CtlConnect, WrongLengthIsEinval, "CTL-CONNECT-002") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    struct {
        sockaddr_ctl a;
        char extra[8];
    } big{};
    big.a = c.addr();
    for (socklen_t len : {socklen_t{2}, socklen_t{8}, socklen_t{12}, socklen_t{31}, socklen_t{33},
                          socklen_t{40}}) {
        expect_refused(fd.get(), big.a, len, EINVAL, c, "connect with a wrong length");
    }
    EXPECT_EQ(connect_ctl(fd.get(), c.addr()), 0) << std::strerror(errno);
}

NKE_TEST(CtlConnect, WrongFamilyIsEafnosupport, "CTL-CONNECT-003") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    for (uint8_t fam : {uint8_t{0}, uint8_t{AF_INET}, uint8_t{AF_UNIX}, uint8_t{31}, uint8_t{33}}) {
        sockaddr_ctl a = c.addr();
        a.sc_family = fam;
        expect_refused(fd.get(), a, sizeof a, EAFNOSUPPORT, c, "connect with a wrong family");
    }
}

NKE_TEST(CtlConnect, WrongSysaddrIsEinval, "CTL-CONNECT-004") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    for (uint16_t s : {uint16_t{0}, uint16_t{1}, uint16_t{3}, uint16_t{0xffff}}) {
        sockaddr_ctl a = c.addr();
        a.ss_sysaddr = s;
        expect_refused(fd.get(), a, sizeof a, EINVAL, c, "connect with a wrong sysaddr");
    }
}

NKE_TEST(CtlConnect, ScLenIsIgnored, "CTL-CONNECT-005") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    for (uint8_t len : {uint8_t{0}, uint8_t{255}, uint8_t{1}}) {
        Fd fd(control_socket());
        sockaddr_ctl a = c.addr();
        a.sc_len = len;
        EXPECT_EQ(connect_ctl(fd.get(), a), 0) << "sc_len " << int{len} << ": " << std::strerror(errno);
    }
}

NKE_TEST(CtlConnect, ReservedWordsAreIgnored, "CTL-CONNECT-006") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    sockaddr_ctl a = c.addr();
    for (auto &w : a.sc_reserved) w = 0xffffffff;
    EXPECT_EQ(connect_ctl(fd.get(), a), 0) << std::strerror(errno);
}

NKE_TEST(CtlConnect, UnknownControllerIsEaddrnotavail, "CTL-CONNECT-007") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    expect_refused(fd.get(), ctl_addr(fresh_ctl_id()), sizeof(sockaddr_ctl), EADDRNOTAVAIL, c,
                   "connect to an unknown id");
    expect_refused(fd.get(), ctl_addr(c.id(), c.unit() + 1), sizeof(sockaddr_ctl), EADDRNOTAVAIL,
                   c, "connect to an unknown unit");
}

NKE_TEST(CtlConnect, PrivilegedRefusesNonRootWithoutSideEffects, "CTL-CONNECT-008") {
    NKE_REQUIRE_HOOK(set_credentials);
    TestController::Options o;
    o.flags = CTL_FLAG_PRIVILEGED;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    {
        AsUser user(501, 501);
        expect_refused(fd.get(), c.addr(), sizeof(sockaddr_ctl), EPERM, c,
                       "an unprivileged connect to a privileged controller");
        // uid 0 does not help when the effective uid is not 0.
        AsUser half(0, 501);
        expect_refused(fd.get(), c.addr(), sizeof(sockaddr_ctl), EPERM, c, "euid 501");
    }
    // The controller did not become busy (the 10.2 defect): root connects.
    Fd root(control_socket());
    EXPECT_EQ(connect_ctl(root.get(), c.addr()), 0) << std::strerror(errno);
    EXPECT_EQ(c.rec.connects, 1);
}

NKE_TEST(CtlConnect, PrivilegeIsTheConnectingThreadsNotTheCreators, "CTL-CONNECT-008") {
    NKE_REQUIRE_HOOK(set_credentials);
    TestController::Options o;
    o.flags = CTL_FLAG_PRIVILEGED;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd made_by_root(control_socket());
    Fd made_by_user;
    {
        AsUser user(501, 501);
        made_by_user = Fd(control_socket());
        ASSERT_GE(made_by_user.get(), 0);
        EXPECT_SYS_ERRNO(connect_ctl(made_by_root.get(), c.addr()), EPERM);
    }
    EXPECT_EQ(connect_ctl(made_by_user.get(), c.addr()), 0) << std::strerror(errno);
}

NKE_TEST(CtlConnect, EffectiveRootMayConnect, "CTL-CONNECT-009") {
    NKE_REQUIRE_HOOK(set_credentials);
    TestController::Options o;
    o.flags = CTL_FLAG_PRIVILEGED;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    {
        AsUser setuid(501, 0);
        EXPECT_EQ(connect_ctl(fd.get(), c.addr()), 0) << std::strerror(errno);
    }
    // Later calls with other credentials keep working.
    AsUser user(501, 501);
    EXPECT_EQ(nke_send(fd.get(), "cmd", 3, 0), 3);
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 5, "v", 1), 0);
    EXPECT_EQ(c.rec.writes, 1);
    EXPECT_EQ(c.rec.sets, 1);
}

NKE_TEST(CtlConnect, SecondClientIsEbusy, "CTL-CONNECT-010") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd first = connected_client(c);
    Fd second(control_socket());
    expect_refused(second.get(), c.addr(), sizeof(sockaddr_ctl), EBUSY, c, "a second client");
    EXPECT_EQ(nke_send(first.get(), "1", 1, 0), 1) << "the first client is unaffected";
    EXPECT_EQ(c.rec.disconnects, 0);
}

NKE_TEST(CtlConnect, ConnectingClientMakesTheControllerBusy, "CTL-CONNECT-010") {
    // While ctl_connect runs, the client being connected holds the
    // controller: ctl_deregister is refused as for a connected client.
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    kern_ctl_ref ref = c.ref();
    int busy = -1;
    c.rec.in_connect = [&] { busy = ctl_deregister(ref); };
    Fd fd = connected_client(c);
    EXPECT_EQ(busy, EBUSY);
}

NKE_TEST(CtlConnect, SuccessConnectsAndCountsTheClient, "CTL-CONNECT-011", "CTL-CONNECT-012") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    const auto before = counters();
    Fd fd(control_socket());
    ASSERT_EQ(connect_ctl(fd.get(), c.addr()), 0) << std::strerror(errno);
    EXPECT_EQ(c.rec.connects, 1);
    EXPECT_EQ(counters().ctl_clients, before.ctl_clients + 1);
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), c.addr()), EISCONN);
    fd.reset();
    EXPECT_EQ(counters().ctl_clients, before.ctl_clients);
}

NKE_TEST(CtlConnect, NullConnectCallbackAccepts, "CTL-CONNECT-012") {
    TestController::Options o;
    o.callbacks = kCbAll & ~kCbConnect;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    const auto before = counters();
    Fd fd = connected_client(c);
    EXPECT_EQ(counters().ctl_clients, before.ctl_clients + 1);
    EXPECT_EQ(nke_send(fd.get(), "x", 1, 0), 1);
}

NKE_TEST(CtlConnect, CallbackErrorRefusesAndChangesNothing, "CTL-CONNECT-013") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    c.rec.connect_rc = EACCES;
    Fd fd(control_socket());
    const int snd = sockopt_int(fd.get(), SOL_SOCKET, SO_SNDBUF);
    const int rcv = sockopt_int(fd.get(), SOL_SOCKET, SO_RCVBUF);
    const auto before = counters();
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), c.addr()), EACCES);
    expect_no_change(before, "a refused ctl_connect");
    EXPECT_EQ(c.rec.connects, 1);
    EXPECT_EQ(c.rec.disconnects, 0) << "no ctl_disconnect for a failed connect";
    EXPECT_EQ(sockopt_int(fd.get(), SOL_SOCKET, SO_SNDBUF), snd) << "buffer limits restored";
    EXPECT_EQ(sockopt_int(fd.get(), SOL_SOCKET, SO_RCVBUF), rcv);
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "x", 1, 0), ENOTCONN);
    EXPECT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("x"), 1, 0), ENOTCONN)
        << "the controller has no client";
    fd.reset();
    EXPECT_EQ(c.rec.disconnects, 0) << "closing the refused socket calls nothing";
}

NKE_TEST(CtlConnect, NegativeCallbackResultIsEconnrefused, "CTL-CONNECT-013") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    for (int rc : {EJUSTRETURN, -1, -1000}) {   // -1: history's ERESTART
        c.rec.connect_rc = rc;
        const auto before = counters();
        EXPECT_SYS_ERRNO(connect_ctl(fd.get(), c.addr()), ECONNREFUSED);
        expect_no_change(before, "a negative ctl_connect result");
    }
    EXPECT_EQ(c.rec.disconnects, 0);
}

NKE_TEST(CtlConnect, FailedSocketCanConnectAgain, "CTL-CONNECT-014") {
    NKE_REQUIRE_HOOK(set_credentials);
    TestController::Options o;
    o.flags = CTL_FLAG_PRIVILEGED;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    const uint32_t later_id = fresh_ctl_id();
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), ctl_addr(later_id)), EADDRNOTAVAIL);
    {
        AsUser user(501, 501);
        EXPECT_SYS_ERRNO(connect_ctl(fd.get(), c.addr()), EPERM);
    }
    c.rec.connect_rc = EIO;
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), c.addr()), EIO);
    c.rec.connect_rc = 0;
    TestController::Options lo;
    lo.id = later_id;
    TestController later(lo);
    ASSERT_EQ(later.rc(), 0);
    EXPECT_EQ(connect_ctl(fd.get(), later.addr()), 0) << std::strerror(errno);
    EXPECT_EQ(nke_send(fd.get(), "hi", 2, 0), 2);
    EXPECT_EQ(later.rec.written, std::vector<std::string>{"hi"});
    fd.reset();   // before `later` goes
}

NKE_TEST(CtlConnect, GreetingFromCtlConnectIsReadFirst, "CTL-CONNECT-015") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    int rc = -1;
    c.rec.in_connect = [&] { rc = ctl_enqueuedata(c.ref(), const_cast<char *>("hello"), 5, 0); };
    Fd fd = connected_client(c);
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("second"), 6, 0), 0);
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "hello");
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "second");
}

NKE_TEST(CtlConnect, GreetingOfARefusedConnectIsDiscarded, "CTL-CONNECT-015") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    int rc_data = -1, rc_mbuf = -1;
    c.rec.in_connect = [&] {
        rc_data = ctl_enqueuedata(c.ref(), const_cast<char *>("hello"), 5, 0);
        struct mbuf *m = make_chain(std::string(3000, 'g'));
        rc_mbuf = ctl_enqueuembuf(c.ref(), m, 0);
        if (rc_mbuf != 0) m_freem(m);
    };
    c.rec.connect_rc = EPERM;
    Fd fd(control_socket());
    const auto before = counters();
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), c.addr()), EPERM);
    EXPECT_EQ(rc_data, 0);
    EXPECT_EQ(rc_mbuf, 0);
    expect_no_change(before, "a refused connect with a greeting");   // mbufs freed
    c.rec.connect_rc = 0;
    c.rec.in_connect = nullptr;
    ASSERT_EQ(connect_ctl(fd.get(), c.addr()), 0) << std::strerror(errno);
    EXPECT_FALSE(recv_record(fd.get()).has_value()) << "the refused greeting must not be readable";
}

NKE_TEST(CtlConnect, ConnectedSocketIsEisconn, "CTL-CONNECT-016") {
    TestController a, b;
    ASSERT_EQ(a.rc(), 0);
    ASSERT_EQ(b.rc(), 0);
    Fd fd = connected_client(a);
    const auto before = counters();
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), b.addr()), EISCONN);
    EXPECT_SYS_ERRNO(connect_ctl(fd.get(), a.addr()), EISCONN);
    expect_no_change(before, "connect on a connected socket");
    EXPECT_EQ(a.rec.connects, 1);
    EXPECT_EQ(b.rec.connects, 0);
    EXPECT_EQ(nke_send(fd.get(), "a", 1, 0), 1);
    EXPECT_EQ(a.rec.writes, 1);
}

NKE_TEST(CtlConnect, NonBlockingConnectCompletesAtOnce, "CTL-CONNECT-017") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    int on = 1;
    ASSERT_EQ(nke_ioctl(fd.get(), FIONBIO, &on), 0) << std::strerror(errno);
    EXPECT_EQ(connect_ctl(fd.get(), c.addr()), 0) << std::strerror(errno);
    EXPECT_EQ(c.rec.connects, 1);
    EXPECT_EQ(nke_send(fd.get(), "now", 3, 0), 3);
}
