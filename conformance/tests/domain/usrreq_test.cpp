// spec/domain.md — when and how the stack calls a protocol's user requests.
#include "domain_helpers.hpp"

#include <atomic>

using namespace nke::test;
using probe::ProbeDomain;

NKE_TEST(ProtoUsrreq, AttachOncePerSocketWithTheCallersProtocol, "PROTO-USRREQ-001") {
    ProbeDomain pd(probe::cfg(SOCK_DGRAM, 3));
    ASSERT_EQ(pd.rc(), 0);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 3));
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    EXPECT_EQ(pd.count(probe::attach), 1);
    EXPECT_EQ(pd.last(probe::attach).i, 3);
    EXPECT_EQ(pd.last(probe::attach).p, current_proc());
    Fd t(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    EXPECT_EQ(pd.last(probe::attach).i, 0) << "protocol 0 is passed as given";
    EXPECT_EQ(pd.count(probe::attach), 2);
}

NKE_TEST(ProtoUsrreq, AttachOfANewConnectionGetsProtocolZero, "PROTO-USRREQ-001") {
    ProbeDomain pd(probe::cfg(SOCK_STREAM, 4, PR_CONNREQUIRED));
    Fd l(nke_socket(probe::kFamily, SOCK_STREAM, 4));
    ASSERT_EQ(nke_listen(l, 1), 0);
    struct socket *head = pd.sockets().at(0);
    struct socket *made = nullptr;
    pd.on(probe::connect, [&](probe::Args &) {
        made = sonewconn(head, SS_ISCONNECTED);
        return 0;
    });
    Fd c(nke_socket(probe::kFamily, SOCK_STREAM, 4));
    EXPECT_EQ(pd.last(probe::attach).i, 4);
    char addr[16] = {16, probe::kFamily};
    ASSERT_EQ(nke_connect(c, reinterpret_cast<const struct sockaddr *>(addr), 16), 0);
    ASSERT_NE(made, nullptr);
    EXPECT_EQ(pd.count(probe::attach), 3);
    EXPECT_EQ(pd.last(probe::attach).so, made);
    EXPECT_EQ(pd.last(probe::attach).i, 0) << "sonewconn attaches with protocol 0";
}

NKE_TEST(ProtoUsrreq, NullEntryIsEopnotsuppAndNothingRuns, "PROTO-USRREQ-002") {
    probe::Config cfg;
    cfg.absent = {probe::bind, probe::connect, probe::listen, probe::send, probe::shutdown,
                  probe::sockaddr, probe::peeraddr, probe::control, probe::connect2};
    ProbeDomain pd(cfg);
    sf::ProbeFilter f(0x6e756c6c, 'A');  // declared first: outlives the socket
    ASSERT_EQ(f.reg(), 0);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    so_nke req{0x6e756c6c, 0, 0};
    ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_NKE, &req, sizeof req), 0);
    sf::clear_log();
    const auto calls_before = pd.calls().size();
    const auto before = counters();
    char addr[16] = {16, probe::kFamily};
    const auto *sa = reinterpret_cast<const struct sockaddr *>(addr);
    EXPECT_SYS_ERRNO(nke_bind(s, sa, 16), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_connect(s, sa, 16), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_listen(s, 1), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_sendto(s, "x", 1, 0, sa, 16), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_shutdown(s, SHUT_WR), EOPNOTSUPP);
    socklen_t len = 16;
    EXPECT_SYS_ERRNO(nke_getsockname(s, reinterpret_cast<struct sockaddr *>(addr), &len), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_getpeername(s, reinterpret_cast<struct sockaddr *>(addr), &len), EOPNOTSUPP);
    int v = 0;
    EXPECT_SYS_ERRNO(nke_ioctl(s, 0x7701, &v), EOPNOTSUPP);
    int sv[2];
    EXPECT_SYS_ERRNO(nke_socketpair(probe::kFamily, SOCK_DGRAM, 0, sv), EOPNOTSUPP);
    EXPECT_EQ(pd.calls().size(), calls_before) << "no user request may run";
    // Only the send and shutdown filter call sites come after the protocol check;
    // bind/listen hooks run after a successful request, so none may have run.
    EXPECT_TRUE(sf::log().empty()) << "a hook ran: " << sf::log().front();
    Fixture::expect_unchanged(before, "operations without their user request");
}

