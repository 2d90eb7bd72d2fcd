// spec/socket.md — receiving.
#include "sock_helpers.hpp"

#include <atomic>
#include <cstring>

using namespace nke::test;

namespace {

// Queue a record of data (with an optional address and control) on the
// receive buffer of a probe socket, as its protocol would.
void queue(struct socket *so, const std::string &data, const char *addr = nullptr,
           const std::string &control = "") {
    struct mbuf *m = m_devget(data.data(), static_cast<int>(data.size()), 0, nullptr);
    if (data.empty()) {
        m = m_gethdr(M_WAIT, MT_DATA);
        m->m_len = m->m_pkthdr.len = 0;
    }
    struct mbuf *c = nullptr;
    if (!control.empty()) {
        c = m_get(M_WAIT, MT_CONTROL);
        std::memcpy(c->m_data, control.data(), control.size());
        c->m_len = static_cast<int>(control.size());
    }
    if (addr) {
        ASSERT_EQ(sbappendaddr(so_getrcv(so), reinterpret_cast<const nke_sockaddr *>(addr), m, c), 1);
    } else if (c) {
        ASSERT_EQ(sbappendcontrol(so_getrcv(so), m, c), 1);
    } else {
        sbappendrecord(so_getrcv(so), m);
    }
    sorwakeup(so);
}

}  // namespace

NKE_TEST(SockRecv, CopiesAndRemoves, "SOCK-RECV-001") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    ASSERT_EQ(send_str(c, "abcdef"), 6);
    EXPECT_EQ(recv_str(s, 4), "abcd");
    EXPECT_EQ(readable(s), 2);
    char buf[8];
    loop::loop_sockaddr from{};
    socklen_t fl = sizeof from;
    EXPECT_EQ(nke_recvfrom(s, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), &fl), 2);
    EXPECT_EQ(std::string(buf, 2), "ef");
    EXPECT_EQ(readable(s), 0);
}

NKE_TEST(SockRecv, BlocksUntilDataOrWouldBlock, "SOCK-RECV-002") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(1), b = loop_dgram(2);
    char buf[4];
    EXPECT_SYS_ERRNO(nke_recv(b, buf, sizeof buf, MSG_DONTWAIT), EWOULDBLOCK);
    set_nbio(b, true);
    EXPECT_SYS_ERRNO(nke_recv(b, buf, sizeof buf, 0), EWOULDBLOCK);
    set_nbio(b, false);
    std::string got;
    std::thread t([&] { got = recv_str(b, 8); });
    const auto to = loop::addr(2);
    ASSERT_EQ(nke_sendto(a, "wake", 4, 0, loop::sa(to), loop::kAddrLen), 4);
    t.join();
    EXPECT_EQ(got, "wake");
}

NKE_TEST(SockRecv, EmptyBufferAnswers, "SOCK-RECV-003") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd s(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    struct socket *so = pd.sockets().at(0);
    char b[4];
    EXPECT_SYS_ERRNO(nke_recv(s, b, sizeof b, 0), ENOTCONN);
    so_seterror(so, EHOSTDOWN);
    EXPECT_SYS_ERRNO(nke_recv(s, b, sizeof b, MSG_PEEK), EHOSTDOWN);
    EXPECT_EQ(so_geterror(so), EHOSTDOWN) << "MSG_PEEK keeps the error";
    EXPECT_SYS_ERRNO(nke_recv(s, b, sizeof b, 0), EHOSTDOWN);
    EXPECT_EQ(so_geterror(so), 0);
    soisconnecting(so);
    EXPECT_EQ(nke_recv(s, b, 0, 0), 0) << "a zero-byte receive on a connecting socket";
    socantrcvmore(so);
    EXPECT_EQ(nke_recv(s, b, sizeof b, 0), 0) << "end of file";
}

