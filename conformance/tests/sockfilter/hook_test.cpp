// spec/sockfilter.md — hook call sites and what their answers do.
#include "sock_helpers.hpp"

#include <atomic>
#include <cstring>

using namespace nke::test;
using sf::ProbeFilter;

namespace {

const char kAddr[16] = {16, probe::kFamily, 'a', 'd', 'd', 'r'};
const struct sockaddr *probe_sa() { return reinterpret_cast<const struct sockaddr *>(kAddr); }

int insert(int fd, unsigned handle) {
    so_nke req{handle, 0, NFF_AFTER};
    return nke_setsockopt(fd, SOL_SOCKET, SO_NKE, &req, sizeof req);
}

struct mbuf *chain(const std::string &s) {
    struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);
    std::memcpy(m->m_data, s.data(), s.size());
    m->m_len = m->m_pkthdr.len = static_cast<int>(s.size());
    return m;
}

// A probe socket with filters A (and B, C) inserted with SO_NKE.
struct Filtered {
    probe::ProbeDomain pd;
    ProbeFilter a{0x686b0001, 'A'}, b{0x686b0002, 'B'}, c{0x686b0003, 'C'};
    Fd fd;
    struct socket *so = nullptr;
    explicit Filtered(const probe::Config &cfg = probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC), int n = 1) : pd(cfg) {
        a.reg();
        b.reg();
        c.reg();
        fd = Fd(nke_socket(probe::kFamily, cfg.type, 0));
        so = pd.sockets().at(0);
        if (n >= 1) {
            EXPECT_EQ(insert(fd, 0x686b0001), 0);
        }
        if (n >= 2) {
            EXPECT_EQ(insert(fd, 0x686b0002), 0);
        }
        if (n >= 3) {
            EXPECT_EQ(insert(fd, 0x686b0003), 0);
        }
        sf::clear_log();
    }
    ~Filtered() { fd.reset(); }
};

}  // namespace

NKE_TEST(SfHook, ChainOrderSkipsNullAndStopsAtTheFirstAnswer, "SF-HOOK-001") {
    Filtered t(probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC), 3);
    t.b.remove(sf::sosend);
    ASSERT_EQ(nke_sendto(t.fd, "x", 1, 0, probe_sa(), 16), 1);
    EXPECT_EQ(sf::log_of(sf::sosend), (std::vector<std::string>{"A.sosend", "C.sosend"}));
    EXPECT_EQ(t.a.last(sf::sosend).kp, so_getext(t.so)) << "each hook gets its own kextcb";
    EXPECT_EQ(t.c.last(sf::sosend).kp, so_getext(t.so)->e_next->e_next);
    sf::clear_log();
    t.a.ret(sf::sosend, EPERM);
    EXPECT_SYS_ERRNO(nke_sendto(t.fd, "x", 1, 0, probe_sa(), 16), EPERM);
    EXPECT_EQ(sf::log_of(sf::sosend), std::vector<std::string>{"A.sosend"});
}