NKE_TEST(ProtoUsrreq, NoAttachMeansEprotonosupport, "PROTO-USRREQ-003", "SOCK-CREATE-002") {
    probe::Config cfg;
    cfg.absent = {probe::attach};
    ProbeDomain pd(cfg);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_socket(probe::kFamily, SOCK_DGRAM, 0), EPROTONOSUPPORT);
    int sv[2];
    EXPECT_SYS_ERRNO(nke_socketpair(probe::kFamily, SOCK_DGRAM, 0, sv), EPROTONOSUPPORT);
    EXPECT_EQ(pd.dom().dom_refs, 0);
    Fixture::expect_unchanged(before, "a protocol without pru_attach");
}

NKE_TEST(ProtoUsrreq, ResultMapping, "PROTO-USRREQ-004") {
    ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    char addr[16] = {16, probe::kFamily};
    const auto *sa = reinterpret_cast<const struct sockaddr *>(addr);
    pd.ret(probe::bind, EJUSTRETURN);
    EXPECT_EQ(nke_bind(s, sa, 16), 0) << "EJUSTRETURN is success";
    pd.ret(probe::bind, EADDRINUSE);
    EXPECT_SYS_ERRNO(nke_bind(s, sa, 16), EADDRINUSE);
    pd.ret(probe::bind, -7);
    EXPECT_SYS_ERRNO(nke_bind(s, sa, 16), EIO);
    pd.ret(probe::bind, -1000);
    EXPECT_SYS_ERRNO(nke_bind(s, sa, 16), EIO);
    pd.ret(probe::attach, EJUSTRETURN);
    Fd t(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    EXPECT_GE(t.get(), NKE_FD_FIRST) << "an attach answering EJUSTRETURN succeeded";
}

NKE_TEST(ProtoUsrreq, CloseDisconnectsThenDetachesOnce, "PROTO-USRREQ-005") {
    ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    pd.on(probe::connect, [](probe::Args &a) {
        soisconnected(a.so);
        return 0;
    });
    pd.ret(probe::disconnect, ECONNRESET);  // ignored on close
    pd.ret(probe::detach, EINVAL);          // ignored
    int fd = nke_socket(probe::kFamily, SOCK_STREAM, 0);
    char addr[16] = {16, probe::kFamily};
    ASSERT_EQ(nke_connect(fd, reinterpret_cast<const struct sockaddr *>(addr), 16), 0);
    const auto n = pd.calls().size();
    EXPECT_EQ(nke_close(fd), 0);
    const auto calls = pd.calls();
    ASSERT_EQ(calls.size(), n + 2);
    EXPECT_EQ(calls[n], "disconnect");
    EXPECT_EQ(calls[n + 1], "detach");
    // Not connected: only detach.
    fd = nke_socket(probe::kFamily, SOCK_STREAM, 0);
    const auto m = pd.calls().size();
    nke_close(fd);
    EXPECT_EQ(pd.calls().size(), m + 1);
    EXPECT_EQ(pd.calls().back(), "detach");
}

NKE_TEST(ProtoUsrreq, NoDetachForAFailedAttach, "PROTO-USRREQ-005") {
    ProbeDomain pd;
    pd.ret(probe::attach, ENOMEM);
    EXPECT_SYS_ERRNO(nke_socket(probe::kFamily, SOCK_DGRAM, 0), ENOMEM);
    EXPECT_EQ(pd.count(probe::detach), 0);
    EXPECT_EQ(pd.count(probe::abort), 0);
}

NKE_TEST(ProtoUsrreq, QueuedConnectionsAreAbortedNotDetached, "PROTO-USRREQ-006") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    Fd c1 = loop_socket(SOCK_STREAM), c2 = loop_socket(SOCK_STREAM);
    const auto a = loop::addr(1);
    ASSERT_EQ(nke_connect(c1, loop::sa(a), loop::kAddrLen), 0);
    ASSERT_EQ(nke_connect(c2, loop::sa(a), loop::kAddrLen), 0);
    const auto before = loop::calls();
    l.reset();
    const auto after = loop::calls();
    EXPECT_EQ(after.abort, before.abort + 2);
    EXPECT_EQ(after.detach, before.detach + 1) << "only the listener itself is detached";
}