NKE_TEST(SockRecv, AtomicOneRecordTruncated, "SOCK-RECV-004") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(1), b = loop_dgram(2);
    const auto to = loop::addr(2);
    ASSERT_EQ(nke_sendto(a, "first-record", 12, 0, loop::sa(to), loop::kAddrLen), 12);
    ASSERT_EQ(nke_sendto(a, "second", 6, 0, loop::sa(to), loop::kAddrLen), 6);
    int flags = -1;
    EXPECT_EQ(recvmsg_str(b, 5, &flags), "first");
    EXPECT_NE(flags & MSG_TRUNC, 0);
    EXPECT_EQ(recvmsg_str(b, 64, &flags), "second") << "the rest of the first record is gone";
    EXPECT_EQ(flags & MSG_TRUNC, 0);
}

NKE_TEST(SockRecv, DonttruncKeepsTheRest, "SOCK-RECV-005", "SOCK-OPT-006") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(1), b = loop_dgram(2);
    int on = 1;
    ASSERT_EQ(nke_setsockopt(b, SOL_SOCKET, SO_DONTTRUNC, &on, sizeof on), 0);
    const auto to = loop::addr(2);
    ASSERT_EQ(nke_sendto(a, "0123456789", 10, 0, loop::sa(to), loop::kAddrLen), 10);
    ASSERT_EQ(nke_sendto(a, "next", 4, 0, loop::sa(to), loop::kAddrLen), 4);
    int flags = -1;
    EXPECT_EQ(recvmsg_str(b, 4, &flags), "0123");
    EXPECT_EQ(flags & MSG_TRUNC, 0);
    EXPECT_EQ(recvmsg_str(b, 4, &flags), "4567");
    EXPECT_EQ(recvmsg_str(b, 64, &flags), "89") << "still one record per receive";
    EXPECT_EQ(recvmsg_str(b, 64, &flags), "next");
}

NKE_TEST(SockRecv, StreamsIgnoreRecordBoundaries, "SOCK-RECV-006") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, 0));
    Fd s(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    struct socket *so = pd.sockets().at(0);
    queue(so, "abc");
    queue(so, "defg");
    EXPECT_EQ(recv_str(s, 5), "abcde");
    EXPECT_EQ(recv_str(s, 10), "fg") << "no waiting once something was copied";
}

NKE_TEST(SockRecv, PeekRemovesNothing, "SOCK-RECV-007") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(1), b = loop_dgram(2);
    const auto to = loop::addr(2);
    ASSERT_EQ(nke_sendto(a, "peekaboo", 8, 0, loop::sa(to), loop::kAddrLen), 8);
    EXPECT_EQ(recv_str(b, 4, MSG_PEEK), "peek");
    EXPECT_EQ(recv_str(b, 8, MSG_PEEK), "peekaboo");
    EXPECT_EQ(readable(b), 8);
    EXPECT_EQ(recv_str(b, 8), "peekaboo");
    EXPECT_EQ(readable(b), 0);
}

NKE_TEST(SockRecv, WaitallFillsTheBuffer, "SOCK-RECV-008") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    std::string got;
    std::thread t([&, fd = s.get()] { got = recv_str(fd, 6, MSG_WAITALL); });
    ASSERT_EQ(send_str(c, "abc"), 3);
    ASSERT_EQ(send_str(c, "def"), 3);
    t.join();
    EXPECT_EQ(got, "abcdef");
    // End of file ends the wait with what was copied.
    std::thread u([&, fd = s.get()] { got = recv_str(fd, 10, MSG_WAITALL); });
    ASSERT_EQ(send_str(c, "xy"), 2);
    ASSERT_EQ(nke_shutdown(c, SHUT_WR), 0);
    u.join();
    EXPECT_EQ(got, "xy");
}