NKE_TEST(SfHook, PostHooksRunAfterTheProtocol, "SF-HOOK-002") {
    loop::LoopDomain ld;
    ProbeFilter g(0x686b0010, 'G', NFD_GLOBAL);
    ASSERT_EQ(g.reg(&ld.stream()), 0);
    {
        Fd s = loop_socket(SOCK_STREAM);
        g.ret(sf::sobind, EACCES);
        const auto a = loop::addr(3);
        EXPECT_SYS_ERRNO(nke_bind(s, loop::sa(a), loop::kAddrLen), EACCES);
        int port = 0;
        ASSERT_EQ(nke_ioctl(s, loop::kIocGetPort, &port), 0);
        EXPECT_EQ(port, 3) << "the bind happened";
        g.ret(sf::solisten, EACCES);
        EXPECT_SYS_ERRNO(nke_listen(s, 1), EACCES);
        EXPECT_EQ(get_int_opt(s, SO_ACCEPTCONN), 1) << "the socket is listening";
        g.ret(sf::solisten, EJUSTRETURN);
        EXPECT_EQ(nke_listen(s, 1), 0);
        Fd c = loop_socket(SOCK_STREAM);
        ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
        g.ret(sf::soaccept, EPERM);
        const int refs = ld.dom().dom_refs;
        EXPECT_SYS_ERRNO(nke_accept(s, nullptr, nullptr), EPERM);
        EXPECT_EQ(ld.dom().dom_refs, refs - 1) << "the accepted connection was closed";
        EXPECT_EQ(loop::calls().accept, 1) << "pru_accept ran first";
        Fd c2 = loop_socket(SOCK_STREAM);
        ASSERT_EQ(nke_connect(c2, loop::sa(a), loop::kAddrLen), 0);
        g.ret(sf::soaccept, EJUSTRETURN);
        Fd acc(nke_accept(s, nullptr, nullptr));
        EXPECT_GE(acc.get(), NKE_FD_FIRST);
        // socketpair: sf_soconnect2 after pru_connect2.
        g.ret(sf::soconnect2, ENOTSUP);
        int sv[2];
        EXPECT_SYS_ERRNO(nke_socketpair(loop::kFamily, SOCK_STREAM, 0, sv), ENOTSUP);
        EXPECT_EQ(loop::calls().connect2, 1);
        g.ret(sf::soconnect2, EJUSTRETURN);
        ASSERT_EQ(nke_socketpair(loop::kFamily, SOCK_STREAM, 0, sv), 0);
        nke_close(sv[0]);
        nke_close(sv[1]);
    }
    EXPECT_EQ(g.unreg(), 0);
}

NKE_TEST(SfHook, DisconnectPostHook, "SF-HOOK-002") {
    Filtered t(probe::cfg(SOCK_DGRAM, 1, 0));
    t.pd.on(probe::connect, [](probe::Args &a) {
        soisconnected(a.so);
        return 0;
    });
    ASSERT_EQ(nke_connect(t.fd, probe_sa(), 16), 0);
    t.a.on(sf::sodisconnect, [&](sf::Call &) {
        EXPECT_EQ(t.pd.count(probe::disconnect), 1) << "after pru_disconnect";
        return EJUSTRETURN;
    });
    EXPECT_EQ(nke_connect(t.fd, probe_sa(), 16), 0) << "EJUSTRETURN: the disconnect succeeded";
    EXPECT_EQ(t.pd.count(probe::connect), 2);
    t.a.on(sf::sodisconnect, nullptr);
    t.a.ret(sf::sodisconnect, EIO);
    EXPECT_SYS_ERRNO(nke_connect(t.fd, probe_sa(), 16), EISCONN);
    EXPECT_EQ(t.pd.count(probe::disconnect), 2);
}

NKE_TEST(SfHook, SobindGetsTheSockaddr, "SF-HOOK-003") {
    Filtered t;
    std::string seen;
    t.a.on(sf::sobind, [&](sf::Call &c) {
        seen.assign(reinterpret_cast<const char *>(c.addr), c.addr->sa_len);
        return 0;
    });
    unsigned char in[8] = {99, probe::kFamily, 1, 2, 3, 4, 5, 6};
    ASSERT_EQ(nke_bind(t.fd, reinterpret_cast<const sockaddr *>(in), 8), 0);
    ASSERT_EQ(seen.size(), 8u);
    EXPECT_EQ(seen[0], 8);
    EXPECT_EQ(seen[7], 6);
}

NKE_TEST(SfHook, SoconnectRunsBeforeTheProtocol, "SF-HOOK-004") {
    Filtered t;
    t.a.on(sf::soconnect, [&](sf::Call &c) {
        EXPECT_EQ(t.pd.count(probe::connect), 0);
        EXPECT_EQ(c.addr->sa_len, 16);
        return ECONNREFUSED;
    });
    EXPECT_SYS_ERRNO(nke_connect(t.fd, probe_sa(), 16), ECONNREFUSED);
    EXPECT_EQ(t.pd.count(probe::connect), 0);
    t.a.on(sf::soconnect, nullptr);
    t.a.ret(sf::soconnect, EJUSTRETURN);
    EXPECT_EQ(nke_connect(t.fd, probe_sa(), 16), 0);
    EXPECT_EQ(t.pd.count(probe::connect), 0) << "the filter took the connect over";
    t.a.ret(sf::soconnect, 0);
    EXPECT_EQ(nke_connect(t.fd, probe_sa(), 16), 0);
    EXPECT_EQ(t.pd.count(probe::connect), 1);
}

