// spec/socket.md — sending.
#include "sock_helpers.hpp"

#include <atomic>
#include <climits>

using namespace nke::test;

namespace {
const char kAddr[16] = {16, probe::kFamily, 'd', 'e', 's', 't'};
const struct sockaddr *probe_sa() { return reinterpret_cast<const struct sockaddr *>(kAddr); }
}  // namespace

NKE_TEST(SockSend, SendIsSendtoWithoutAddressAndReturnsTheCount, "SOCK-SEND-001", "SOCK-SEND-012") {
    probe::ProbeDomain pd;
    pd.on(probe::connect, [](probe::Args &a) {
        soisconnected(a.so);
        return 0;
    });
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    ASSERT_EQ(nke_connect(s, probe_sa(), 16), 0);
    EXPECT_EQ(send_str(s, "hello"), 5);
    EXPECT_EQ(nke_sendto(s, "abc", 3, 0, probe_sa(), 16), 3);
    const auto sent = pd.sent();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].data, "hello");
    EXPECT_TRUE(sent[0].addr.empty()) << "no address: NULL";
    EXPECT_EQ(sent[1].addr, std::string(kAddr, 16));
    EXPECT_EQ(sent[1].flags, 0);
}

NKE_TEST(SockSend, NoPruSendIsEopnotsuppFirst, "SOCK-SEND-002") {
    probe::Config cfg;
    cfg.absent = {probe::send};
    cfg.flags = PR_CONNREQUIRED;
    probe::ProbeDomain pd(cfg);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    const auto before = counters();
    // Not connected and no address, yet the answer is EOPNOTSUPP.
    EXPECT_SYS_ERRNO(send_str(s, "x"), EOPNOTSUPP);
    ASSERT_EQ(nke_shutdown(s, SHUT_RD), 0);
    Fixture::expect_unchanged(before, "a send without pru_send");
}

NKE_TEST(SockSend, StateChecksInOrder, "SOCK-SEND-003") {
    probe::ProbeDomain pd(probe::cfg(SOCK_STREAM, 1, PR_CONNREQUIRED));
    Fd s(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    struct socket *so = pd.sockets().at(0);
    EXPECT_SYS_ERRNO(send_str(s, "x"), ENOTCONN);
    so_seterror(so, ECONNRESET);
    EXPECT_SYS_ERRNO(send_str(s, "x"), ECONNRESET);  // "the pending error comes before ENOTCONN"
    EXPECT_SYS_ERRNO(send_str(s, "x"), ENOTCONN);  // "and is cleared"
    so_seterror(so, ECONNRESET);
    socantsendmore(so);
    EXPECT_SYS_ERRNO(send_str(s, "x"), EPIPE);  // "EPIPE comes first"
    EXPECT_EQ(so_geterror(so), ECONNRESET);
    EXPECT_EQ(pd.count(probe::send), 0);
    probe::ProbeDomain *none = nullptr;
    (void)none;
}

NKE_TEST(SockSend, UnconnectedWithoutAddressIsEdestaddrreq, "SOCK-SEND-003") {
    probe::ProbeDomain pd;  // no PR_CONNREQUIRED
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    EXPECT_SYS_ERRNO(send_str(s, "x"), EDESTADDRREQ);
    EXPECT_EQ(nke_sendto(s, "x", 1, 0, probe_sa(), 16), 1);
}

NKE_TEST(SockSend, AtomicMessageLargerThanTheBufferIsEmsgsize, "SOCK-SEND-004") {
    probe::Config cfg = probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC);
    cfg.snd = 100;
    probe::ProbeDomain pd(cfg);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    std::string msg(101, 'm');
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_sendto(s, msg.data(), msg.size(), 0, probe_sa(), 16), EMSGSIZE);
    // Data and control together count.
    char ctl[sizeof(struct cmsghdr) + 4] = {};
    struct iovec v{msg.data(), 100 - sizeof ctl + 1};
    struct msghdr mh{};
    mh.msg_name = const_cast<char *>(kAddr);
    mh.msg_namelen = 16;
    mh.msg_iov = &v;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl;
    mh.msg_controllen = sizeof ctl;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &mh, 0), EMSGSIZE);
    EXPECT_EQ(pd.count(probe::send), 0);
    Fixture::expect_unchanged(before, "an oversized atomic message");
    EXPECT_EQ(nke_sendto(s, msg.data(), 100, 0, probe_sa(), 16), 100) << "exactly the limit fits";
}

