// spec/socket.md — bind, listen, accept and new connections.
#include "sock_helpers.hpp"

#include <atomic>
#include <cstring>

using namespace nke::test;

NKE_TEST(SockBind, CallsPruBindWithTheCopy, "SOCK-BIND-001") {
    loop::LoopDomain ld;
    Fd a = loop_socket(SOCK_DGRAM), b = loop_socket(SOCK_DGRAM);
    const auto addr = loop::addr(5);
    ASSERT_EQ(nke_bind(a, loop::sa(addr), loop::kAddrLen), 0);
    EXPECT_EQ(loop::calls().bind, 1);
    EXPECT_SYS_ERRNO(nke_bind(b, loop::sa(addr), loop::kAddrLen), EADDRINUSE);  // the protocol's answer
    int port = 0;
    ASSERT_EQ(nke_ioctl(a, loop::kIocGetPort, &port), 0);
    EXPECT_EQ(port, 5);
}

NKE_TEST(SockListen, ListeningAfterPruListen, "SOCK-LISTEN-001") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd s(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    struct socket *so = pd.sockets().at(0);
    pd.ret(probe::listen, EINVAL);
    EXPECT_SYS_ERRNO(nke_listen(s, 3), EINVAL);
    EXPECT_EQ(so_getoptions(so) & SOF_ACCEPTCONN, 0);
    EXPECT_EQ(get_int_opt(s, SO_ACCEPTCONN), 0);
    pd.ret(probe::listen, 0);
    ASSERT_EQ(nke_listen(s, 3), 0);
    EXPECT_NE(so_getoptions(so) & SOF_ACCEPTCONN, 0);
    EXPECT_EQ(get_int_opt(s, SO_ACCEPTCONN), 1);
    EXPECT_EQ(pd.count(probe::listen), 2);
}

namespace {
// Connections the loop listener on `port` takes before refusing one.
int capacity(int backlog) {
    Fd l = loop_listener(9, backlog);
    std::vector<Fd> clients;
    const auto a = loop::addr(9);
    for (int i = 0; i < 300; ++i) {
        Fd c = loop_socket(SOCK_STREAM);
        if (nke_connect(c, loop::sa(a), loop::kAddrLen) != 0) {
            EXPECT_EQ(errno, ECONNREFUSED);
            return i;
        }
        clients.push_back(std::move(c));
    }
    return -1;
}
}  // namespace

NKE_TEST(SockListen, QueueLimitIsThreeHalvesOfTheBacklog, "SOCK-LISTEN-002", "SOCK-NEWCONN-003") {
    loop::LoopDomain ld;
    EXPECT_EQ(capacity(0), 1);                 // 3*0/2 = 0: refused once one is queued
    EXPECT_EQ(capacity(2), 4);                 // queued 0..3 accepted, refused at 4 > 3
    EXPECT_EQ(capacity(5), 8);                 // 3*5/2 = 7
    EXPECT_EQ(capacity(-1), 3 * 128 / 2 + 1);  // negative: SOMAXCONN
    EXPECT_EQ(capacity(1000), 3 * 128 / 2 + 1);
    EXPECT_EQ(ld.dom().dom_refs, 0);
}

NKE_TEST(SockAccept, NotListeningIsEinval, "SOCK-ACCEPT-001") {
    loop::LoopDomain ld;
    Fd s = loop_socket(SOCK_STREAM);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_accept(s, nullptr, nullptr), EINVAL);
    Fixture::expect_unchanged(before, "accept on a socket that is not listening");
}