NKE_TEST(SfHook, SosendErrorFreesTopAndControl, "SF-HOOK-005") {
    Filtered t;
    char ctl[sizeof(struct cmsghdr) + 4] = {};
    struct iovec v{const_cast<char *>("payload"), 7};
    struct msghdr mh{};
    mh.msg_name = const_cast<char *>(kAddr);
    mh.msg_namelen = 16;
    mh.msg_iov = &v;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl;
    mh.msg_controllen = sizeof ctl;
    std::string at_hook;
    t.a.on(sf::sosend, [&](sf::Call &c) {
        for (struct mbuf *m = *c.ptop; m; m = m->m_next) at_hook.append(m->m_data, static_cast<size_t>(m->m_len));
        EXPECT_NE(*c.pcontrol, nullptr);
        // Replace top: the stack frees whatever the pointer holds now.
        m_freem(*c.ptop);
        *c.ptop = chain("replacement");
        return EHOSTUNREACH;
    });
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_sendmsg(t.fd, &mh, 0), EHOSTUNREACH);
    EXPECT_EQ(at_hook, "payload") << "the chain is built before the hook";
    EXPECT_EQ(t.pd.count(probe::send), 0);
    Fixture::expect_unchanged(before, "a send a filter refused");
}

NKE_TEST(SfHook, SosendEjustreturnSwallows, "SF-HOOK-006") {
    Filtered t;
    struct mbuf *kept = nullptr;
    t.a.on(sf::sosend, [&](sf::Call &c) {
        kept = *c.ptop;
        return EJUSTRETURN;
    });
    const auto before = counters();
    EXPECT_EQ(nke_sendto(t.fd, "swallowed", 9, 0, probe_sa(), 16), 9);
    EXPECT_EQ(t.pd.count(probe::send), 0);
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(std::string(kept->m_data, 9), "swallowed");
    EXPECT_EQ(counters().mbufs, before.mbufs + 1) << "the filter holds the chain";
    m_freem(kept);
}

NKE_TEST(SfHook, SosendMayReplaceWhatTheProtocolGets, "SF-HOOK-007") {
    Filtered t;
    const char other[16] = {16, probe::kFamily, 'o', 't', 'h', 'e', 'r'};
    t.a.on(sf::sosend, [&](sf::Call &c) {
        m_freem(*c.ptop);
        *c.ptop = chain("rewritten");
        *c.paddr = const_cast<struct nke_sockaddr *>(reinterpret_cast<const nke_sockaddr *>(other));
        return 0;
    });
    ASSERT_EQ(nke_sendto(t.fd, "original", 8, 0, probe_sa(), 16), 8);
    ASSERT_EQ(t.pd.sent().size(), 1u);
    EXPECT_EQ(t.pd.sent()[0].data, "rewritten");
    EXPECT_EQ(t.pd.sent()[0].addr, std::string(other, 16));
}

