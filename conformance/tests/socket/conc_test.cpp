// spec/socket.md — concurrency.
#include "sock_helpers.hpp"

#include <atomic>
#include <vector>

using namespace nke::test;

NKE_TEST(SockConc, ABlockedReaderDoesNotStallOthers, "SOCK-CONC-001") {
    loop::LoopDomain ld;
    Fd idle = loop_dgram(1);
    Fd a = loop_dgram(2), b = loop_dgram(3);
    std::string got;
    std::thread blocked([&, fd = idle.get()] { got = recv_str(fd, 8); });
    // While one thread waits on `idle`, every other socket works, and so
    // does a send to the waited-on socket itself.
    const auto to_b = loop::addr(3), to_idle = loop::addr(1);
    for (int i = 0; i < 20; ++i) {
        ASSERT_EQ(nke_sendto(a, "ping", 4, 0, loop::sa(to_b), loop::kAddrLen), 4);
        ASSERT_EQ(recv_str(b, 8), "ping");
    }
    Fd extra = loop_socket(SOCK_STREAM);
    EXPECT_GE(extra.get(), NKE_FD_FIRST);
    ASSERT_EQ(nke_sendto(a, "done", 4, 0, loop::sa(to_idle), loop::kAddrLen), 4);
    blocked.join();
    EXPECT_EQ(got, "done");
}

NKE_TEST(SockConc, ManyThreadsCreateUseAndClose, "SOCK-CONC-002") {
    loop::LoopDomain ld;
    Fd l = loop_listener(1, 128);
    std::atomic<int> accepted{0};
    constexpr int kThreads = 4, kRounds = 40;
    std::thread acceptor([&] {
        for (int i = 0; i < kThreads * kRounds; ++i) {
            Fd s(nke_accept(l, nullptr, nullptr));
            if (s.get() < 0) break;
            EXPECT_EQ(recv_str(s, 8, MSG_WAITALL), "12345678");
            ++accepted;
        }
    });
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
        ts.emplace_back([&, t] {
            for (int r = 0; r < kRounds; ++r) {
                Fd c = loop_socket(SOCK_STREAM);
                const auto a = loop::addr(1);
                if (nke_connect(c, loop::sa(a), loop::kAddrLen) != 0) {
                    ADD_FAILURE() << "connect: " << errno;
                    continue;
                }
                EXPECT_EQ(send_str(c, "1234"), 4);
                EXPECT_EQ(send_str(c, "5678"), 4);
                int sv[2];
                if (nke_socketpair(loop::kFamily, SOCK_DGRAM, 0, sv) == 0) {
                    nke_close(sv[0]);
                    nke_close(sv[1]);
                }
                (void)t;
            }
        });
    }
    for (auto &t : ts) t.join();
    acceptor.join();
    EXPECT_EQ(accepted.load(), kThreads * kRounds);
    l.reset();
    EXPECT_EQ(ld.dom().dom_refs, 0);
    EXPECT_EQ(ld.stream().pr_refs, 0);
    EXPECT_EQ(ld.dgram().pr_refs, 0);
}