NKE_TEST(SockAccept, OldestCompletedFirst, "SOCK-ACCEPT-002") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    const auto a = loop::addr(1);
    Fd c1 = loop_socket(SOCK_STREAM), c2 = loop_socket(SOCK_STREAM), c3 = loop_socket(SOCK_STREAM);
    auto b1 = loop::addr(11), b3 = loop::addr(13);
    ASSERT_EQ(nke_bind(c1, loop::sa(b1), loop::kAddrLen), 0);
    ASSERT_EQ(nke_bind(c3, loop::sa(b3), loop::kAddrLen), 0);
    ASSERT_EQ(nke_connect(c1, loop::sa(a), loop::kAddrLen), 0);
    loop::set_connect_mode(loop::ConnectMode::deferred);
    set_nbio(c2, true);
    EXPECT_SYS_ERRNO(nke_connect(c2, loop::sa(a), loop::kAddrLen), EINPROGRESS);  // stays incomplete
    loop::set_connect_mode(loop::ConnectMode::immediate);
    ASSERT_EQ(nke_connect(c3, loop::sa(a), loop::kAddrLen), 0);
    loop::loop_sockaddr peer{};
    socklen_t len = sizeof peer;
    Fd s1(nke_accept(l, reinterpret_cast<sockaddr *>(&peer), &len));
    EXPECT_EQ(peer.sl_port, 11);
    len = sizeof peer;
    Fd s3(nke_accept(l, reinterpret_cast<sockaddr *>(&peer), &len));
    EXPECT_EQ(peer.sl_port, 13) << "the incomplete connection is skipped";
    set_nbio(l, true);
    EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), EWOULDBLOCK);
}

NKE_TEST(SockAccept, BlocksUntilAConnectionCompletes, "SOCK-ACCEPT-002", "SOCK-STATE-003") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    std::atomic<int> got{-1};
    std::thread t([&] { got = nke_accept(l, nullptr, nullptr); });
    Fd c = loop_socket(SOCK_STREAM);
    const auto a = loop::addr(1);
    ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
    t.join();
    EXPECT_GE(got.load(), NKE_FD_FIRST);
    Fd s(got.load());
    ASSERT_EQ(send_str(c, "x"), 1);
    EXPECT_EQ(recv_str(s, 4), "x");
}

NKE_TEST(SockAccept, NonBlockingListenerIsEwouldblock, "SOCK-ACCEPT-003") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    ASSERT_EQ(set_nbio(l, true), 0);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), EWOULDBLOCK);
    EXPECT_EQ(EWOULDBLOCK, EAGAIN);
    Fixture::expect_unchanged(before, "a non-blocking accept");
}

NKE_TEST(SockAccept, PendingErrorAndCantrcvmore, "SOCK-ACCEPT-004") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    ASSERT_EQ(nke_listen(l, 1), 0);
    struct socket *head = pd.sockets().at(0);
    so_seterror(head, ECONNRESET);
    EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), ECONNRESET);
    EXPECT_EQ(so_geterror(head), 0) << "the error is cleared";
    std::thread t([&] { EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), ECONNABORTED); });
    socantrcvmore(head);  // wakes the accept, or is seen first
    t.join();
}

NKE_TEST(SockAccept, PruAcceptAndTheAddress, "SOCK-ACCEPT-005") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    Fd c = loop_socket(SOCK_STREAM);
    const auto b = loop::addr(21), a = loop::addr(1);
    ASSERT_EQ(nke_bind(c, loop::sa(b), loop::kAddrLen), 0);
    ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_accept(l, reinterpret_cast<sockaddr *>(&ld), nullptr), EFAULT);
    Fixture::expect_unchanged(before, "accept with a NULL addrlen");
    loop::loop_sockaddr peer{};
    socklen_t len = sizeof peer;
    Fd s(nke_accept(l, reinterpret_cast<sockaddr *>(&peer), &len));
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    EXPECT_EQ(loop::calls().accept, 1);
    EXPECT_EQ(len, loop::kAddrLen);
    EXPECT_EQ(peer.sl_port, 21);
    Fd c2 = loop_socket(SOCK_STREAM);
    ASSERT_EQ(nke_connect(c2, loop::sa(a), loop::kAddrLen), 0);
    Fd s2(nke_accept(l, nullptr, nullptr));
    EXPECT_GE(s2.get(), NKE_FD_FIRST) << "addr may be NULL";
}

NKE_TEST(SockAccept, NoPruAcceptIsEopnotsuppBeforeDequeue, "SOCK-ACCEPT-005") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    Fd c = loop_socket(SOCK_STREAM);
    const auto a = loop::addr(1);
    ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
    auto saved = ld.stream_usrreqs().pru_accept;
    ld.stream_usrreqs().pru_accept = nullptr;
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), EOPNOTSUPP);
    Fixture::expect_unchanged(before, "accept without pru_accept");
    ld.stream_usrreqs().pru_accept = saved;
    Fd s(nke_accept(l, nullptr, nullptr));
    EXPECT_GE(s.get(), NKE_FD_FIRST) << "the connection stayed queued";
}