NKE_TEST(SockSend, AtomicMessageIsOnePacketHeaderChain, "SOCK-SEND-005") {
    probe::Config cfg = probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC);
    cfg.snd = 20000;
    probe::ProbeDomain pd(cfg);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    std::string big(9000, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    ASSERT_EQ(nke_sendto(s, big.data(), big.size(), 0, probe_sa(), 16), 9000);
    ASSERT_EQ(nke_sendto(s, "", 0, 0, probe_sa(), 16), 0);
    const auto sent = pd.sent();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_TRUE(sent[0].pkthdr);
    EXPECT_EQ(sent[0].pkthdr_len, 9000);
    EXPECT_EQ(sent[0].nchains, 1);
    EXPECT_EQ(sent[0].data, big);
    EXPECT_TRUE(sent[1].pkthdr) << "a zero-length message is one empty chain";
    EXPECT_EQ(sent[1].pkthdr_len, 0);
    EXPECT_EQ(sent[1].data, "");
}

NKE_TEST(SockSend, StreamChunksFitTheSpace, "SOCK-SEND-006") {
    probe::Config cfg = probe::cfg(SOCK_STREAM, 1, 0);
    cfg.snd = 1000;
    probe::ProbeDomain pd(cfg);
    Fd s(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    std::string data(2500, 'q');
    EXPECT_EQ(nke_sendto(s, data.data(), data.size(), 0, probe_sa(), 16), 2500);
    std::string joined;
    for (const auto &p : pd.sent()) {
        EXPECT_LE(p.data.size(), 1000u);
        joined += p.data;
    }
    EXPECT_EQ(joined, data);
    const size_t n = pd.sent().size();
    EXPECT_EQ(nke_sendto(s, "", 0, 0, probe_sa(), 16), 0);
    EXPECT_EQ(pd.sent().size(), n) << "an empty stream send does not reach the protocol";
}

NKE_TEST(SockSend, BlocksForSpaceOrWouldBlock, "SOCK-SEND-007", "SOCK-STATE-006") {
    probe::Config cfg = probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC);
    cfg.snd = 1000;
    probe::ProbeDomain pd(cfg);
    pd.set_send_mode(probe::SendMode::keep_in_snd);
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    struct socket *so = pd.sockets().at(0);
    std::string m(600, 'x');
    ASSERT_EQ(nke_sendto(s, m.data(), m.size(), 0, probe_sa(), 16), 600);
    EXPECT_SYS_ERRNO(nke_sendto(s, m.data(), m.size(), MSG_DONTWAIT, probe_sa(), 16), EWOULDBLOCK);
    ASSERT_EQ(set_nbio(s, true), 0);
    EXPECT_SYS_ERRNO(nke_sendto(s, m.data(), m.size(), 0, probe_sa(), 16), EWOULDBLOCK);
    ASSERT_EQ(set_nbio(s, false), 0);
    std::atomic<long> rc{0};
    std::thread t([&] { rc = nke_sendto(s, m.data(), m.size(), 0, probe_sa(), 16); });
    // The protocol frees space, from its own thread.
    sbdrop(so_getsnd(so), 600);
    sowwakeup(so);
    t.join();
    EXPECT_EQ(rc.load(), 600);
    EXPECT_EQ(pd.sent().size(), 2u);
}

NKE_TEST(SockSend, NonBlockingStreamReturnsThePartialCount, "SOCK-SEND-007") {
    probe::Config cfg = probe::cfg(SOCK_STREAM, 1, 0);
    cfg.snd = 1000;
    probe::ProbeDomain pd(cfg);
    pd.set_send_mode(probe::SendMode::keep_in_snd);
    Fd s(nke_socket(probe::kFamily, SOCK_STREAM, 0));
    std::string data(1500, 'p');
    EXPECT_EQ(nke_sendto(s, data.data(), data.size(), MSG_DONTWAIT, probe_sa(), 16), 1000);
    EXPECT_SYS_ERRNO(nke_sendto(s, data.data(), data.size(), MSG_DONTWAIT, probe_sa(), 16), EWOULDBLOCK);
}

NKE_TEST(SockSend, ProtocolErrorIsReturned, "SOCK-SEND-008") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1);
    auto [c, s] = loop_pair(l, 1);
    const auto before = counters();
    loop::fail_send(ENOBUFS);
    EXPECT_SYS_ERRNO(send_str(c, "lost"), ENOBUFS);
    EXPECT_EQ(readable(s), 0);
    Fixture::expect_unchanged(before, "a send the protocol refused");
}

NKE_TEST(SockSend, OobIsEopnotsupp, "SOCK-SEND-009") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_sendto(s, "x", 1, MSG_OOB, probe_sa(), 16), EOPNOTSUPP);
    EXPECT_EQ(pd.count(probe::send), 0);
    Fixture::expect_unchanged(before, "MSG_OOB");
}

