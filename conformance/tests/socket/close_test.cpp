// spec/socket.md — shutdown and close.
#include "sock_helpers.hpp"

#include <atomic>

using namespace nke::test;

NKE_TEST(SockShutdown, BadHowIsEinval, "SOCK-SHUT-001") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    const auto before = counters();
    for (int how : {-1, 3, 17, SHUT_RDWR + 1}) EXPECT_SYS_ERRNO(nke_shutdown(c, how), EINVAL);
    EXPECT_EQ(loop::calls().shutdown, 0);
    EXPECT_EQ(so_getstate(nullptr), 0);
    Fixture::expect_unchanged(before, "a bad shutdown");
    ASSERT_EQ(send_str(c, "still"), 5);
    EXPECT_EQ(recv_str(s, 8), "still");
}

NKE_TEST(SockShutdown, ReadWriteAndBoth, "SOCK-SHUT-002") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    ASSERT_EQ(send_str(c, "queued"), 6);
    ASSERT_EQ(readable(s), 6);
    ASSERT_EQ(nke_shutdown(s, SHUT_RD), 0);
    EXPECT_EQ(loop::calls().shutdown, 0) << "SHUT_RD does not reach the protocol";
    EXPECT_EQ(readable(s), 0) << "the receive buffer is discarded";
    EXPECT_EQ(recv_str(s, 8), "") << "end of file at once";
    ASSERT_EQ(nke_shutdown(c, SHUT_WR), 0);
    EXPECT_EQ(loop::calls().shutdown, 1);
    EXPECT_SYS_ERRNO(send_str(c, "x"), EPIPE);
    // SHUT_RDWR: the read side first, then pru_shutdown.
    auto [c2, s2] = loop_pair(l, 1);
    ASSERT_EQ(send_str(c2, "abc"), 3);
    ASSERT_EQ(nke_shutdown(s2, SHUT_RDWR), 0);
    EXPECT_EQ(readable(s2), 0);
    EXPECT_EQ(loop::calls().shutdown, 2);
    EXPECT_EQ(recv_str(c2, 4), "") << "the peer sees end of file";
    // The protocol's error is returned.
    loop::LoopDomain *unused = nullptr;
    (void)unused;
}

NKE_TEST(SockShutdown, ProtocolErrorIsReturned, "SOCK-SHUT-002") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    pd.ret(probe::shutdown, ENOTCONN);
    EXPECT_SYS_ERRNO(nke_shutdown(s, SHUT_WR), ENOTCONN);
    EXPECT_EQ(pd.count(probe::shutdown), 1);
}

NKE_TEST(SockShutdown, WriteSideWithoutPruShutdownChangesNothing, "SOCK-SHUT-003") {
    probe::Config cfg;
    cfg.absent = {probe::shutdown};
    probe::ProbeDomain pd(cfg);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    struct socket *so = pd.sockets().at(0);
    struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);
    m->m_len = m->m_pkthdr.len = 2;
    sbappendrecord(so_getrcv(so), m);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_shutdown(s, SHUT_WR), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_shutdown(s, SHUT_RDWR), EOPNOTSUPP);
    EXPECT_EQ(readable(s), 2) << "the receive buffer was not discarded";
    EXPECT_EQ(so_getstate(so) & (SS_CANTRCVMORE | SS_CANTSENDMORE), 0);
    Fixture::expect_unchanged(before, "a refused shutdown");
    EXPECT_EQ(nke_shutdown(s, SHUT_RD), 0) << "the read side needs no user request";
}

NKE_TEST(SockClose, DescriptorIsReleasedAtOnce, "SOCK-CLOSE-001") {
    loop::LoopDomain ld;
    const auto before = counters();
    int fd = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
    ASSERT_EQ(nke_close(fd), 0);
    EXPECT_SYS_ERRNO(nke_close(fd), EBADF);
    EXPECT_SYS_ERRNO(nke_listen(fd, 1), EBADF);
    Fixture::expect_unchanged(before, "socket then close");
    Fd again = loop_socket(SOCK_DGRAM);
    EXPECT_EQ(again.get(), fd);
}