NKE_TEST(SfHook, SocontrolFirstForEveryOption, "SF-HOOK-008") {
    Filtered t;
    std::vector<int> names;
    t.a.on(sf::socontrol, [&](sf::Call &c) {
        names.push_back(c.sopt->sopt_name);
        EXPECT_EQ(t.pd.count(probe::ctloutput), 0);
        if (c.sopt->sopt_level == 7) return EPERM;
        if (c.sopt->sopt_level == 8) {
            if (c.sopt->sopt_dir == SOPT_GET) (void)sooptcopyout(c.sopt, "fromfilter", 10);
            return EJUSTRETURN;
        }
        return 0;
    });
    int v = 1;
    EXPECT_SYS_ERRNO(nke_setsockopt(t.fd, 7, 1, &v, sizeof v), EPERM);
    EXPECT_EQ(nke_setsockopt(t.fd, 8, 1, &v, sizeof v), 0);
    char out[16] = {};
    socklen_t len = sizeof out;
    EXPECT_EQ(nke_getsockopt(t.fd, 8, 1, out, &len), 0);
    EXPECT_EQ(len, 10u);
    EXPECT_EQ(std::string(out, 10), "fromfilter");
    EXPECT_EQ(t.pd.count(probe::ctloutput), 0) << "options the filter answered never reach the protocol";
    EXPECT_EQ(nke_setsockopt(t.fd, SOL_SOCKET, SO_DONTTRUNC, &v, sizeof v), 0);
    EXPECT_EQ(t.a.count(sf::socontrol), 4) << "SOL_SOCKET options too";
    ASSERT_EQ(names.size(), 4u);
    EXPECT_EQ(names.back(), SO_DONTTRUNC);
}

NKE_TEST(SfHook, SoreceiveAtEntry, "SF-HOOK-009") {
    Filtered t;
    sbappendrecord(so_getrcv(t.so), chain("queued"));
    t.a.ret(sf::soreceive, ENETDOWN);
    char b[16];
    EXPECT_SYS_ERRNO(nke_recv(t.fd, b, sizeof b, 0), ENETDOWN);
    EXPECT_EQ(readable(t.fd), 6) << "nothing taken";
    t.a.ret(sf::soreceive, EJUSTRETURN);
    EXPECT_EQ(nke_recv(t.fd, b, sizeof b, 0), 0) << "answered by the filter, which moved nothing";
    t.a.on(sf::soreceive, [](sf::Call &c) {
        (void)uiomove("own", 3, *c.puio);
        return EJUSTRETURN;
    });
    EXPECT_EQ(nke_recv(t.fd, b, sizeof b, 0), 3);
    EXPECT_EQ(std::string(b, 3), "own");
    EXPECT_EQ(readable(t.fd), 6);
    t.a.on(sf::soreceive, nullptr);
    t.a.ret(sf::soreceive, 0);
    EXPECT_EQ(recv_str(t.fd, 16), "queued");
}

NKE_TEST(SfHook, SofreeOncePerAttachmentOnEveryPath, "SF-HOOK-011") {
    loop::LoopDomain ld;
    ProbeFilter g(0x686b0020, 'G', NFD_GLOBAL);
    ASSERT_EQ(g.reg(&ld.stream()), 0);
    std::vector<std::string> order;
    g.on(sf::soclose, [&](sf::Call &) {
        order.push_back("soclose");
        return 0;
    });
    g.on(sf::sofree, [&](sf::Call &) {
        order.push_back("sofree");
        return 0;
    });
    {
        Fd l = loop_listener(1);
        Fd c = loop_socket(SOCK_STREAM);
        const auto a = loop::addr(1);
        ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);  // a queued connection
        loop::fail_attach(ENOBUFS);
        EXPECT_SYS_ERRNO(nke_socket(loop::kFamily, SOCK_STREAM, 0), ENOBUFS);  // a failed creation
        EXPECT_EQ(g.count(sf::socreate), 4);
        EXPECT_EQ(g.count(sf::sofree), 1);
        order.clear();
        l.reset();  // the listener, and the queued connection it aborts
        EXPECT_EQ(g.count(sf::sofree), 3);
        EXPECT_EQ(order.front(), "soclose") << "sf_sofree comes after every other hook";
        EXPECT_EQ(order.back(), "sofree");
    }
    EXPECT_EQ(g.count(sf::sofree), g.count(sf::socreate));
    EXPECT_EQ(g.unreg(), 0);
}

