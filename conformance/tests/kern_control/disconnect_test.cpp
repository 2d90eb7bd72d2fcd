// spec/kern_control.md — disconnecting, closing, unsupported requests (CTL-DISC-*).
#include "ctl_helpers.hpp"

using namespace nke::test;

NKE_TEST(CtlDisconnect, CloseCallsCtlDisconnectOnce, "CTL-DISC-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    const auto before = counters();
    Fd fd = connected_client(c);
    EXPECT_EQ(counters().ctl_clients, before.ctl_clients + 1);
    EXPECT_EQ(c.rec.disconnects, 0);
    fd.reset();
    EXPECT_EQ(c.rec.disconnects, 1);
    EXPECT_EQ(counters().ctl_clients, before.ctl_clients);
    // The controller takes a new client at once.
    Fd again = connected_client(c);
    EXPECT_EQ(c.rec.connects, 2);
}

NKE_TEST(CtlDisconnect, OnlyForSuccessfulConnects, "CTL-DISC-002") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    {
        Fd never(control_socket());   // closed unconnected
    }
    {
        Fd refused(control_socket());
        c.rec.connect_rc = ENOENT;
        EXPECT_SYS_ERRNO(connect_ctl(refused.get(), c.addr()), ENOENT);
        c.rec.connect_rc = 0;
    }
    EXPECT_EQ(c.rec.disconnects, 0);
    {
        Fd fd = connected_client(c);
        EXPECT_EQ(ctl_deregister(c.ref()), EBUSY);
        EXPECT_EQ(c.rec.disconnects, 0) << "not on a refused deregister";
    }
    EXPECT_EQ(c.rec.connects, 2);
    EXPECT_EQ(c.rec.disconnects, 1);
}

NKE_TEST(CtlDisconnect, NoClientWhileCtlDisconnectRuns, "CTL-DISC-003") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    int rc_data = -1, rc_mbuf = -1;
    c.rec.in_disconnect = [&] {
        rc_data = ctl_enqueuedata(c.ref(), const_cast<char *>("late"), 4, 0);
        struct mbuf *m = make_chain("late");
        rc_mbuf = ctl_enqueuembuf(c.ref(), m, 0);
        m_freem(m);   // the caller keeps it on error
    };
    {
        Fd fd = connected_client(c);
    }
    EXPECT_EQ(rc_data, ENOTCONN);
    EXPECT_EQ(rc_mbuf, ENOTCONN);
}

NKE_TEST(CtlDisconnect, NullDisconnectCallbackIsSilent, "CTL-DISC-001") {
    TestController::Options o;
    o.callbacks = kCbAll & ~kCbDisconnect;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    const auto before = counters();
    {
        Fd fd = connected_client(c);
    }
    EXPECT_EQ(counters().ctl_clients, before.ctl_clients);
    Fd again = connected_client(c);
}

NKE_TEST(CtlDisconnect, ShutRdFlushesButKeepsTheConnection, "CTL-DISC-004") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("one"), 3, 0), 0);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("two"), 3, 0), 0);
    const auto queued = counters();
    const auto clients = queued.ctl_clients;
    ASSERT_EQ(nke_shutdown(fd.get(), SHUT_RD), 0) << std::strerror(errno);
    EXPECT_LT(counters().mbufs, queued.mbufs) << "the queued records are freed";
    char buf[8];
    EXPECT_EQ(nke_recv(fd.get(), buf, sizeof buf, 0), 0) << "end of file, without blocking";
    EXPECT_EQ(c.rec.disconnects, 0);
    EXPECT_EQ(counters().ctl_clients, clients);
    EXPECT_EQ(nke_send(fd.get(), "w", 1, 0), 1);
    EXPECT_EQ(c.rec.writes, 1);
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 0), 0);
    EXPECT_EQ(c.rec.sets, 1);
}

NKE_TEST(CtlDisconnect, EnqueueAfterShutRdIsEpipe, "CTL-DISC-005") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    ASSERT_EQ(nke_shutdown(fd.get(), SHUT_RD), 0);
    const auto before = counters();
    EXPECT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("x"), 1, 0), EPIPE);
    struct mbuf *m = make_chain("xyz");
    EXPECT_EQ(ctl_enqueuembuf(c.ref(), m, 0), EPIPE);
    EXPECT_EQ(chain_bytes(m), "xyz") << "the caller still owns the mbuf";
    m_freem(m);
    expect_unchanged(before, "enqueue after SHUT_RD");
}

NKE_TEST(CtlDisconnect, ShutWrAndRdwrAreEopnotsupp, "CTL-DISC-006") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("kept"), 4, 0), 0);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_shutdown(fd.get(), SHUT_WR), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_shutdown(fd.get(), SHUT_RDWR), EOPNOTSUPP);
    expect_unchanged(before, "a refused shutdown");
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "kept") << "the queue was not flushed";
    EXPECT_EQ(nke_send(fd.get(), "w", 1, 0), 1);
    EXPECT_EQ(c.rec.disconnects, 0);
}

NKE_TEST(CtlDisconnect, BindAndListenAreEopnotsupp, "CTL-DISC-007") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    const sockaddr_ctl a = c.addr();
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_bind(fd.get(), reinterpret_cast<const struct sockaddr *>(&a), sizeof a),
                     EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_listen(fd.get(), 5), EOPNOTSUPP);
    expect_unchanged(before, "bind/listen on a control socket");
    EXPECT_EQ(connect_ctl(fd.get(), a), 0) << "the socket is still usable";
    EXPECT_SYS_ERRNO(nke_listen(fd.get(), 5), EOPNOTSUPP);
}

NKE_TEST(CtlDisconnect, NamesAndSocketpairAreEopnotsupp, "CTL-DISC-008") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    sockaddr_ctl out{};
    socklen_t len = sizeof out;
    EXPECT_SYS_ERRNO(nke_getsockname(fd.get(), reinterpret_cast<struct sockaddr *>(&out), &len),
                     EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_getpeername(fd.get(), reinterpret_cast<struct sockaddr *>(&out), &len),
                     EOPNOTSUPP);
    ASSERT_EQ(connect_ctl(fd.get(), c.addr()), 0);
    EXPECT_SYS_ERRNO(nke_getsockname(fd.get(), reinterpret_cast<struct sockaddr *>(&out), &len),
                     EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_getpeername(fd.get(), reinterpret_cast<struct sockaddr *>(&out), &len),
                     EOPNOTSUPP);
    const auto before = counters();
    int sv[2] = {-1, -1};
    EXPECT_SYS_ERRNO(nke_socketpair(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL, sv), EOPNOTSUPP);
    expect_unchanged(before, "socketpair of control sockets");
}

NKE_TEST(CtlDisconnect, AcceptFails, "CTL-DISC-009") {
    Fd fd(control_socket());
    const auto before = counters();
    sockaddr_ctl out{};
    socklen_t len = sizeof out;
    EXPECT_EQ(nke_accept(fd.get(), reinterpret_cast<struct sockaddr *>(&out), &len), -1);
    EXPECT_NE(errno, 0);
    expect_unchanged(before, "accept on a control socket");
}