NKE_TEST(SockClose, TeardownOrder, "SOCK-CLOSE-002") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    sf::ProbeFilter f(0x636c6f32, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&pd.pr()), 0);
    pd.on(probe::connect, [](probe::Args &a) {
        soisconnected(a.so);
        return 0;
    });
    std::vector<std::string> order;
    pd.on(probe::disconnect, [&](probe::Args &) {
        order.push_back("pru_disconnect");
        return 0;
    });
    pd.on(probe::detach, [&](probe::Args &a) {
        order.push_back("pru_detach");
        so_setpcb(a.so, nullptr);
        return 0;
    });
    f.on(sf::soclose, [&](sf::Call &) {
        order.push_back("sf_soclose");
        return 0;
    });
    f.on(sf::sofree, [&](sf::Call &) {
        order.push_back("sf_sofree");
        return 0;
    });
    int fd = nke_socket(probe::kFamily, SOCK_STREAM, 0);
    char addr[16] = {16, probe::kFamily};
    ASSERT_EQ(nke_connect(fd, reinterpret_cast<sockaddr *>(addr), 16), 0);
    const auto refs_open = pd.dom().dom_refs;
    ASSERT_EQ(nke_close(fd), 0);
    EXPECT_EQ(order, (std::vector<std::string>{"sf_soclose", "pru_disconnect", "pru_detach", "sf_sofree"}));
    EXPECT_EQ(pd.dom().dom_refs, refs_open - 1);
    EXPECT_EQ(pd.pr().pr_refs, refs_open - 1);
    EXPECT_EQ(f.unreg(), 0);
}

NKE_TEST(SockClose, BlockedCallsFailEbadf, "SOCK-CLOSE-003", "SOCK-CONC-001") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    const int cfd = c.release(), lfd = l.release();
    std::atomic<int> r1{0}, e1{0}, r2{0}, e2{0};
    std::thread reader([&] {
        char b[4];
        r1 = static_cast<int>(nke_recv(cfd, b, sizeof b, 0));
        e1 = errno;
    });
    std::thread acceptor([&] {
        r2 = nke_accept(lfd, nullptr, nullptr);
        e2 = errno;
    });
    // Another socket stays fully usable meanwhile.
    ASSERT_EQ(send_str(s, ""), 0);
    EXPECT_EQ(nke_close(cfd), 0);
    EXPECT_EQ(nke_close(lfd), 0);
    reader.join();
    acceptor.join();
    EXPECT_EQ(r1.load(), -1);
    EXPECT_EQ(e1.load(), EBADF);
    EXPECT_EQ(r2.load(), -1);
    EXPECT_EQ(e2.load(), EBADF);
    EXPECT_EQ(ld.dom().dom_refs, 1) << "only the accepted socket is left";
}

NKE_TEST(SockClose, BlockedSenderFailsEbadf, "SOCK-CLOSE-003") {
    probe::ProbeDomain pd(probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC));
    pd.set_send_mode(probe::SendMode::keep_in_snd);  // the send buffer fills up
    int fd = nke_socket(probe::kFamily, SOCK_DGRAM, 0);
    char addr[16] = {16, probe::kFamily};
    const auto *sa = reinterpret_cast<const sockaddr *>(addr);
    std::string big(8000, 'x');
    ASSERT_EQ(nke_sendto(fd, big.data(), big.size(), 0, sa, 16), 8000);
    std::atomic<long> rc{0};
    std::atomic<int> err{0};
    std::thread t([&] {
        rc = nke_sendto(fd, big.data(), big.size(), 0, sa, 16);
        err = errno;
    });
    EXPECT_EQ(nke_close(fd), 0);
    t.join();
    EXPECT_EQ(rc.load(), -1);
    EXPECT_EQ(err.load(), EBADF);
    EXPECT_EQ(pd.dom().dom_refs, 0);
}

NKE_TEST(SockClose, AlwaysCompletesWhateverHooksReturn, "SOCK-CLOSE-004", "SF-HOOK-010") {
    loop::LoopDomain ld;
    sf::ProbeFilter f(0x636c6f34, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&ld.dgram()), 0);
    f.ret(sf::soclose, EBUSY);
    f.ret(sf::sofree, EJUSTRETURN);
    const auto before = counters();
    int fd = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
    ASSERT_EQ(nke_close(fd), 0);
    EXPECT_EQ(f.count(sf::soclose), 1);
    EXPECT_EQ(f.count(sf::sofree), 1);
    EXPECT_EQ(ld.dom().dom_refs, 0);
    Fixture::expect_unchanged(before, "socket, then close vetoed by a filter");
    f.ret(sf::soclose, EJUSTRETURN);
    fd = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
    ASSERT_EQ(nke_close(fd), 0);
    EXPECT_EQ(loop::live_pcbs(), 0);
    EXPECT_EQ(f.unreg(), 0);
}