NKE_TEST(SockAccept, PruAcceptFailureClosesTheConnection, "SOCK-ACCEPT-006") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    ASSERT_EQ(nke_listen(l, 1), 0);
    struct socket *conn = sonewconn(pd.sockets().at(0), SS_ISCONNECTED);
    ASSERT_NE(conn, nullptr);
    EXPECT_EQ(pd.dom().dom_refs, 2);
    pd.ret(probe::accept, ECONNABORTED);
    const auto descriptors = counters().descriptors;
    EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), ECONNABORTED);
    EXPECT_EQ(pd.count(probe::detach), 1) << "the dequeued connection is closed";
    EXPECT_EQ(pd.last(probe::detach).so, conn);
    EXPECT_EQ(pd.dom().dom_refs, 1);
    EXPECT_EQ(counters().descriptors, descriptors);
}

NKE_TEST(SockAccept, TheAcceptedSocketInherits, "SOCK-ACCEPT-007") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    int on = 1;
    ASSERT_EQ(nke_setsockopt(l, SOL_SOCKET, SO_DONTTRUNC, &on, sizeof on), 0);
    ASSERT_EQ(nke_listen(l, 1), 0);
    ASSERT_EQ(set_nbio(l, true), 0);
    struct socket *conn = sonewconn(pd.sockets().at(0), SS_ISCONNECTED);
    ASSERT_NE(conn, nullptr);
    EXPECT_NE(so_getstate(conn) & SS_NOFDREF, 0);
    EXPECT_NE(so_getstate(conn) & SS_COMP, 0);
    EXPECT_EQ(so_gethead(conn), pd.sockets().at(0));
    Fd s(nke_accept(l, nullptr, nullptr));
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    const int st = so_getstate(conn);
    EXPECT_EQ(st & (SS_NOFDREF | SS_COMP | SS_INCOMP), 0);
    EXPECT_NE(st & SS_NBIO, 0);
    EXPECT_NE(st & SS_ISCONNECTED, 0);
    EXPECT_EQ(so_gethead(conn), nullptr);
    EXPECT_EQ(get_int_opt(s, SO_DONTTRUNC), 1);
    EXPECT_EQ(get_int_opt(s, SO_ACCEPTCONN), 0);
    EXPECT_EQ(get_int_opt(s, SO_TYPE), SOCK_STREAM);
    EXPECT_EQ(so_getproto(conn), &pd.pr());
}

NKE_TEST(SockAccept, NoDescriptorKeepsTheConnection, "SOCK-ACCEPT-008") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    Fd c = loop_socket(SOCK_STREAM);
    const auto a = loop::addr(1);
    ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
    std::vector<Fd> fill;
    for (;;) {
        Fd d = loop_socket(SOCK_DGRAM);
        if (d.get() < 0) break;
        fill.push_back(std::move(d));
    }
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), EMFILE);
    Fixture::expect_unchanged(before, "accept without a descriptor");
    fill.pop_back();
    Fd s(nke_accept(l, nullptr, nullptr));
    EXPECT_GE(s.get(), NKE_FD_FIRST);
}

