// spec/socket.md — creating sockets and socket pairs.
#include "sock_helpers.hpp"

using namespace nke::test;

NKE_TEST(SockCreate, FindsTheProtoswByProtocolOrType, "SOCK-CREATE-001") {
    loop::LoopDomain ld;
    probe::ProbeDomain pd;  // a second family, to be sure the family selects
    Fd a(nke_socket(loop::kFamily, SOCK_DGRAM, 0));
    Fd b(nke_socket(loop::kFamily, SOCK_STREAM, loop::kStreamProto));
    ASSERT_GE(a.get(), NKE_FD_FIRST);
    ASSERT_GE(b.get(), NKE_FD_FIRST);
    EXPECT_EQ(ld.dgram().pr_refs, 1);
    EXPECT_EQ(ld.stream().pr_refs, 1);
    EXPECT_EQ(get_int_opt(a, SO_TYPE), SOCK_DGRAM);
    EXPECT_EQ(get_int_opt(b, SO_TYPE), SOCK_STREAM);
    Fd c(nke_socket(probe::kFamily, SOCK_DGRAM, 1));
    ASSERT_EQ(pd.sockets().size(), 1u);
    EXPECT_EQ(so_getproto(pd.sockets()[0]), &pd.pr());
    EXPECT_EQ(so_gettype(pd.sockets()[0]), SOCK_DGRAM);
}

NKE_TEST(SockCreate, NoProtoswIsEprotonosupport, "SOCK-CREATE-002") {
    loop::LoopDomain ld;
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_socket(77, SOCK_DGRAM, 0), EPROTONOSUPPORT) ;
    EXPECT_SYS_ERRNO(nke_socket(loop::kFamily, SOCK_RAW, 0), EPROTONOSUPPORT);
    EXPECT_SYS_ERRNO(nke_socket(loop::kFamily, SOCK_DGRAM, 99), EPROTONOSUPPORT);
    // The stream protocol's number with the wrong type: no EPROTOTYPE (hist §3.3).
    EXPECT_SYS_ERRNO(nke_socket(loop::kFamily, SOCK_DGRAM, loop::kStreamProto), EPROTONOSUPPORT);
    EXPECT_SYS_ERRNO(nke_socket(loop::kFamily, 0, 0), EPROTONOSUPPORT);
    EXPECT_EQ(loop::calls().attach, 0);
    Fixture::expect_unchanged(before, "refused nke_socket");
}

NKE_TEST(SockCreate, FiltersSeeCreateBeforeAttach, "SOCK-CREATE-003", "SF-ATTACH-002") {
    probe::ProbeDomain pd;
    sf::ProbeFilter f(0x63726531, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&pd.pr()), 0);
    int refs_at_attach = -1;
    int creates_at_attach = -1;
    pd.on(probe::attach, [&](probe::Args &a) {
        refs_at_attach = pd.dom().dom_refs;
        creates_at_attach = f.count(sf::socreate);
        return soreserve(a.so, 1024, 1024);
    });
    {
        Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        ASSERT_GE(s.get(), NKE_FD_FIRST);
        EXPECT_EQ(creates_at_attach, 1) << "sf_socreate runs before pru_attach";
        EXPECT_EQ(refs_at_attach, 0) << "dom_refs moves only after pru_attach";
        EXPECT_EQ(pd.dom().dom_refs, 1);
    }
    EXPECT_EQ(f.unreg(), 0);
}

NKE_TEST(SockCreate, AttachFailureFreesWithSofreeOnce, "SOCK-CREATE-004") {
    probe::ProbeDomain pd;
    sf::ProbeFilter f(0x63726532, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&pd.pr()), 0);
    pd.ret(probe::attach, EADDRNOTAVAIL);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_socket(probe::kFamily, SOCK_DGRAM, 0), EADDRNOTAVAIL);
    EXPECT_EQ(f.count(sf::socreate), 1);
    EXPECT_EQ(f.count(sf::sofree), 1);
    EXPECT_EQ(pd.count(probe::detach), 0);
    EXPECT_EQ(pd.dom().dom_refs, 0);
    EXPECT_EQ(pd.pr().pr_refs, 0);
    Fixture::expect_unchanged(before, "a failed pru_attach");
    EXPECT_EQ(f.unreg(), 0);
}

NKE_TEST(SockCreate, AllocationFailureIsEnobufs, "SOCK-CREATE-005", "SF-ATTACH-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    loop::LoopDomain ld;
    sf::ProbeFilter f(0x63726533, 'A', NFD_GLOBAL), g(0x63726534, 'B', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&ld.dgram()), 0);
    ASSERT_EQ(g.reg(&ld.dgram()), 0);
    int fd = -1;
    alloc_sweep(
        [&] {
            fd = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
            return fd >= 0 ? 0 : errno;
        },
        [&] { EXPECT_EQ(nke_close(fd), 0); }, {ENOBUFS});
    EXPECT_EQ(f.live(), 0) << "every sf_socreate matched by one sf_sofree";
    EXPECT_EQ(g.live(), 0);
    EXPECT_EQ(f.unreg(), 0);
    EXPECT_EQ(g.unreg(), 0);
}