NKE_TEST(SfHook, SoshutdownBeforeTheShutdown, "SF-HOOK-012") {
    Filtered t;
    sbappendrecord(so_getrcv(t.so), chain("keep"));
    t.a.ret(sf::soshutdown, EPERM);
    EXPECT_SYS_ERRNO(nke_shutdown(t.fd, SHUT_RDWR), EPERM);
    EXPECT_EQ(t.a.last(sf::soshutdown).i, SHUT_RDWR);
    t.a.ret(sf::soshutdown, EJUSTRETURN);
    EXPECT_EQ(nke_shutdown(t.fd, SHUT_RD), 0);
    EXPECT_EQ(readable(t.fd), 4) << "nothing was shut down";
    EXPECT_EQ(so_getstate(t.so) & SS_CANTRCVMORE, 0);
    EXPECT_EQ(t.pd.count(probe::shutdown), 0);
    EXPECT_SYS_ERRNO(nke_shutdown(t.fd, 9), EINVAL);
    EXPECT_EQ(t.a.count(sf::soshutdown), 2) << "not called for an invalid how";
}

NKE_TEST(SfHook, StateHooksSkipTheOperation, "SF-HOOK-013") {
    Filtered t;
    for (auto h : {sf::soisconnected, sf::soisdisconnecting, sf::soisdisconnected, sf::socantsendmore,
                   sf::socantrcvmore, sf::sorflush}) {
        t.a.ret(h, EJUSTRETURN);
    }
    soisconnected(t.so);
    soisdisconnecting(t.so);
    soisdisconnected(t.so);
    socantsendmore(t.so);
    socantrcvmore(t.so);
    EXPECT_EQ(so_getstate(t.so), SS_PRIV) << "no state change";
    sbappendrecord(so_getrcv(t.so), chain("data"));
    ASSERT_EQ(nke_shutdown(t.fd, SHUT_RD), 0);
    EXPECT_EQ(readable(t.fd), 4) << "sf_sorflush skipped the flush";
    EXPECT_EQ(t.a.count(sf::socantrcvmore), 1) << "and socantrcvmore with it";
    t.a.ret(sf::soisconnected, 0);
    soisconnected(t.so);
    EXPECT_NE(so_getstate(t.so) & SS_ISCONNECTED, 0);
    t.a.ret(sf::soisconnected, EPERM);  // an error skips too
    t.a.ret(sf::soisdisconnected, EPERM);
    soisdisconnected(t.so);
    EXPECT_NE(so_getstate(t.so) & SS_ISCONNECTED, 0);
}

NKE_TEST(SfHook, IoctlCallsNoHook, "SF-HOOK-014") {
    Filtered t;
    int v = 1;
    ASSERT_EQ(nke_ioctl(t.fd, FIONBIO, &v), 0);
    ASSERT_EQ(nke_ioctl(t.fd, FIONREAD, &v), 0);
    ASSERT_EQ(nke_ioctl(t.fd, 0x7710, &v), 0);
    EXPECT_TRUE(sf::log().empty()) << sf::log().front();
}

NKE_TEST(SfHook, SoreserveAnswerIsHonoured, "SF-HOOK-015") {
    Filtered t;
    t.a.ret(sf::soreserve, ENOSPC);
    EXPECT_EQ(soreserve(t.so, 100, 100), ENOSPC);
    EXPECT_EQ(sb_gethiwat(so_getrcv(t.so)), 8192u) << "nothing reserved";
    EXPECT_EQ(t.a.last(sf::soreserve).u1, 100u);
    t.a.ret(sf::soreserve, EJUSTRETURN);
    EXPECT_EQ(soreserve(t.so, 100, 100), 0);
    EXPECT_EQ(sb_gethiwat(so_getrcv(t.so)), 8192u);
    t.a.ret(sf::soreserve, -50);
    EXPECT_EQ(soreserve(t.so, 100, 100), EIO);
    t.a.ret(sf::soreserve, 0);
    EXPECT_EQ(soreserve(t.so, 100, 200), 0);
    EXPECT_EQ(sb_gethiwat(so_getrcv(t.so)), 200u);
}

