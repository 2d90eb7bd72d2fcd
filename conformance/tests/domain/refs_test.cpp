// spec/domain.md — dom_refs and pr_refs on every path.
#include "domain_helpers.hpp"

#include <atomic>

using namespace nke::test;

NKE_TEST(DomainRefs, CountLiveSocketsOnEveryCreationPath, "DOM-REFS-001", "PROTO-REFS-001") {
    loop::LoopDomain ld;
    ASSERT_EQ(ld.rc(), 0);
    auto &d = ld.dom();
    {
        Fd a = loop_socket(SOCK_DGRAM);
        EXPECT_EQ(d.dom_refs, 1);
        EXPECT_EQ(ld.dgram().pr_refs, 1);
        EXPECT_EQ(ld.stream().pr_refs, 0) << "another protosw of the family";
        int sv[2];
        ASSERT_EQ(nke_socketpair(loop::kFamily, SOCK_STREAM, 0, sv), 0);
        Fd p0(sv[0]), p1(sv[1]);
        EXPECT_EQ(d.dom_refs, 3);
        EXPECT_EQ(ld.stream().pr_refs, 2);
        Fd l = loop_listener(1);
        auto [c, s] = loop_pair(l, 1);  // the client, and the connection sonewconn made
        EXPECT_EQ(d.dom_refs, 6);
        EXPECT_EQ(ld.stream().pr_refs, 5);
        c.reset();
        EXPECT_EQ(d.dom_refs, 5);
        EXPECT_EQ(ld.stream().pr_refs, 4);
    }
    EXPECT_EQ(d.dom_refs, 0);
    EXPECT_EQ(ld.stream().pr_refs, 0);
    EXPECT_EQ(ld.dgram().pr_refs, 0);
}

NKE_TEST(DomainRefs, FailedCreationsLeaveThemUnchanged, "DOM-REFS-002") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1, 0);  // backlog 0: the queue takes one connection
    const Refs before = refs(ld.dom(), ld.stream());
    loop::fail_attach(ECONNRESET);
    EXPECT_SYS_ERRNO(nke_socket(loop::kFamily, SOCK_STREAM, 0), ECONNRESET);
    int sv[2];
    loop::fail_attach(ENOBUFS, 2);
    EXPECT_SYS_ERRNO(nke_socketpair(loop::kFamily, SOCK_STREAM, 0, sv), ENOBUFS);
    loop::fail_attach(0, 0);
    EXPECT_SYS_ERRNO(nke_socket(loop::kFamily, SOCK_SEQPACKET, 0), EPROTONOSUPPORT);
    EXPECT_EQ(refs(ld.dom(), ld.stream()), before);
    // A refused sonewconn: the first connection fills the queue.
    Fd c1 = loop_socket(SOCK_STREAM), c2 = loop_socket(SOCK_STREAM);
    const auto a = loop::addr(1);
    ASSERT_EQ(nke_connect(c1, loop::sa(a), loop::kAddrLen), 0);
    const Refs mid = refs(ld.dom(), ld.stream());
    EXPECT_SYS_ERRNO(nke_connect(c2, loop::sa(a), loop::kAddrLen), ECONNREFUSED);
    EXPECT_EQ(refs(ld.dom(), ld.stream()), mid);
}

NKE_TEST(DomainRefs, QueuedConnectionsOfAClosedListenerAreReleased, "DOM-REFS-003") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    Fd c1 = loop_socket(SOCK_STREAM), c2 = loop_socket(SOCK_STREAM);
    const auto a = loop::addr(1);
    ASSERT_EQ(nke_connect(c1, loop::sa(a), loop::kAddrLen), 0);  // complete
    loop::set_connect_mode(loop::ConnectMode::deferred);
    ASSERT_SYS_OK(set_nbio(c2, true));
    EXPECT_SYS_ERRNO(nke_connect(c2, loop::sa(a), loop::kAddrLen), EINPROGRESS);  // incomplete
    EXPECT_EQ(ld.dom().dom_refs, 5);
    l.reset();
    EXPECT_EQ(ld.dom().dom_refs, 2) << "the two queued connections must be freed";
    EXPECT_EQ(ld.stream().pr_refs, 2);
    EXPECT_EQ(loop::calls().abort, 2);
    c1.reset();
    c2.reset();
    EXPECT_EQ(ld.dom().dom_refs, 0);
}

NKE_TEST(DomainRefs, SwallowedConnectionCountsUntilFreed, "DOM-REFS-004", "SF-HOOK-018") {
    loop::LoopDomain ld;
    sf::ProbeFilter f(0x73776c31, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&ld.stream()), 0);
    Fd l = loop_listener(1);
    f.ret(sf::sonewconn, EJUSTRETURN);
    Fd c = loop_socket(SOCK_STREAM);
    const int attaches = loop::calls().attach;
    const auto a = loop::addr(1);
    // The loop protocol refuses a connection whose socket was swallowed.
    EXPECT_SYS_ERRNO(nke_connect(c, loop::sa(a), loop::kAddrLen), ECONNREFUSED);
    EXPECT_EQ(loop::calls().attach, attaches) << "a swallowed connection is not attached";
    EXPECT_EQ(ld.dom().dom_refs, 3) << "listener, client and the swallowed connection";
    EXPECT_EQ(ld.stream().pr_refs, 3);
    EXPECT_EQ(f.count(sf::sonewconn), 1);
    set_nbio(l, true);
    EXPECT_SYS_ERRNO(nke_accept(l, nullptr, nullptr), EWOULDBLOCK);  // it is not acceptable
    const int detaches = loop::calls().detach, aborts = loop::calls().abort;
    l.reset();
    EXPECT_EQ(ld.dom().dom_refs, 1);
    EXPECT_EQ(loop::calls().abort, aborts) << "never pru_abort for an unattached socket";
    EXPECT_EQ(loop::calls().detach, detaches + 1) << "only the listener's detach";
    c.reset();
    EXPECT_EQ(f.live(), 0) << "sf_sofree once for each socket the filter saw created";
    EXPECT_EQ(f.unreg(), 0);
}

NKE_TEST(DomainRefs, DropOnceWhenABlockedCallLeaves, "DOM-REFS-005", "PROTO-REFS-001") {
    loop::LoopDomain ld;
    const Refs before = refs(ld.dom(), ld.dgram());
    int fd = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
    ASSERT_GE(fd, NKE_FD_FIRST);
    std::atomic<int> rc{0}, err{0};
    std::thread t([&] {
        char b[4];
        rc = static_cast<int>(nke_recv(fd, b, sizeof b, 0));
        err = errno;
    });
    EXPECT_EQ(nke_close(fd), 0);
    t.join();
    EXPECT_EQ(rc.load(), -1);
    EXPECT_EQ(err.load(), EBADF);
    EXPECT_EQ(refs(ld.dom(), ld.dgram()), before);
}