NKE_TEST(ProtoUsrreq, AbortFallsBackToDetach, "PROTO-USRREQ-006") {
    loop::LoopDomain ld;
    auto saved = ld.stream_usrreqs().pru_abort;
    ld.stream_usrreqs().pru_abort = nullptr;
    {
        Fd l = loop_listener(1);
        Fd c = loop_socket(SOCK_STREAM);
        const auto a = loop::addr(1);
        ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
        const auto before = loop::calls();
        l.reset();
        EXPECT_EQ(loop::calls().detach, before.detach + 2) << "listener and the queued connection";
        EXPECT_EQ(loop::live_pcbs(), 1) << "only the client remains attached";
    }
    ld.stream_usrreqs().pru_abort = saved;
}

NKE_TEST(ProtoUsrreq, RunsOnTheCallersThreadWithItsProc, "PROTO-USRREQ-007") {
    ProbeDomain pd;
    std::thread::id seen;
    struct socket *seen_so = nullptr;
    pd.on(probe::control, [&](probe::Args &a) {
        seen = std::this_thread::get_id();
        seen_so = a.so;
        EXPECT_EQ(a.p, current_proc());
        return 0;
    });
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    std::thread t([&] {
        int v = 0;
        EXPECT_EQ(nke_ioctl(s, 0x7702, &v), 0);
        EXPECT_EQ(seen, std::this_thread::get_id());
    });
    t.join();
    ASSERT_EQ(pd.sockets().size(), 1u);
    EXPECT_EQ(seen_so, pd.sockets()[0]);
}

NKE_TEST(ProtoUsrreq, SendOwnsTheMbufsWhateverItReturns, "PROTO-USRREQ-008", "SOCK-SEND-008") {
    ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    char addr[16] = {16, probe::kFamily};
    const auto *sa = reinterpret_cast<const struct sockaddr *>(addr);
    const auto before = counters();
    pd.ret(probe::send, ENETDOWN);  // the probe frees m and control anyway
    EXPECT_SYS_ERRNO(nke_sendto(s, "abc", 3, 0, sa, 16), ENETDOWN);
    EXPECT_EQ(counters().mbufs, before.mbufs) << "the stack must not free or keep them";
    pd.ret(probe::send, 0);
    EXPECT_EQ(nke_sendto(s, "abc", 3, 0, sa, 16), 3);
    EXPECT_EQ(counters().mbufs, before.mbufs);
}

NKE_TEST(ProtoUsrreq, RcvdAfterARemovingReceiveOnlyWithWantrcvd, "PROTO-USRREQ-009") {
    loop::LoopDomain ld;  // the stream protocol has PR_WANTRCVD, the datagram one not
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    ASSERT_EQ(send_str(c, "hello"), 5);
    const int r0 = loop::calls().rcvd;
    EXPECT_EQ(recv_str(s, 2, MSG_PEEK), "he");
    EXPECT_EQ(loop::calls().rcvd, r0) << "MSG_PEEK removes nothing";
    EXPECT_EQ(recv_str(s, 2), "he");
    EXPECT_EQ(loop::calls().rcvd, r0 + 1);
    set_nbio(s, true);
    EXPECT_EQ(recv_str(s, 8), "llo");
    EXPECT_EQ(loop::calls().rcvd, r0 + 2);
    EXPECT_EQ(recv_str(s, 8), "<error " + std::to_string(EWOULDBLOCK) + ">");
    EXPECT_EQ(loop::calls().rcvd, r0 + 2) << "a failed receive";
    Fd a = loop_dgram(2), b = loop_dgram(3);
    const auto ba = loop::addr(3);
    ASSERT_EQ(nke_sendto(a, "x", 1, 0, loop::sa(ba), loop::kAddrLen), 1);
    EXPECT_EQ(recv_str(b, 4), "x");
    EXPECT_EQ(loop::calls().rcvd, r0 + 2) << "no PR_WANTRCVD on the datagram protocol";
}

NKE_TEST(ProtoUsrreq, RcvdGetsTheReceiveFlags, "PROTO-USRREQ-009") {
    ProbeDomain pd(probe::cfg(SOCK_DGRAM, 1, PR_WANTRCVD | PR_ATOMIC));
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    ASSERT_EQ(pd.sockets().size(), 1u);
    struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    m->m_len = m->m_pkthdr.len = 1;
    m->m_data[0] = 'z';
    sbappendrecord(so_getrcv(pd.sockets()[0]), m);
    char b[4];
    EXPECT_EQ(nke_recv(s, b, sizeof b, MSG_WAITALL), 1);
    EXPECT_EQ(pd.count(probe::rcvd), 1);
    EXPECT_EQ(pd.last(probe::rcvd).i, MSG_WAITALL);
}

