// spec/socket.md — socket options, ioctl and names.
#include "sock_helpers.hpp"

#include <cstring>

using namespace nke::test;

NKE_TEST(SockOpt, NullPointersAreEfault, "SOCK-OPT-001") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_setsockopt(s, SOL_SOCKET, SO_DONTTRUNC, nullptr, 4), EFAULT);
    EXPECT_SYS_ERRNO(nke_setsockopt(s, 7, 1, nullptr, 4), EFAULT);
    int v;
    EXPECT_SYS_ERRNO(nke_getsockopt(s, SOL_SOCKET, SO_TYPE, &v, nullptr), EFAULT);
    EXPECT_EQ(pd.count(probe::ctloutput), 0);
    Fixture::expect_unchanged(before, "option calls with NULL pointers");
}

NKE_TEST(SockOpt, HugeLengthsAreEinval, "SOCK-OPT-002") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    static char big[(1 << 20) + 1];
    EXPECT_SYS_ERRNO(nke_setsockopt(s, 7, 1, big, sizeof big), EINVAL);
    socklen_t len = sizeof big;
    EXPECT_SYS_ERRNO(nke_getsockopt(s, 7, 1, big, &len), EINVAL);
    EXPECT_EQ(pd.count(probe::ctloutput), 0);
    EXPECT_EQ(nke_setsockopt(s, 7, 1, big, 1 << 20), 0) << "1 MiB itself is accepted";
}

NKE_TEST(SockOpt, OtherLevelsGoToCtloutput, "SOCK-OPT-003") {
    loop::LoopDomain ld;
    Fd s = loop_socket(SOCK_DGRAM);
    int v = 42;
    ASSERT_EQ(nke_setsockopt(s, loop::kLevel, loop::kOptValue, &v, sizeof v), 0);
    int out = 0;
    socklen_t len = sizeof out;
    ASSERT_EQ(nke_getsockopt(s, loop::kLevel, loop::kOptValue, &out, &len), 0);
    EXPECT_EQ(out, 42);
    EXPECT_SYS_ERRNO(nke_setsockopt(s, loop::kLevel, 99, &v, sizeof v), ENOPROTOOPT);  // its answer
    const int ctl = loop::calls().ctloutput;
    ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_DONTTRUNC, &v, sizeof v), 0);
    len = sizeof out;
    ASSERT_EQ(nke_getsockopt(s, SOL_SOCKET, SO_TYPE, &out, &len), 0);
    EXPECT_EQ(loop::calls().ctloutput, ctl) << "SOL_SOCKET never reaches pr_ctloutput";
}

NKE_TEST(SockOpt, NoCtloutputIsEnoprotoopt, "SOCK-OPT-003") {
    probe::Config cfg;
    cfg.absent = {probe::ctloutput};
    probe::ProbeDomain pd(cfg);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    int v = 1;
    EXPECT_SYS_ERRNO(nke_setsockopt(s, 7, 1, &v, sizeof v), ENOPROTOOPT);
    socklen_t len = sizeof v;
    EXPECT_SYS_ERRNO(nke_getsockopt(s, 7, 1, &v, &len), ENOPROTOOPT);
}

