// spec/socket.md — the system-call layer: errors, descriptors.
#include "sock_helpers.hpp"

#include <csignal>
#include <vector>

using namespace nke::test;

NKE_TEST(SockSys, FailureIsMinusOneAndErrnoSuccessLeavesErrno, "SOCK-SYS-001") {
    loop::LoopDomain ld;
    errno = 12345;
    Fd s = loop_socket(SOCK_DGRAM);
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    EXPECT_EQ(errno, 12345) << "a successful call must not write errno";
    errno = 0;
    EXPECT_EQ(nke_listen(s, 1), -1);
    EXPECT_EQ(errno, EOPNOTSUPP);
}

namespace {
volatile std::sig_atomic_t g_sigpipe = 0;
void on_sigpipe(int) { g_sigpipe = 1; }
}  // namespace

NKE_TEST(SockSys, NoSigpipeOnASendAfterShutdown, "SOCK-SYS-001", "SOCK-SEND-003") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    auto old = std::signal(SIGPIPE, on_sigpipe);
    g_sigpipe = 0;
    ASSERT_EQ(nke_shutdown(c, SHUT_WR), 0);
    EXPECT_SYS_ERRNO(send_str(c, "x"), EPIPE);
    std::signal(SIGPIPE, old);
    EXPECT_EQ(g_sigpipe, 0) << "SIGPIPE was raised";
}

NKE_TEST(SockSys, UserCallsInsideACallbackAreEdeadlk, "SOCK-SYS-002") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    std::vector<std::pair<int, int>> seen;  // rc, errno
    pd.on(probe::control, [&](probe::Args &) {
        auto rec = [&](long rc) { seen.emplace_back(static_cast<int>(rc), errno); };
        errno = 0;
        rec(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        rec(nke_close(s));
        char b[1];
        rec(nke_recv(s, b, 1, MSG_DONTWAIT));
        rec(nke_send(s, b, 1, 0));
        int v = 1;
        rec(nke_setsockopt(s, SOL_SOCKET, SO_DONTTRUNC, &v, sizeof v));
        rec(nke_ioctl(s, FIONBIO, &v));
        int sv[2];
        rec(nke_socketpair(probe::kFamily, SOCK_DGRAM, 0, sv));
        rec(nke_shutdown(s, SHUT_RD));
        return 0;
    });
    const auto before = counters();
    int v = 0;
    ASSERT_EQ(nke_ioctl(s, 0x7703, &v), 0);
    ASSERT_EQ(seen.size(), 8u);
    for (auto [rc, e] : seen) {
        EXPECT_EQ(rc, -1);
        EXPECT_EQ(e, EDEADLK);
    }
    Fixture::expect_unchanged(before, "user calls from a callback");
    EXPECT_EQ(get_int_opt(s, SO_DONTTRUNC), 0);
    EXPECT_EQ(readable(s), 0) << "the socket is still open and usable";
}

