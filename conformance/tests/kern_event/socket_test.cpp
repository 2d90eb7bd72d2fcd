// spec/kern_event.md — event sockets (KEV-SOCK-*).
#include <thread>

#include "kev_helpers.hpp"

using namespace nke::test;

namespace {
constexpr uint32_t kVendor = 0x7e57;   // a test vendor no stack event uses
int event_socket() { return nke_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT); }
}  // namespace

NKE_TEST(KevSocket, AnyUserOpensAnEventSocket, "KEV-SOCK-001") {
    NKE_REQUIRE_HOOK(set_credentials);
    AsUser user(501, 501);
    const auto before = counters();
    Fd fd(event_socket());
    ASSERT_GE(fd.get(), NKE_FD_FIRST) << std::strerror(errno);
    EXPECT_EQ(counters().event_sockets, before.event_sockets + 1);
    EXPECT_EQ(counters().sockets, before.sockets + 1);
    fd.reset();
    EXPECT_EQ(counters().event_sockets, before.event_sockets);
}

NKE_TEST(KevSocket, EventProtocolIsRawOnly, "KEV-SOCK-002") {
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_EVENT), EPROTONOSUPPORT);
    EXPECT_SYS_ERRNO(nke_socket(PF_SYSTEM, SOCK_STREAM, SYSPROTO_EVENT), EPROTONOSUPPORT);
    expect_no_change(before, "socket() with a wrong type");
}

NKE_TEST(KevSocket, UnsupportedRequestsAreEopnotsupp, "KEV-SOCK-003") {
    Fd fd(event_socket());
    ASSERT_GE(fd.get(), 0);
    sockaddr_sys sa{};
    sa.ss_len = sizeof sa;
    sa.ss_family = AF_SYSTEM;
    const auto *addr = reinterpret_cast<const struct sockaddr *>(&sa);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_connect(fd.get(), addr, sizeof sa), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_bind(fd.get(), addr, sizeof sa), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_listen(fd.get(), 1), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "x", 1, 0), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_sendto(fd.get(), "x", 1, 0, addr, sizeof sa), EOPNOTSUPP);
    iovec iov{const_cast<char *>("x"), 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    EXPECT_SYS_ERRNO(nke_sendmsg(fd.get(), &msg, 0), EOPNOTSUPP);
    sockaddr_sys out{};
    socklen_t len = sizeof out;
    EXPECT_SYS_ERRNO(nke_getsockname(fd.get(), reinterpret_cast<struct sockaddr *>(&out), &len),
                     EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_getpeername(fd.get(), reinterpret_cast<struct sockaddr *>(&out), &len),
                     EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_shutdown(fd.get(), SHUT_WR), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_shutdown(fd.get(), SHUT_RDWR), EOPNOTSUPP);
    int sv[2] = {-1, -1};
    EXPECT_SYS_ERRNO(nke_socketpair(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT, sv), EOPNOTSUPP);
    expect_no_change(before, "unsupported requests on an event socket");
    // The refused shutdowns changed nothing: events still arrive.
    kev_request req{kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS};
    ASSERT_EQ(nke_ioctl(fd.get(), SIOCSKEVFILT, &req), 0);
    kev_msg m = make_event(kVendor, 1, 1, 1);
    ASSERT_EQ(kev_post_msg(&m), 0);
    unsigned char buf[64];
    EXPECT_EQ(nke_recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT), KEV_MSG_HEADER_SIZE);
}

NKE_TEST(KevSocket, AcceptFails, "KEV-SOCK-004") {
    Fd fd(event_socket());
    const auto before = counters();
    sockaddr_sys out{};
    socklen_t len = sizeof out;
    EXPECT_EQ(nke_accept(fd.get(), reinterpret_cast<struct sockaddr *>(&out), &len), -1);
    EXPECT_NE(errno, 0);
    expect_no_change(before, "accept on an event socket");
}