NKE_TEST(SfHook, SockbufHooksSkipTheOperation, "SF-HOOK-016") {
    Filtered t;
    struct sockbuf *rcv = so_getrcv(t.so);
    std::vector<struct mbuf *> taken;
    t.a.on(sf::sbappend, [&](sf::Call &c) {
        EXPECT_EQ(c.sb, rcv);
        taken.push_back(c.m);
        return EJUSTRETURN;
    });
    t.a.on(sf::sbappendrecord, [&](sf::Call &c) {
        taken.push_back(c.m);
        return ENOBUFS;  // any non-zero: the filter owns it
    });
    sbappend(rcv, chain("a"));
    sbappendrecord(rcv, chain("b"));
    EXPECT_EQ(sb_getcc(rcv), 0u);
    ASSERT_EQ(taken.size(), 2u);
    for (struct mbuf *m : taken) m_freem(m);
    t.a.on(sf::sbappend, nullptr);
    t.a.on(sf::sbappendrecord, nullptr);
    sbappendrecord(rcv, chain("xx"));
    sbappendrecord(rcv, chain("yy"));
    t.a.ret(sf::sbdrop, EJUSTRETURN);
    t.a.ret(sf::sbdroprecord, EPERM);
    t.a.ret(sf::sbflush, 1);
    sbdrop(rcv, 3);
    sbdroprecord(rcv);
    sbflush(rcv);
    EXPECT_EQ(sb_getcc(rcv), 4u) << "drop, droprecord and flush were skipped";
    EXPECT_EQ(t.a.last(sf::sbdrop).i, 3);
}

NKE_TEST(SfHook, AppendAddrAndControlTakenByAFilter, "SF-HOOK-017") {
    Filtered t(probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC | PR_ADDR));
    struct sockbuf *rcv = so_getrcv(t.so);
    std::vector<struct mbuf *> kept;
    t.a.on(sf::sbappendaddr, [&](sf::Call &c) {
        kept.push_back(c.m);
        kept.push_back(c.control);
        EXPECT_EQ(c.asa->sa_len, 16);
        return EJUSTRETURN;
    });
    t.a.on(sf::sbappendcontrol, [&](sf::Call &c) {
        kept.push_back(c.m);
        kept.push_back(c.control);
        return 1;
    });
    struct mbuf *ctl1 = m_get(M_WAIT, MT_CONTROL), *ctl2 = m_get(M_WAIT, MT_CONTROL);
    ctl1->m_len = ctl2->m_len = 0;
    EXPECT_EQ(sbappendaddr(rcv, reinterpret_cast<const nke_sockaddr *>(kAddr), chain("m"), ctl1), 1);
    EXPECT_EQ(sbappendcontrol(rcv, chain("n"), ctl2), 1);
    EXPECT_EQ(sb_getcc(rcv), 0u);
    for (struct mbuf *m : kept) m_freem(m);  // the filter's to free
}

NKE_TEST(SfHook, SonewconnErrorFreesTheConnection, "SF-HOOK-018") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    ProbeFilter g(0x686b0030, 'G', NFD_GLOBAL);
    ASSERT_EQ(g.reg(&pd.pr()), 0);
    {
        Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 0));
        ASSERT_EQ(nke_listen(l, 5), 0);
        struct socket *head = pd.sockets().at(0);
        int attaches_at_hook = -1;
        g.on(sf::sonewconn, [&](sf::Call &c) {
            attaches_at_hook = pd.count(probe::attach);
            EXPECT_EQ(c.i, SS_ISCONNECTED);
            EXPECT_NE(c.so, head);
            return EPERM;
        });
        const auto before = counters();
        EXPECT_EQ(sonewconn(head, SS_ISCONNECTED), nullptr);
        EXPECT_EQ(attaches_at_hook, 1) << "before pru_attach";
        EXPECT_EQ(pd.count(probe::attach), 1);
        EXPECT_EQ(g.live(), 1) << "the connection's sf_sofree ran";
        Fixture::expect_unchanged(before, "a connection a filter refused");
        // Swallowed, then completed by the protocol: it becomes acceptable.
        g.on(sf::sonewconn, nullptr);
        g.ret(sf::sonewconn, EJUSTRETURN);
        struct socket *so = sonewconn(head, SS_ISCONNECTED);
        ASSERT_NE(so, nullptr);
        EXPECT_NE(so_getstate(so) & SS_INCOMP, 0);
        EXPECT_EQ(pd.count(probe::attach), 1) << "not attached";
        soisconnected(so);
        Fd s(nke_accept(l, nullptr, nullptr));
        EXPECT_GE(s.get(), NKE_FD_FIRST);
        s.reset();
        EXPECT_EQ(pd.count(probe::detach), 0) << "never pru_detach for an unattached socket";
    }
    EXPECT_EQ(g.unreg(), 0);
}