NKE_TEST(SockOpt, TheSockoptHandedToTheProtocol, "SOCK-OPT-004") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    struct sockopt seen{};
    std::string val;
    bool zeroed = false;
    pd.on(probe::ctloutput, [&](probe::Args &a) {
        seen = *a.sopt;
        if (a.sopt->sopt_val) {
            val.assign(static_cast<const char *>(a.sopt->sopt_val), a.sopt->sopt_valsize);
            zeroed = val.find_first_not_of('\0') == std::string::npos;
        }
        return 0;
    });
    const char in[5] = {'h', 'e', 'l', 'l', 'o'};
    ASSERT_EQ(nke_setsockopt(s, 7, 9, in, 5), 0);
    EXPECT_EQ(seen.sopt_dir, SOPT_SET);
    EXPECT_EQ(seen.sopt_level, 7);
    EXPECT_EQ(seen.sopt_name, 9);
    EXPECT_EQ(seen.sopt_valsize, 5u);
    EXPECT_NE(seen.sopt_val, static_cast<const void *>(in)) << "a stack-owned copy";
    EXPECT_EQ(val, "hello");
    EXPECT_EQ(seen.sopt_p, current_proc());
    ASSERT_EQ(nke_setsockopt(s, 7, 9, in, 0), 0);
    EXPECT_EQ(seen.sopt_val, nullptr);
    EXPECT_EQ(seen.sopt_valsize, 0u);
    char out[12];
    std::memset(out, 'z', sizeof out);
    socklen_t len = sizeof out;
    ASSERT_EQ(nke_getsockopt(s, 8, 3, out, &len), 0);
    EXPECT_EQ(seen.sopt_dir, SOPT_GET);
    EXPECT_EQ(seen.sopt_level, 8);
    EXPECT_EQ(seen.sopt_valsize, 12u);
    EXPECT_NE(seen.sopt_val, static_cast<void *>(out));
    EXPECT_TRUE(zeroed) << "the GET buffer starts zeroed";
    len = 12;
    ASSERT_EQ(nke_getsockopt(s, 8, 3, nullptr, &len), 0);
    EXPECT_EQ(seen.sopt_val, nullptr);
    EXPECT_EQ(seen.sopt_valsize, 0u);
}

NKE_TEST(SockOpt, GetCopiesWhatTheHandlerLeft, "SOCK-OPT-005") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    pd.on(probe::ctloutput, [&](probe::Args &a) { return sooptcopyout(a.sopt, "abcdef", 6); });
    char out[8];
    std::memset(out, 'z', sizeof out);
    socklen_t len = 4;
    ASSERT_EQ(nke_getsockopt(s, 7, 1, out, &len), 0);
    EXPECT_EQ(len, 4u);
    EXPECT_EQ(std::string(out, 8), "abcdzzzz");
    len = 8;
    ASSERT_EQ(nke_getsockopt(s, 7, 1, out, &len), 0);
    EXPECT_EQ(len, 6u);
    EXPECT_EQ(std::string(out, 8), "abcdefzz");
    pd.on(probe::ctloutput, [&](probe::Args &a) {
        (void)sooptcopyout(a.sopt, "XY", 2);
        return EPERM;
    });
    std::memset(out, 'z', sizeof out);
    len = 8;
    EXPECT_SYS_ERRNO(nke_getsockopt(s, 7, 1, out, &len), EPERM);
    EXPECT_EQ(len, 8u) << "not written on failure";
    EXPECT_EQ(std::string(out, 8), "zzzzzzzz");
}

NKE_TEST(SockOpt, Donttrunc, "SOCK-OPT-006") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    struct socket *so = pd.sockets().at(0);
    EXPECT_EQ(get_int_opt(s, SO_DONTTRUNC), 0);
    int v = 7;
    ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_DONTTRUNC, &v, sizeof v), 0);
    EXPECT_EQ(get_int_opt(s, SO_DONTTRUNC), 1);
    EXPECT_EQ(so_getoptions(so), SOF_DONTTRUNC);
    v = 0;
    ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_DONTTRUNC, &v, sizeof v), 0);
    EXPECT_EQ(get_int_opt(s, SO_DONTTRUNC), 0);
    EXPECT_EQ(so_getoptions(so), 0);
}

NKE_TEST(SockOpt, BufferSizes, "SOCK-OPT-007") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    struct socket *so = pd.sockets().at(0);
    EXPECT_EQ(get_int_opt(s, SO_SNDBUF), 8192);
    EXPECT_EQ(get_int_opt(s, SO_RCVBUF), 8192);
    int v = 233016;
    ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v), 0);
    EXPECT_EQ(sb_gethiwat(so_getsnd(so)), 233016u);
    v = 1;
    ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v), 0);
    EXPECT_EQ(get_int_opt(s, SO_RCVBUF), 1);
    v = 233017;
    EXPECT_SYS_ERRNO(nke_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v), ENOBUFS);
    v = 0;
    EXPECT_SYS_ERRNO(nke_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v), EINVAL);
    v = -5;
    EXPECT_SYS_ERRNO(nke_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v), EINVAL);
    EXPECT_EQ(get_int_opt(s, SO_RCVBUF), 1);
    EXPECT_EQ(get_int_opt(s, SO_SNDBUF), 233016);
}