NKE_TEST(SockNewconn, CopiesTheListener, "SOCK-NEWCONN-001") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    int on = 1;
    ASSERT_EQ(nke_setsockopt(l, SOL_SOCKET, SO_DONTTRUNC, &on, sizeof on), 0);
    int sz = 3000;
    ASSERT_EQ(nke_setsockopt(l, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz), 0);
    ASSERT_EQ(nke_listen(l, 1), 0);
    struct socket *head = pd.sockets().at(0);
    uint32_t rcv_at_attach = 0;
    pd.on(probe::attach, [&](probe::Args &a) {
        rcv_at_attach = sb_gethiwat(so_getrcv(a.so));
        return 0;
    });
    struct socket *so = sonewconn(head, SS_ISCONNECTED);
    ASSERT_NE(so, nullptr);
    EXPECT_EQ(pd.last(probe::attach).so, so);
    EXPECT_EQ(pd.last(probe::attach).i, 0);
    EXPECT_EQ(rcv_at_attach, 3000u) << "buffer limits come from the listener";
    EXPECT_EQ(so_getproto(so), &pd.pr());
    EXPECT_EQ(so_gettype(so), SOCK_STREAM);
    EXPECT_EQ(so_getoptions(so), SOF_DONTTRUNC);
    EXPECT_EQ(so_getstate(so) & (SS_PRIV | SS_NOFDREF), SS_PRIV | SS_NOFDREF);
    EXPECT_EQ(so_gethead(so), head);
    EXPECT_EQ(pd.dom().dom_refs, 2);
}

NKE_TEST(SockNewconn, CompleteOrIncomplete, "SOCK-NEWCONN-002", "SOCK-STATE-003") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    ASSERT_EQ(nke_listen(l, 5), 0);
    ASSERT_EQ(set_nbio(l, true), 0);
    struct socket *head = pd.sockets().at(0);
    struct socket *inc = sonewconn(head, 0);
    ASSERT_NE(inc, nullptr);
    EXPECT_NE(so_getstate(inc) & SS_INCOMP, 0);
    EXPECT_EQ(so_getstate(inc) & SS_ISCONNECTED, 0);
    EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), EWOULDBLOCK);
    soisconnected(inc);
    EXPECT_EQ(so_getstate(inc) & (SS_INCOMP | SS_COMP | SS_ISCONNECTED), SS_COMP | SS_ISCONNECTED);
    Fd s(nke_accept(l, nullptr, nullptr));
    EXPECT_GE(s.get(), NKE_FD_FIRST);
    struct socket *comp = sonewconn(head, SS_ISCONNECTED);
    ASSERT_NE(comp, nullptr);
    EXPECT_EQ(so_getstate(comp) & (SS_COMP | SS_ISCONNECTED), SS_COMP | SS_ISCONNECTED);
    Fd s2(nke_accept(l, nullptr, nullptr));
    EXPECT_GE(s2.get(), NKE_FD_FIRST);
}

NKE_TEST(SockNewconn, RefusedWhenNotListeningOrNull, "SOCK-NEWCONN-003") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd s(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    const auto before = counters();
    EXPECT_EQ(sonewconn(pd.sockets().at(0), SS_ISCONNECTED), nullptr);
    EXPECT_EQ(sonewconn(nullptr, SS_ISCONNECTED), nullptr);
    EXPECT_EQ(pd.count(probe::attach), 1);
    Fixture::expect_unchanged(before, "a refused sonewconn");
}

NKE_TEST(SockNewconn, RefusedWithoutMemory, "SOCK-NEWCONN-003") {
    NKE_REQUIRE_HOOK(fail_alloc);
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    ASSERT_EQ(nke_listen(l, 5), 0);
    struct socket *head = pd.sockets().at(0);
    const auto before = counters();
    {
        FailAlloc fail(1, true);
        EXPECT_EQ(sonewconn(head, SS_ISCONNECTED), nullptr);
    }
    Fixture::expect_unchanged(before, "sonewconn without memory");
}

NKE_TEST(SockNewconn, AttachFailureFreesIt, "SOCK-NEWCONN-004") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    sf::ProbeFilter f(0x6e637734, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&pd.pr()), 0);
    {
        Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
        ASSERT_EQ(nke_listen(l, 5), 0);
        struct socket *head = pd.sockets().at(0);
        pd.ret(probe::attach, ENOMEM);
        const auto before = counters();
        const int frees = f.count(sf::sofree);
        EXPECT_EQ(sonewconn(head, SS_ISCONNECTED), nullptr);
        EXPECT_EQ(f.count(sf::sofree), frees + 1);
        EXPECT_EQ(pd.dom().dom_refs, 1);
        EXPECT_EQ(pd.count(probe::detach), 0);
        Fixture::expect_unchanged(before, "sonewconn with a failing attach");
    }
    EXPECT_EQ(f.unreg(), 0);
}
