// spec/sockfilter.md — global attachment and the kextcb.
#include "sock_helpers.hpp"

using namespace nke::test;
using sf::ProbeFilter;

NKE_TEST(SfAttach, EveryCreationPathGetsTheGlobalFilters, "SF-ATTACH-001") {
    loop::LoopDomain ld;
    ProbeFilter f(0x61747431, 'A', NFD_GLOBAL), other(0x61747432, 'O', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&ld.stream()), 0);
    ASSERT_EQ(other.reg(&ld.dgram()), 0);
    {
        Fd l = loop_listener(1);
        auto [c, s] = loop_pair(l, 1);
        int sv[2];
        ASSERT_EQ(nke_socketpair(loop::kFamily, SOCK_STREAM, 0, sv), 0);
        Fd p0(sv[0]), p1(sv[1]);
        EXPECT_EQ(f.count(sf::socreate), 5) << "listener, client, connection, pair";
        EXPECT_EQ(other.count(sf::socreate), 0) << "a filter of another protosw";
        const sf::Call last = f.last(sf::socreate);
        struct kextcb *kp = so_getext(last.so);
        ASSERT_NE(kp, nullptr);
        EXPECT_EQ(kp, last.kp);
        EXPECT_EQ(kp->e_nfd, &f.nfd());
        EXPECT_EQ(kp->e_soif, f.nfd().nf_soif);
        EXPECT_EQ(kp->e_sout, f.nfd().nf_soutil);
        EXPECT_EQ(kp->e_next, nullptr);
        EXPECT_EQ(last.pr, &ld.stream());
    }
    EXPECT_EQ(f.live(), 0);
    EXPECT_EQ(f.unreg(), 0);
    EXPECT_EQ(other.unreg(), 0);
}

NKE_TEST(SfAttach, CreateHooksBeforeAttachIgnoringResults, "SF-ATTACH-002") {
    probe::ProbeDomain pd;
    ProbeFilter a(0x61747433, 'A', NFD_GLOBAL), b(0x61747434, 'B', NFD_GLOBAL);
    ASSERT_EQ(a.reg(&pd.pr()), 0);
    ASSERT_EQ(b.reg(&pd.pr()), 0);
    a.ret(sf::socreate, EPERM);  // ignored: B still hears it, the socket is made
    std::vector<std::string> at_attach;
    pd.on(probe::attach, [&](probe::Args &) {
        at_attach = sf::log_of(sf::socreate);
        return 0;
    });
    sf::clear_log();
    {
        Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        ASSERT_GE(s.get(), NKE_FD_FIRST);
        EXPECT_EQ(at_attach, (std::vector<std::string>{"A.socreate", "B.socreate"}));
        EXPECT_EQ(a.last(sf::socreate).pr, &pd.pr());
        EXPECT_NE(a.last(sf::socreate).kp, b.last(sf::socreate).kp);
    }
    EXPECT_EQ(a.unreg(), 0);
    EXPECT_EQ(b.unreg(), 0);
}

NKE_TEST(SfAttach, ListenerSoNkeFiltersAreNotInherited, "SF-ATTACH-003", "SF-SONKE-008") {
    loop::LoopDomain ld;
    ProbeFilter g(0x61747435, 'G', NFD_GLOBAL), p(0x61747436, 'P'), other(0x61747437, 'O', NFD_GLOBAL);
    ASSERT_EQ(g.reg(&ld.stream()), 0);
    ASSERT_EQ(p.reg(), 0);
    ASSERT_EQ(other.reg(&ld.dgram()), 0);  // global on another protosw
    {
        Fd l = loop_listener(1);
        for (unsigned h : {0x61747436u, 0x61747437u}) {
            so_nke req{h, 0, 0};
            ASSERT_EQ(nke_setsockopt(l, SOL_SOCKET, SO_NKE, &req, sizeof req), 0);
        }
        sf::clear_log();
        auto [c, s] = loop_pair(l, 1);
        EXPECT_EQ(sf::log_of(sf::socreate), (std::vector<std::string>{"G.socreate", "G.socreate"}))
            << "the client and the connection get the global filter only";
        EXPECT_EQ(p.count(sf::socreate), 1);
        EXPECT_EQ(other.count(sf::socreate), 1);
    }
    for (ProbeFilter *f : {&g, &p, &other}) EXPECT_EQ(f->unreg(), 0);
}

NKE_TEST(SfAttach, AllocationFailureFreesWhatAttached, "SF-ATTACH-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    ProbeFilter a(0x61747438, 'A', NFD_GLOBAL), b(0x61747439, 'B', NFD_GLOBAL);
    ASSERT_EQ(a.reg(&pd.pr()), 0);
    ASSERT_EQ(b.reg(&pd.pr()), 0);
    Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    ASSERT_EQ(nke_listen(l, 5), 0);
    struct socket *head = pd.sockets().at(0);
    // sonewconn under every failing allocation: NULL, nothing left over.
    for (uint64_t n = 1; n <= 3; ++n) {
        const auto before = counters();
        const int attaches = pd.count(probe::attach);
        {
            FailAlloc fail(n, false);
            struct socket *so = sonewconn(head, SS_ISCONNECTED);
            if (so != nullptr) break;
        }
        EXPECT_EQ(pd.count(probe::attach), attaches) << "n=" << n;
        Fixture::expect_unchanged(before, "a sonewconn that could not allocate");
        EXPECT_EQ(a.live(), 1) << "n=" << n;  // only the listener's
        EXPECT_EQ(b.live(), 1) << "n=" << n;
    }
    l.reset();
    EXPECT_EQ(a.unreg(), 0);
    EXPECT_EQ(b.unreg(), 0);
}

NKE_TEST(SfAttach, KextcbCounter, "SF-ATTACH-005") {
    loop::LoopDomain ld;
    ProbeFilter a(0x6174743a, 'A', NFD_GLOBAL), p(0x6174743b, 'P');
    ASSERT_EQ(a.reg(&ld.dgram()), 0);
    ASSERT_EQ(p.reg(), 0);
    const auto base = counters().kextcbs;
    {
        Fd s = loop_socket(SOCK_DGRAM), t = loop_socket(SOCK_DGRAM);
        EXPECT_EQ(counters().kextcbs, base + 2);
        so_nke req{0x6174743b, 0, 0};
        ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_NKE, &req, sizeof req), 0);
        EXPECT_EQ(counters().kextcbs, base + 3);
    }
    EXPECT_EQ(counters().kextcbs, base);
    EXPECT_EQ(a.unreg(), 0);
    EXPECT_EQ(p.unreg(), 0);
}