NKE_TEST(SockOpt, TypeErrorAcceptconn, "SOCK-OPT-008") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd s(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    struct socket *so = pd.sockets().at(0);
    EXPECT_EQ(get_int_opt(s, SO_TYPE), SOCK_STREAM);
    EXPECT_EQ(get_int_opt(s, SO_ACCEPTCONN), 0);
    EXPECT_EQ(get_int_opt(s, SO_ERROR), 0);
    so_seterror(so, ECONNREFUSED);
    EXPECT_EQ(get_int_opt(s, SO_ERROR), ECONNREFUSED);
    EXPECT_EQ(get_int_opt(s, SO_ERROR), 0) << "reading clears it";
    EXPECT_EQ(so_geterror(so), 0);
    ASSERT_EQ(nke_listen(s, 1), 0);
    EXPECT_EQ(get_int_opt(s, SO_ACCEPTCONN), 1);
}

NKE_TEST(SockOpt, UnknownAndReadOnlyAreEnoprotoopt, "SOCK-OPT-009", "SF-SONKE-010") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    const auto before = counters();
    int v = 1;
    for (int name : {SO_TYPE, SO_ERROR, SO_ACCEPTCONN, SO_DEBUG, SO_REUSEADDR, 0x7fff}) {
        EXPECT_SYS_ERRNO(nke_setsockopt(s, SOL_SOCKET, name, &v, sizeof v), ENOPROTOOPT);
    }
    socklen_t len = sizeof v;
    EXPECT_SYS_ERRNO(nke_getsockopt(s, SOL_SOCKET, SO_NKE, &v, &len), ENOPROTOOPT);
    EXPECT_SYS_ERRNO(nke_getsockopt(s, SOL_SOCKET, 0x7fff, &v, &len), ENOPROTOOPT);
    EXPECT_EQ(pd.count(probe::ctloutput), 0);
    Fixture::expect_unchanged(before, "unknown options");
}

NKE_TEST(SockOpt, ShortIntOptionIsEinval, "SOCK-OPT-010") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    const int v = 4096;
    for (int name : {SO_DONTTRUNC, SO_SNDBUF, SO_RCVBUF}) {
        EXPECT_SYS_ERRNO(nke_setsockopt(s, SOL_SOCKET, name, &v, 3), EINVAL);
        EXPECT_SYS_ERRNO(nke_setsockopt(s, SOL_SOCKET, name, nullptr, 0), EINVAL);
    }
    EXPECT_EQ(get_int_opt(s, SO_SNDBUF), 8192);
}

NKE_TEST(SockOpt, CopyinAndCopyout, "SOCK-OPT-011") {
    char storage[8] = {'1', '2', '3', '4', '5', '6', '7', '8'};
    struct sockopt so{SOPT_SET, 0, 0, 0, storage, 6, nullptr};
    char buf[8] = {};
    EXPECT_EQ(sooptcopyin(&so, buf, 4, 4), 0);
    EXPECT_EQ(std::string(buf, 4), "1234");
    EXPECT_EQ(sooptcopyin(&so, buf, 8, 0), 0);
    EXPECT_EQ(std::string(buf, 6), "123456") << "min(len, valsize)";
    EXPECT_EQ(sooptcopyin(&so, buf, 8, 7), EINVAL);
    EXPECT_EQ(sooptcopyin(nullptr, buf, 4, 0), EINVAL);
    EXPECT_EQ(sooptcopyin(&so, nullptr, 4, 0), EINVAL);
    struct sockopt g{SOPT_GET, 0, 0, 0, storage, 5, nullptr};
    EXPECT_EQ(sooptcopyout(&g, "abcdefgh", 8), 0);
    EXPECT_EQ(g.sopt_valsize, 5u);
    EXPECT_EQ(std::string(storage, 8), "abcde678");
    struct sockopt q{SOPT_GET, 0, 0, 0, nullptr, 0, nullptr};
    EXPECT_EQ(sooptcopyout(&q, "abc", 3), 0);
    EXPECT_EQ(q.sopt_valsize, 0u);
    EXPECT_EQ(sooptcopyout(nullptr, "a", 1), EINVAL);
    EXPECT_EQ(sooptcopyout(&g, nullptr, 1), EINVAL);
}