NKE_TEST(ProtoUsrreq, AddressesReturnedByTheProtocolAreFreedByTheStack, "PROTO-USRREQ-010", "SOCK-ADDR-004") {
    ProbeDomain pd;
    pd.on(probe::sockaddr, [](probe::Args &a) {
        EXPECT_NE(a.pnam, nullptr);
        EXPECT_EQ(*a.pnam, nullptr) << "the stack passes a NULL address to fill";
        char raw[6] = {6, probe::kFamily, 'a', 'b', 'c', 'd'};
        *a.pnam = nke_sockaddr_dup(reinterpret_cast<const nke_sockaddr *>(raw));
        return 0;
    });
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    char out[32] = {};
    socklen_t len = sizeof out;
    ASSERT_EQ(nke_getsockname(s, reinterpret_cast<struct sockaddr *>(out), &len), 0);
    EXPECT_EQ(len, 6u);
    EXPECT_EQ(std::string(out + 2, 4), "abcd");
    // Leaving it NULL gives a zero-length address.
    pd.on(probe::sockaddr, [](probe::Args &) { return 0; });
    len = sizeof out;
    ASSERT_EQ(nke_getsockname(s, reinterpret_cast<struct sockaddr *>(out), &len), 0);
    EXPECT_EQ(len, 0u);
}

namespace {
std::atomic<int> g_never{0};
void never_init() {}
void never_input(struct mbuf *, int) { ++g_never; }
int never_output(struct mbuf *, struct socket *) { return ++g_never; }
void never_ctlinput(int, struct nke_sockaddr *, void *) { ++g_never; }
void never_timer() { ++g_never; }
int never_sysctl() { return ++g_never; }
int never_ext(struct mbuf *) { return ++g_never; }
void never_dispose(struct mbuf *) { ++g_never; }
int never_rt(void **, int) { return ++g_never; }
int never_sense(struct socket *, void *) { return ++g_never; }
int never_rcvoob(struct socket *, struct mbuf *, int) { return ++g_never; }
}  // namespace

NKE_TEST(ProtoUsrreq, UnusedEntriesAreNeverCalled, "PROTO-USRREQ-011") {
    loop::LoopDomain ld;
    // Give the loop family every entry the stack must never call, then use it.
    ld.dom().dom_externalize = never_ext;
    ld.dom().dom_dispose = never_dispose;
    ld.dom().dom_rtattach = never_rt;
    for (struct protosw *p : {&ld.stream(), &ld.dgram()}) {
        p->pr_input = never_input;
        p->pr_output = never_output;
        p->pr_ctlinput = never_ctlinput;
        p->pr_fasttimo = never_timer;
        p->pr_slowtimo = never_timer;
        p->pr_drain = never_timer;
        p->pr_sysctl = never_sysctl;
    }
    auto saved = ld.stream_usrreqs();
    ld.stream_usrreqs().pru_sense = never_sense;
    ld.stream_usrreqs().pru_rcvoob = never_rcvoob;
    (void)never_init;
    {
        Fd l = loop_listener(1);
        auto [c, s] = loop_pair(l, 1);
        ASSERT_EQ(send_str(c, "data"), 4);
        EXPECT_EQ(recv_str(s, 8), "data");
        EXPECT_SYS_ERRNO(nke_recv(s, nullptr, 0, MSG_OOB), EOPNOTSUPP);
        int n;
        EXPECT_EQ(nke_ioctl(s, FIONREAD, &n), 0);
        nke_shutdown(c, SHUT_RDWR);
        Fd d1 = loop_dgram(2), d2 = loop_dgram(3);
        const auto a3 = loop::addr(3);
        EXPECT_EQ(nke_sendto(d1, "x", 1, 0, loop::sa(a3), loop::kAddrLen), 1);
        EXPECT_EQ(recv_str(d2, 4), "x");
    }
    ld.stream_usrreqs() = saved;
    EXPECT_EQ(g_never.load(), 0);
}