NKE_TEST(SfHook, NeverCalledHooks, "SF-HOOK-019") {
    loop::LoopDomain ld;
    ProbeFilter g(0x686b0040, 'G', NFD_GLOBAL), h(0x686b0041, 'H', NFD_GLOBAL);
    ASSERT_EQ(g.reg(&ld.stream()), 0);
    ASSERT_EQ(h.reg(&ld.dgram()), 0);
    {
        // Exercise every path: connect, accept, data, options, shutdown,
        // abort of a queued connection, close.
        Fd l = loop_listener(1);
        auto [c, s] = loop_pair(l, 1);
        Fd q = loop_socket(SOCK_STREAM);
        const auto a = loop::addr(1);
        ASSERT_EQ(nke_connect(q, loop::sa(a), loop::kAddrLen), 0);
        ASSERT_EQ(send_str(c, "data"), 4);
        EXPECT_EQ(recv_str(s, 2), "da");
        int v = 1;
        EXPECT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v), 0);
        socklen_t len = sizeof v;
        EXPECT_EQ(nke_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
        EXPECT_EQ(nke_shutdown(c, SHUT_RDWR), 0);
        Fd d1 = loop_dgram(5), d2 = loop_dgram(6);
        const auto to = loop::addr(6);
        EXPECT_EQ(nke_sendto(d1, "x", 1, 0, loop::sa(to), loop::kAddrLen), 1);
        EXPECT_EQ(recv_str(d2, 4), "x");
        l.reset();
    }
    for (ProbeFilter *f : {&g, &h}) {
        for (auto never : {sf::soabort, sf::sogetopt, sf::sosetopt, sf::sohasoutofband, sf::soisconnecting,
                           sf::soqinsque, sf::soqremque, sf::sowakeup, sf::sb_lock, sf::sbcompress,
                           sf::sbinsertoob, sf::sbrelease, sf::sbreserve, sf::sbwait}) {
            EXPECT_EQ(f->count(never), 0) << f->tag() << "." << sf::hook_name(never);
        }
        EXPECT_GT(f->count(sf::sofree), 0) << "the exercise reached the filter";
    }
    EXPECT_EQ(g.unreg(), 0);
    EXPECT_EQ(h.unreg(), 0);
}

namespace {
std::atomic<int> g_nf_calls{0};
int nf_int() { return ++g_nf_calls; }
void nf_void() { ++g_nf_calls; }
}  // namespace

NKE_TEST(SfHook, PfFilterEntryPointsAreNeverCalled, "SF-HOOK-020") {
    loop::LoopDomain ld;
    ProbeFilter g(0x686b0050, 'G', NFD_GLOBAL);
    g.nfd().nf_connect = nf_int;
    g.nfd().nf_disconnect = nf_void;
    g.nfd().nf_read = nf_int;
    g.nfd().nf_write = nf_int;
    g.nfd().nf_get = nf_int;
    g.nfd().nf_set = nf_int;
    ASSERT_EQ(g.reg(&ld.stream()), 0);
    {
        Fd l = loop_listener(1);
        auto [c, s] = loop_pair(l, 1);
        ASSERT_EQ(send_str(c, "x"), 1);
        EXPECT_EQ(recv_str(s, 4), "x");
        int v = 1;
        EXPECT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_DONTTRUNC, &v, sizeof v), 0);
    }
    EXPECT_EQ(g.unreg(), 0);
    EXPECT_EQ(g_nf_calls.load(), 0);
}