NKE_TEST(SockSend, ArgumentChecks, "SOCK-SEND-010") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_send(s, nullptr, 1, 0), EFAULT);
    EXPECT_SYS_ERRNO(nke_sendto(s, nullptr, 4, 0, probe_sa(), 16), EFAULT);
    EXPECT_SYS_ERRNO(nke_sendmsg(s, nullptr, 0), EFAULT);
    struct iovec v[2] = {{const_cast<char *>("ab"), 2}, {nullptr, 3}};
    struct msghdr mh{};
    mh.msg_name = const_cast<char *>(kAddr);
    mh.msg_namelen = 16;
    mh.msg_iov = v;
    mh.msg_iovlen = 2;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &mh, 0), EFAULT);
    mh.msg_iovlen = 1025;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &mh, 0), EMSGSIZE);
    struct iovec huge[2] = {{const_cast<char *>("ab"), static_cast<size_t>(SSIZE_MAX)},
                            {const_cast<char *>("cd"), 2}};
    mh.msg_iov = huge;
    mh.msg_iovlen = 2;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &mh, 0), EINVAL);
    EXPECT_EQ(pd.count(probe::send), 0);
    Fixture::expect_unchanged(before, "bad send arguments");
    EXPECT_EQ(nke_send(s, nullptr, 0, MSG_DONTWAIT), -1) << "len 0 with NULL is no EFAULT";
    EXPECT_EQ(errno, EDESTADDRREQ);
}

NKE_TEST(SockSend, SendmsgGathersInOrderAndKeepsTheCallersVector, "SOCK-SEND-010") {
    probe::ProbeDomain pd(probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC));
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    char a[] = "one", b[] = "two", c[] = "three";
    struct iovec v[3] = {{a, 3}, {b, 3}, {c, 5}};
    const struct iovec copy[3] = {v[0], v[1], v[2]};
    struct msghdr mh{};
    mh.msg_name = const_cast<char *>(kAddr);
    mh.msg_namelen = 16;
    mh.msg_iov = v;
    mh.msg_iovlen = 3;
    EXPECT_EQ(nke_sendmsg(s, &mh, 0), 11);
    ASSERT_EQ(pd.sent().size(), 1u);
    EXPECT_EQ(pd.sent()[0].data, "onetwothree");
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(v[i].iov_base, copy[i].iov_base);
        EXPECT_EQ(v[i].iov_len, copy[i].iov_len);
    }
    EXPECT_EQ(mh.msg_iov, v);
    EXPECT_EQ(mh.msg_iovlen, 3u);
}

NKE_TEST(SockSend, ControlDataIsOneControlMbuf, "SOCK-SEND-011") {
    probe::ProbeDomain pd(probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC));
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    char ctl[sizeof(struct cmsghdr) + 8];
    for (size_t i = 0; i < sizeof ctl; ++i) ctl[i] = static_cast<char>(i);
    struct iovec v{const_cast<char *>("d"), 1};
    struct msghdr mh{};
    mh.msg_name = const_cast<char *>(kAddr);
    mh.msg_namelen = 16;
    mh.msg_iov = &v;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl;
    mh.msg_controllen = sizeof ctl;
    EXPECT_EQ(nke_sendmsg(s, &mh, 0), 1);
    ASSERT_EQ(pd.sent().size(), 1u);
    EXPECT_EQ(pd.sent()[0].control, std::string(ctl, sizeof ctl));
    EXPECT_EQ(pd.sent()[0].control_type, MT_CONTROL);
    const auto before = counters();
    mh.msg_controllen = sizeof(struct cmsghdr) - 1;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &mh, 0), EINVAL);
    char big[MLEN + 1] = {};
    mh.msg_control = big;
    mh.msg_controllen = sizeof big;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &mh, 0), EINVAL);
    mh.msg_control = nullptr;
    mh.msg_controllen = 20;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &mh, 0), EFAULT);
    EXPECT_EQ(pd.sent().size(), 1u);
    Fixture::expect_unchanged(before, "bad control data");
}

NKE_TEST(SockSend, AllocationFailureIsEnobufs, "SOCK-SEND-013") {
    NKE_REQUIRE_HOOK(fail_alloc);
    probe::ProbeDomain pd(probe::cfg(SOCK_DGRAM, 1, PR_ATOMIC));
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    std::string msg(3000, 'z');
    alloc_sweep(
        [&] {
            const long n = nke_sendto(s, msg.data(), msg.size(), 0, probe_sa(), 16);
            return n == 3000 ? 0 : errno;
        },
        [] {}, {ENOBUFS});
    for (const auto &p : pd.sent()) EXPECT_EQ(p.data, msg) << "only whole messages reach the protocol";
}