NKE_TEST(SockSys, DescriptorsNotOpenAreEbadf, "SOCK-SYS-003") {
    loop::LoopDomain ld;
    int closed = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
    ASSERT_EQ(nke_close(closed), 0);
    const auto before = counters();
    char b[4];
    socklen_t len = sizeof b;
    int v = 0;
    for (int fd : {-1, 0, 1, 2, closed, NKE_OPEN_MAX, NKE_OPEN_MAX + 5, 1 << 20}) {
        EXPECT_SYS_ERRNO(nke_close(fd), EBADF);
        EXPECT_SYS_ERRNO(nke_bind(fd, reinterpret_cast<sockaddr *>(b), 4), EBADF);
        EXPECT_SYS_ERRNO(nke_listen(fd, 1), EBADF);
        EXPECT_SYS_ERRNO(nke_accept(fd, nullptr, nullptr), EBADF);
        EXPECT_SYS_ERRNO(nke_connect(fd, reinterpret_cast<sockaddr *>(b), 4), EBADF);
        EXPECT_SYS_ERRNO(nke_send(fd, b, 1, 0), EBADF);
        EXPECT_SYS_ERRNO(nke_sendto(fd, b, 1, 0, nullptr, 0), EBADF);
        EXPECT_SYS_ERRNO(nke_sendmsg(fd, nullptr, 0), EBADF);
        EXPECT_SYS_ERRNO(nke_recv(fd, b, 1, 0), EBADF);
        EXPECT_SYS_ERRNO(nke_recvfrom(fd, b, 1, 0, nullptr, nullptr), EBADF);
        EXPECT_SYS_ERRNO(nke_recvmsg(fd, nullptr, 0), EBADF);
        EXPECT_SYS_ERRNO(nke_setsockopt(fd, SOL_SOCKET, SO_DONTTRUNC, &v, sizeof v), EBADF);
        EXPECT_SYS_ERRNO(nke_getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), EBADF);
        EXPECT_SYS_ERRNO(nke_ioctl(fd, FIONREAD, &v), EBADF);
        EXPECT_SYS_ERRNO(nke_shutdown(fd, SHUT_RD), EBADF);
        EXPECT_SYS_ERRNO(nke_getsockname(fd, reinterpret_cast<sockaddr *>(b), &len), EBADF);
        EXPECT_SYS_ERRNO(nke_getpeername(fd, reinterpret_cast<sockaddr *>(b), &len), EBADF);
    }
    Fixture::expect_unchanged(before, "calls on bad descriptors");
}

NKE_TEST(SockSysFd, FirstDescriptorIsThreeOrMore, "SOCK-SYS-FD-001") {
    loop::LoopDomain ld;
    Fd s = loop_socket(SOCK_DGRAM);
    EXPECT_GE(s.get(), NKE_FD_FIRST);
    EXPECT_LT(s.get(), NKE_OPEN_MAX);
    EXPECT_TRUE(s.get()) << "the seed's Listing 1-2 tests `if (fd)`";
}

NKE_TEST(SockSysFd, LowestFreeDescriptorIsReused, "SOCK-SYS-FD-002") {
    loop::LoopDomain ld;
    Fd a = loop_socket(SOCK_DGRAM), b = loop_socket(SOCK_DGRAM), c = loop_socket(SOCK_DGRAM);
    EXPECT_LT(a.get(), b.get());
    EXPECT_LT(b.get(), c.get());
    const int hole = a.get();
    a.reset();
    Fd d = loop_socket(SOCK_DGRAM);
    EXPECT_EQ(d.get(), hole);
    const int bfd = b.get();
    b.reset();
    int sv[2];
    ASSERT_EQ(nke_socketpair(loop::kFamily, SOCK_STREAM, 0, sv), 0);
    Fd p0(sv[0]), p1(sv[1]);
    EXPECT_EQ(p0.get(), bfd) << "the freed descriptor is taken first";
    EXPECT_GT(p1.get(), c.get());
}

NKE_TEST(SockSysFd, FullTableIsEmfileAndCreatesNothing, "SOCK-SYS-FD-003") {
    loop::LoopDomain ld;
    sf::ProbeFilter f(0x656d6631, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&ld.dgram()), 0);
    std::vector<Fd> all;
    for (;;) {
        const int fd = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
        if (fd < 0) {
            EXPECT_EQ(errno, EMFILE);
            break;
        }
        all.emplace_back(fd);
        ASSERT_LE(all.size(), static_cast<size_t>(NKE_OPEN_MAX)) << "no limit";
    }
    EXPECT_EQ(all.size(), static_cast<size_t>(NKE_OPEN_MAX - NKE_FD_FIRST));
    const int creates = f.count(sf::socreate), attaches = loop::calls().attach;
    const int refs_before = ld.dom().dom_refs;
    EXPECT_SYS_ERRNO(nke_socket(loop::kFamily, SOCK_DGRAM, 0), EMFILE);
    all.pop_back();
    int sv[2];
    EXPECT_SYS_ERRNO(nke_socketpair(loop::kFamily, SOCK_DGRAM, 0, sv), EMFILE);
    EXPECT_EQ(f.count(sf::socreate), creates);
    EXPECT_EQ(loop::calls().attach, attaches);
    EXPECT_EQ(ld.dom().dom_refs, refs_before - 1);
    all.clear();
    EXPECT_EQ(f.unreg(), 0);
}