NKE_TEST(SfHook, NegativeAnswersNeverReachTheUser, "SF-HOOK-021") {
    Filtered t;
    t.a.ret(sf::sosend, -7);
    EXPECT_SYS_ERRNO(nke_sendto(t.fd, "x", 1, 0, probe_sa(), 16), EIO);
    t.a.ret(sf::soconnect, -100);
    EXPECT_SYS_ERRNO(nke_connect(t.fd, probe_sa(), 16), EIO);
    t.a.ret(sf::sobind, EJUSTRETURN);
    errno = 0;
    EXPECT_EQ(nke_bind(t.fd, probe_sa(), 16), 0);
    EXPECT_EQ(errno, 0);
    t.a.ret(sf::socontrol, -3);
    int v = 1;
    EXPECT_SYS_ERRNO(nke_setsockopt(t.fd, SOL_SOCKET, SO_DONTTRUNC, &v, sizeof v), EIO);
    t.a.ret(sf::soreceive, -9);
    char b[4];
    EXPECT_SYS_ERRNO(nke_recv(t.fd, b, sizeof b, MSG_DONTWAIT), EIO);
    t.a.ret(sf::soshutdown, -2000);
    EXPECT_SYS_ERRNO(nke_shutdown(t.fd, SHUT_RD), EIO);
}

NKE_TEST(SfHook, SocketLayerBookkeepingCallsNoSockbufHook, "SF-HOOK-022") {
    Filtered t(probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC));
    struct sockbuf *rcv = so_getrcv(t.so);
    t.a.remove(sf::sbappendrecord);  // queue without the hook
    sbappendrecord(rcv, chain("0123456789"));
    sbappendrecord(rcv, chain("abcdef"));
    sbappendrecord(rcv, chain("left behind"));
    sf::clear_log();
    EXPECT_EQ(recv_str(t.fd, 4), "0123");  // a truncated record: the rest is discarded
    EXPECT_EQ(recv_str(t.fd, 16), "abcdef");
    ASSERT_EQ(nke_shutdown(t.fd, SHUT_RD), 0);  // discards the rest
    t.fd.reset();                               // frees the buffers
    for (const auto &e : sf::log()) {
        EXPECT_EQ(e.rfind("A.sb", 0), std::string::npos) << "a sockutil hook ran: " << e;
    }
}

NKE_TEST(SfHook, FcbIsTheFiltersOwn, "SF-HOOK-023") {
    int state = 0;  // outlives the socket
    Filtered t;
    EXPECT_EQ(so_getext(t.so)->e_fcb, nullptr);
    t.a.on(sf::sosend, [&](sf::Call &c) {
        if (c.kp->e_fcb == nullptr) c.kp->e_fcb = &state;
        ++*static_cast<int *>(c.kp->e_fcb);
        return 0;
    });
    for (int i = 0; i < 3; ++i) ASSERT_EQ(nke_sendto(t.fd, "x", 1, 0, probe_sa(), 16), 1);
    EXPECT_EQ(state, 3);
    EXPECT_EQ(so_getext(t.so)->e_fcb, &state);
    t.a.on(sf::sofree, [&](sf::Call &c) {
        EXPECT_EQ(c.kp->e_fcb, &state) << "until the end";
        c.kp->e_fcb = nullptr;
        return 0;
    });
}

NKE_TEST(SfHook, HooksMayCallTheKpiButNotTheUserSide, "SF-HOOK-024") {
    Filtered t;
    std::thread::id hook_thread;
    int user_rc = 0, user_errno = 0;
    t.a.on(sf::sosend, [&](sf::Call &c) {
        hook_thread = std::this_thread::get_id();
        user_rc = nke_socket(probe::kFamily, SOCK_DGRAM, 0);
        user_errno = errno;
        // Loop the data back into the socket's own receive buffer and keep it.
        sbappendrecord(so_getrcv(c.so), *c.ptop);
        sorwakeup(c.so);
        return EJUSTRETURN;
    });
    ASSERT_EQ(nke_sendto(t.fd, "echo", 4, 0, probe_sa(), 16), 4);
    EXPECT_EQ(hook_thread, std::this_thread::get_id());
    EXPECT_EQ(user_rc, -1);
    EXPECT_EQ(user_errno, EDEADLK);
    EXPECT_EQ(recv_str(t.fd, 8), "echo");
}