NKE_TEST(SockIoctl, FionbioAndFionread, "SOCK-IOCTL-001") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(1), b = loop_dgram(2);
    const auto to = loop::addr(2);
    ASSERT_EQ(nke_sendto(a, "12345", 5, 0, loop::sa(to), loop::kAddrLen), 5);
    ASSERT_EQ(nke_sendto(a, "678", 3, 0, loop::sa(to), loop::kAddrLen), 3);
    EXPECT_EQ(readable(b), 8) << "data bytes only, addresses excluded";
    int on = 5;
    ASSERT_EQ(nke_ioctl(b, FIONBIO, &on), 0);
    EXPECT_EQ(recv_str(b, 8), "12345");
    EXPECT_EQ(recv_str(b, 8), "678");
    EXPECT_EQ(recv_str(b, 8), "<error " + std::to_string(EWOULDBLOCK) + ">");
    int off = 0;
    ASSERT_EQ(nke_ioctl(b, FIONBIO, &off), 0);
    EXPECT_SYS_ERRNO(nke_ioctl(b, FIONBIO, nullptr), EFAULT);
    EXPECT_SYS_ERRNO(nke_ioctl(b, FIONREAD, nullptr), EFAULT);
    EXPECT_EQ(loop::calls().control, 0) << "FIONBIO/FIONREAD are the socket layer's";
}

NKE_TEST(SockIoctl, OthersGoToPruControl, "SOCK-IOCTL-002") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(17);
    int port = 0;
    ASSERT_EQ(nke_ioctl(a, loop::kIocGetPort, &port), 0);
    EXPECT_EQ(port, 17);
    EXPECT_SYS_ERRNO(nke_ioctl(a, 0x12345678, &port), EOPNOTSUPP);  // the protocol's answer
    EXPECT_EQ(loop::calls().control, 2);
    probe::ProbeDomain *none = nullptr;
    (void)none;
}

NKE_TEST(SockIoctl, NoPruControlIsEopnotsupp, "SOCK-IOCTL-002") {
    probe::Config cfg;
    cfg.absent = {probe::control};
    probe::ProbeDomain pd(cfg);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    int v = 0;
    EXPECT_SYS_ERRNO(nke_ioctl(s, 0x4004667d, &v), EOPNOTSUPP);
}

NKE_TEST(SockName, SockaddrAndPeeraddr, "SOCK-NAME-001") {
    loop::LoopDomain ld;
    Fd l = loop_listener(6);
    Fd c = loop_socket(SOCK_STREAM);
    const auto me = loop::addr(60), a = loop::addr(6);
    ASSERT_EQ(nke_bind(c, loop::sa(me), loop::kAddrLen), 0);
    loop::loop_sockaddr out{};
    socklen_t len = sizeof out;
    EXPECT_SYS_ERRNO(nke_getpeername(c, reinterpret_cast<sockaddr *>(&out), &len), ENOTCONN);
    EXPECT_EQ(loop::calls().peeraddr, 0);
    ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
    ASSERT_EQ(nke_getsockname(c, reinterpret_cast<sockaddr *>(&out), &len), 0);
    EXPECT_EQ(out.sl_port, 60);
    len = sizeof out;
    ASSERT_EQ(nke_getpeername(c, reinterpret_cast<sockaddr *>(&out), &len), 0);
    EXPECT_EQ(out.sl_port, 6);
    EXPECT_EQ(loop::calls().sockaddr, 1);
    EXPECT_EQ(loop::calls().peeraddr, 1);
}

NKE_TEST(SockName, NullPointersAreEfault, "SOCK-NAME-002") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(1);
    loop::loop_sockaddr out{};
    socklen_t len = sizeof out;
    EXPECT_SYS_ERRNO(nke_getsockname(a, reinterpret_cast<sockaddr *>(&out), nullptr), EFAULT);
    EXPECT_SYS_ERRNO(nke_getsockname(a, nullptr, &len), EFAULT);
    EXPECT_SYS_ERRNO(nke_getpeername(a, nullptr, &len), EFAULT);
    EXPECT_EQ(loop::calls().sockaddr, 0);
    len = 0;
    EXPECT_EQ(nke_getsockname(a, nullptr, &len), 0) << "a NULL name with length 0 is fine";
}
