// spec/socket.md — connecting.
#include "sock_helpers.hpp"

#include <atomic>

using namespace nke::test;

namespace {
const char kAddr[16] = {16, probe::kFamily, 'x'};
const struct sockaddr *probe_sa() { return reinterpret_cast<const struct sockaddr *>(kAddr); }
}  // namespace

NKE_TEST(SockConnect, CallsPruConnectAndReturnsItsResult, "SOCK-CONNECT-001") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    pd.ret(probe::connect, ENETUNREACH);
    EXPECT_SYS_ERRNO(nke_connect(s, probe_sa(), 16), ENETUNREACH);
    EXPECT_EQ(pd.count(probe::connect), 1);
    EXPECT_EQ(pd.last(probe::connect).p, current_proc());
    pd.ret(probe::connect, 0);
    EXPECT_EQ(nke_connect(s, probe_sa(), 16), 0);
}

NKE_TEST(SockConnect, ListeningSocketIsEopnotsupp, "SOCK-CONNECT-002") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    const auto a = loop::addr(1);
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_connect(l, loop::sa(a), loop::kAddrLen), EOPNOTSUPP);
    EXPECT_EQ(loop::calls().connect, 0);
    Fixture::expect_unchanged(before, "connect on a listener");
}

NKE_TEST(SockConnect, ConnectedOrConnectingIsEisconn, "SOCK-CONNECT-003") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    const auto a = loop::addr(1);
    const int connects = loop::calls().connect;
    EXPECT_SYS_ERRNO(nke_connect(c, loop::sa(a), loop::kAddrLen), EISCONN);
    EXPECT_SYS_ERRNO(nke_connect(s, loop::sa(a), loop::kAddrLen), EISCONN);
    loop::set_connect_mode(loop::ConnectMode::deferred);
    Fd d = loop_socket(SOCK_STREAM);
    set_nbio(d, true);
    EXPECT_SYS_ERRNO(nke_connect(d, loop::sa(a), loop::kAddrLen), EINPROGRESS);
    set_nbio(d, false);
    EXPECT_SYS_ERRNO(nke_connect(d, loop::sa(a), loop::kAddrLen), EISCONN);  // blocking, still connecting
    EXPECT_EQ(loop::calls().connect, connects + 1);
}

NKE_TEST(SockConnect, DatagramReconnectDisconnectsFirst, "SOCK-CONNECT-004") {
    probe::ProbeDomain pd;  // SOCK_DGRAM, no PR_CONNREQUIRED
    pd.on(probe::connect, [](probe::Args &a) {
        soisconnected(a.so);
        return 0;
    });
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    ASSERT_EQ(nke_connect(s, probe_sa(), 16), 0);
    ASSERT_EQ(nke_connect(s, probe_sa(), 16), 0);
    EXPECT_EQ(pd.calls(), (std::vector<std::string>{"attach", "connect", "disconnect", "connect"}));
    pd.ret(probe::disconnect, EBUSY);
    EXPECT_SYS_ERRNO(nke_connect(s, probe_sa(), 16), EISCONN);
    EXPECT_EQ(pd.count(probe::connect), 2) << "no connect after a failed disconnect";
}

NKE_TEST(SockConnect, ReconnectWithoutDisconnectIsEisconn, "SOCK-CONNECT-004") {
    probe::Config cfg;
    cfg.absent = {probe::disconnect};
    probe::ProbeDomain pd(cfg);
    pd.on(probe::connect, [](probe::Args &a) {
        soisconnected(a.so);
        return 0;
    });
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    ASSERT_EQ(nke_connect(s, probe_sa(), 16), 0);
    EXPECT_SYS_ERRNO(nke_connect(s, probe_sa(), 16), EISCONN);
    EXPECT_EQ(pd.count(probe::connect), 1);
}

NKE_TEST(SockConnect, BlockingConnectWaitsForTheProtocol, "SOCK-CONNECT-005", "SOCK-STATE-002") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    loop::set_connect_mode(loop::ConnectMode::deferred);
    Fd c = loop_socket(SOCK_STREAM);
    std::atomic<int> rc{1};
    std::thread t([&] {
        const auto a = loop::addr(1);
        rc = nke_connect(c, loop::sa(a), loop::kAddrLen);
    });
    // Complete it from "the protocol's thread" once it is pending.
    while (loop::pending_connects() == 0 && rc.load() == 1) std::this_thread::yield();
    EXPECT_TRUE(loop::complete_pending(0));
    t.join();
    EXPECT_EQ(rc.load(), 0);
    Fd s(nke_accept(l, nullptr, nullptr));
    ASSERT_EQ(send_str(c, "ok"), 2);
    EXPECT_EQ(recv_str(s, 4), "ok");
}

NKE_TEST(SockConnect, BlockingConnectFailsWithThePendingError, "SOCK-CONNECT-005") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    loop::set_connect_mode(loop::ConnectMode::deferred);
    Fd c = loop_socket(SOCK_STREAM);
    std::atomic<int> rc{1}, err{0};
    std::thread t([&] {
        const auto a = loop::addr(1);
        rc = nke_connect(c, loop::sa(a), loop::kAddrLen);
        err = errno;
    });
    while (loop::pending_connects() == 0 && rc.load() == 1) std::this_thread::yield();
    EXPECT_TRUE(loop::complete_pending(ETIMEDOUT));
    t.join();
    EXPECT_EQ(rc.load(), -1);
    EXPECT_EQ(err.load(), ETIMEDOUT);
    EXPECT_EQ(get_int_opt(c, SO_ERROR), 0) << "connect cleared the error";
}

NKE_TEST(SockConnect, NonBlockingInProgressThenAlready, "SOCK-CONNECT-006") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    loop::set_connect_mode(loop::ConnectMode::deferred);
    Fd c = loop_socket(SOCK_STREAM);
    ASSERT_EQ(set_nbio(c, true), 0);
    const auto a = loop::addr(1);
    EXPECT_SYS_ERRNO(nke_connect(c, loop::sa(a), loop::kAddrLen), EINPROGRESS);
    EXPECT_NE(get_int_opt(c, SO_TYPE), 0);
    const int connects = loop::calls().connect;
    EXPECT_SYS_ERRNO(nke_connect(c, loop::sa(a), loop::kAddrLen), EALREADY);
    EXPECT_EQ(loop::calls().connect, connects);
    EXPECT_TRUE(loop::complete_pending(0));
    EXPECT_SYS_ERRNO(nke_connect(c, loop::sa(a), loop::kAddrLen), EISCONN);
}