NKE_TEST(SockRecv, DatagramSenderAddress, "SOCK-RECV-009") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(31), b = loop_dgram(32);
    const auto to = loop::addr(32);
    ASSERT_EQ(nke_sendto(a, "hi", 2, 0, loop::sa(to), loop::kAddrLen), 2);
    char buf[4];
    loop::loop_sockaddr from{};
    socklen_t fl = sizeof from;
    EXPECT_EQ(nke_recvfrom(b, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), &fl), 2);
    EXPECT_EQ(fl, loop::kAddrLen);
    EXPECT_EQ(from.sl_family, loop::kFamily);
    EXPECT_EQ(from.sl_port, 31);
    ASSERT_EQ(nke_sendto(a, "msg", 3, 0, loop::sa(to), loop::kAddrLen), 3);
    struct iovec v{buf, sizeof buf};
    struct msghdr mh{};
    mh.msg_name = &from;
    mh.msg_namelen = sizeof from;
    mh.msg_iov = &v;
    mh.msg_iovlen = 1;
    EXPECT_EQ(nke_recvmsg(b, &mh, 0), 3);
    EXPECT_EQ(mh.msg_namelen, loop::kAddrLen);
    EXPECT_EQ(from.sl_port, 31);
}

NKE_TEST(SockRecv, ControlDataToRecvmsg, "SOCK-RECV-010") {
    probe::ProbeDomain pd(probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC | PR_ADDR));
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    struct socket *so = pd.sockets().at(0);
    const char addr[8] = {8, probe::kFamily, 1, 2, 3, 4, 5, 6};
    const std::string ctl(24, 'c');
    queue(so, "payload", addr, ctl);
    char data[16], cbuf[64], name[16];
    struct iovec v{data, sizeof data};
    struct msghdr mh{};
    mh.msg_name = name;
    mh.msg_namelen = sizeof name;
    mh.msg_iov = &v;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    EXPECT_EQ(nke_recvmsg(s, &mh, 0), 7);
    EXPECT_EQ(mh.msg_controllen, 24u);
    EXPECT_EQ(std::string(cbuf, 24), ctl);
    EXPECT_EQ(mh.msg_namelen, 8u);
    EXPECT_EQ(mh.msg_flags & MSG_CTRUNC, 0);
    // Too small: truncated and flagged.
    queue(so, "p2", addr, ctl);
    mh.msg_namelen = sizeof name;
    mh.msg_controllen = 10;
    EXPECT_EQ(nke_recvmsg(s, &mh, 0), 2);
    EXPECT_EQ(mh.msg_controllen, 10u);
    EXPECT_NE(mh.msg_flags & MSG_CTRUNC, 0);
    // Other calls discard it.
    queue(so, "p3", addr, ctl);
    EXPECT_EQ(recv_str(s, 8), "p3");
    EXPECT_EQ(sb_getcc(so_getrcv(so)), 0u);
}

NKE_TEST(SockRecv, OobIsEopnotsupp, "SOCK-RECV-011") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(1), b = loop_dgram(2);
    const auto to = loop::addr(2);
    ASSERT_EQ(nke_sendto(a, "x", 1, 0, loop::sa(to), loop::kAddrLen), 1);
    char buf[4];
    EXPECT_SYS_ERRNO(nke_recv(b, buf, sizeof buf, MSG_OOB), EOPNOTSUPP);
    EXPECT_EQ(readable(b), 1) << "nothing consumed";
}

NKE_TEST(SockRecv, ArgumentChecks, "SOCK-RECV-012") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(1), b = loop_dgram(2);
    const auto to = loop::addr(2);
    ASSERT_EQ(nke_sendto(a, "x", 1, 0, loop::sa(to), loop::kAddrLen), 1);
    char buf[4];
    loop::loop_sockaddr from{};
    EXPECT_SYS_ERRNO(nke_recv(b, nullptr, 4, 0), EFAULT);
    EXPECT_SYS_ERRNO(nke_recvfrom(b, nullptr, 4, 0, nullptr, nullptr), EFAULT);
    EXPECT_SYS_ERRNO(nke_recvfrom(b, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), nullptr), EFAULT);
    EXPECT_SYS_ERRNO(nke_recvmsg(b, nullptr, 0), EFAULT);
    EXPECT_EQ(readable(b), 1) << "nothing consumed";
}