NKE_TEST(SockCreate, InitialStateAndPriv, "SOCK-CREATE-006") {
    NKE_REQUIRE_HOOK(set_credentials);
    probe::ProbeDomain pd;
    Fd root(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    struct socket *so = pd.sockets().at(0);
    EXPECT_EQ(so_getstate(so), SS_PRIV);
    EXPECT_EQ(so_getoptions(so), 0);
    {
        AsUser user(501, 501);
        Fd u(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        EXPECT_EQ(so_getstate(pd.sockets().at(1)), 0);
    }
    {
        AsUser setuid(501, 0);
        Fd u(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        EXPECT_EQ(so_getstate(pd.sockets().back()), SS_PRIV) << "the effective uid decides";
    }
}

NKE_TEST(SockCreate, BuffersStartEmptyWithZeroLimit, "SOCK-CREATE-007") {
    probe::ProbeDomain pd;
    uint32_t snd = 99, rcv = 99, cc = 99;
    pd.on(probe::attach, [&](probe::Args &a) {
        snd = sb_gethiwat(so_getsnd(a.so));
        rcv = sb_gethiwat(so_getrcv(a.so));
        cc = sb_getcc(so_getrcv(a.so)) + sb_getcc(so_getsnd(a.so));
        return 0;  // reserves nothing
    });
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    EXPECT_EQ(snd, 0u);
    EXPECT_EQ(rcv, 0u);
    EXPECT_EQ(cc, 0u);
    EXPECT_EQ(get_int_opt(s, SO_RCVBUF), 0);
}

NKE_TEST(SockPair, ConnectsBothWaysForDatagrams, "SOCK-PAIR-001") {
    probe::ProbeDomain pd;
    int sv[2] = {-1, -1};
    ASSERT_EQ(nke_socketpair(probe::kFamily, SOCK_DGRAM, 0, sv), 0);
    Fd a(sv[0]), b(sv[1]);
    EXPECT_GE(sv[0], NKE_FD_FIRST);
    EXPECT_GE(sv[1], NKE_FD_FIRST);
    EXPECT_NE(sv[0], sv[1]);
    ASSERT_EQ(pd.count(probe::connect2), 2);
    const auto socks = pd.sockets();
    ASSERT_EQ(socks.size(), 2u);
    EXPECT_EQ(pd.calls(), (std::vector<std::string>{"attach", "attach", "connect2", "connect2"}));
    EXPECT_EQ(pd.last(probe::connect2).so, socks[1]) << "the second call is (so2, so1)";
    EXPECT_EQ(pd.last(probe::connect2).so2, socks[0]);
}

NKE_TEST(SockPair, StreamsConnectOnce, "SOCK-PAIR-001") {
    loop::LoopDomain ld;
    int sv[2];
    ASSERT_EQ(nke_socketpair(loop::kFamily, SOCK_STREAM, 0, sv), 0);
    Fd a(sv[0]), b(sv[1]);
    EXPECT_EQ(loop::calls().connect2, 1);
    ASSERT_EQ(send_str(a, "ping"), 4);
    EXPECT_EQ(recv_str(b, 8), "ping");
    ASSERT_EQ(send_str(b, "pong"), 4);
    EXPECT_EQ(recv_str(a, 8), "pong");
}

NKE_TEST(SockPair, NullVectorIsEfault, "SOCK-PAIR-002") {
    loop::LoopDomain ld;
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_socketpair(loop::kFamily, SOCK_STREAM, 0, nullptr), EFAULT);
    EXPECT_EQ(loop::calls().attach, 0);
    Fixture::expect_unchanged(before, "socketpair(NULL)");
}

NKE_TEST(SockPair, NoConnect2IsEopnotsupp, "SOCK-PAIR-003") {
    probe::Config cfg;
    cfg.absent = {probe::connect2};
    probe::ProbeDomain pd(cfg);
    int sv[2] = {-1, -1};
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_socketpair(probe::kFamily, SOCK_DGRAM, 0, sv), EOPNOTSUPP);
    EXPECT_EQ(pd.count(probe::attach), 0) << "nothing is created";
    EXPECT_EQ(sv[0], -1);
    Fixture::expect_unchanged(before, "socketpair without pru_connect2");
}

NKE_TEST(SockPair, Connect2FailureClosesBoth, "SOCK-PAIR-004") {
    probe::ProbeDomain pd;
    pd.ret(probe::connect2, ECONNREFUSED);
    int sv[2] = {-1, -1};
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_socketpair(probe::kFamily, SOCK_DGRAM, 0, sv), ECONNREFUSED);
    EXPECT_EQ(sv[0], -1);
    EXPECT_EQ(sv[1], -1);
    EXPECT_EQ(pd.count(probe::attach), 2);
    EXPECT_EQ(pd.count(probe::detach), 2);
    EXPECT_EQ(pd.dom().dom_refs, 0);
    Fixture::expect_unchanged(before, "a failed socketpair");
}