NKE_TEST(KevSocket, BufferLimits, "KEV-SOCK-005") {
    Fd fd(event_socket());
    int v = 0;
    socklen_t len = sizeof v;
    ASSERT_EQ(nke_getsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &v, &len), 0) << std::strerror(errno);
    EXPECT_EQ(v, KEV_RECVSPACE);
    len = sizeof v;
    ASSERT_EQ(nke_getsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
    EXPECT_EQ(v, KEV_SNDSPACE);
}

NKE_TEST(KevSocket, ReceivesUnconnectedAndBlocks, "KEV-SOCK-006", "CONC-BLOCK-001") {
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    unsigned char buf[64];
    EXPECT_SYS_ERRNO(nke_recv(ev.fd(), buf, sizeof buf, MSG_DONTWAIT), EWOULDBLOCK);
    int on = 1;
    ASSERT_EQ(nke_ioctl(ev.fd(), FIONBIO, &on), 0);
    EXPECT_SYS_ERRNO(nke_recv(ev.fd(), buf, sizeof buf, 0), EWOULDBLOCK);
    int off = 0;
    ASSERT_EQ(nke_ioctl(ev.fd(), FIONBIO, &off), 0);
    ssize_t got = -1;
    std::thread reader([&] { got = nke_recv(ev.fd(), buf, sizeof buf, 0); });
    kev_msg m = make_event(kVendor, 2, 3, 4, "abcd", 4);
    ASSERT_EQ(kev_post_msg(&m), 0);
    reader.join();
    EXPECT_EQ(got, KEV_MSG_HEADER_SIZE + 4);
}

NKE_TEST(KevSocket, CloseFreesQueuedEventsAndStopsDelivery, "KEV-SOCK-007") {
    const auto before = counters();
    auto ev = std::make_unique<EventListener>(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    std::string payload(1500, 'p');
    for (int i = 0; i < 3; ++i) {
        kev_msg m = make_event(kVendor, 1, 1, 1, payload.data(), 1500);
        ASSERT_EQ(kev_post_msg(&m), 0);
    }
    EXPECT_GT(counters().mbufs, before.mbufs);
    ev.reset();
    EXPECT_EQ(counters().mbufs, before.mbufs);
    EXPECT_EQ(counters().clusters, before.clusters);
    kev_msg m = make_event(kVendor, 1, 1, 1, payload.data(), 1500);
    EXPECT_EQ(kev_post_msg(&m), 0);
    EXPECT_EQ(counters().mbufs, before.mbufs) << "nothing queued for a closed socket";
}

NKE_TEST(KevSocket, ProtocolOptionsAreEnoprotoopt, "KEV-SOCK-008") {
    Fd fd(event_socket());
    int v = 1;
    socklen_t len = sizeof v;
    for (int level : {SYSPROTO_EVENT, SYSPROTO_CONTROL, 0, 77}) {
        if (level == SOL_SOCKET) continue;   // SYSPROTO_EVENT is SOL_SOCKET on some hosts
        EXPECT_SYS_ERRNO(nke_setsockopt(fd.get(), level, 1, &v, sizeof v), ENOPROTOOPT);
        EXPECT_SYS_ERRNO(nke_getsockopt(fd.get(), level, 1, &v, &len), ENOPROTOOPT);
    }
}

NKE_TEST(KevSocket, ShutRdStopsDelivery, "KEV-SOCK-009") {
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    kev_msg m = make_event(kVendor, 1, 1, 1, "x", 1);
    ASSERT_EQ(kev_post_msg(&m), 0);
    const auto queued = counters();
    ASSERT_EQ(nke_shutdown(ev.fd(), SHUT_RD), 0) << std::strerror(errno);
    EXPECT_LT(counters().mbufs, queued.mbufs) << "queued events discarded";
    const auto before = counters();
    EXPECT_EQ(kev_post_msg(&m), 0);
    EXPECT_EQ(counters().events_dropped, before.events_dropped) << "not counted as dropped";
    EXPECT_EQ(counters().mbufs, before.mbufs) << "not queued";
    unsigned char buf[64];
    EXPECT_EQ(nke_recv(ev.fd(), buf, sizeof buf, 0), 0) << "end of file at once";
}
