// Temporary smoke tests of the socket core (replaced by the chapter tests).
#include "nke_test.hpp"

#include "loopdomain.hpp"

#include <thread>

namespace loop = nke::test::loop;

NKE_TEST(SockSmoke, StreamRoundTrip, "SOCK-SMOKE-001") {
    loop::LoopDomain ld;
    ASSERT_EQ(ld.rc(), 0);
    const int l = nke_socket(loop::kFamily, SOCK_STREAM, 0);
    ASSERT_GE(l, 3);
    auto a = loop::addr(7);
    ASSERT_EQ(nke_bind(l, loop::sa(a), loop::kAddrLen), 0);
    ASSERT_EQ(nke_listen(l, 5), 0);
    const int c = nke_socket(loop::kFamily, SOCK_STREAM, 0);
    ASSERT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
    EXPECT_EQ(ld.dom().dom_refs, 3);
    const int s = nke_accept(l, nullptr, nullptr);
    ASSERT_GE(s, 3);
    EXPECT_EQ(nke_send(c, "hello", 5, 0), 5);
    char buf[16] = {};
    EXPECT_EQ(nke_recv(s, buf, sizeof buf, 0), 5);
    EXPECT_STREQ(buf, "hello");
    std::thread t([&] { EXPECT_EQ(nke_send(s, "x", 1, 0), 1); });
    EXPECT_EQ(nke_recv(c, buf, sizeof buf, 0), 1);
    t.join();
    EXPECT_EQ(nke_close(c), 0);
    EXPECT_EQ(nke_recv(s, buf, sizeof buf, 0), 0);
    EXPECT_EQ(nke_close(s), 0);
    EXPECT_EQ(nke_close(l), 0);
    EXPECT_EQ(ld.dom().dom_refs, 0);
    EXPECT_EQ(ld.stream().pr_refs, 0);
}

NKE_TEST(SockSmoke, DatagramRoundTrip, "SOCK-SMOKE-001") {
    loop::LoopDomain ld;
    ASSERT_EQ(ld.rc(), 0);
    const int a = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
    const int b = nke_socket(loop::kFamily, SOCK_DGRAM, 0);
    auto aa = loop::addr(1), ba = loop::addr(2);
    ASSERT_EQ(nke_bind(a, loop::sa(aa), loop::kAddrLen), 0);
    ASSERT_EQ(nke_bind(b, loop::sa(ba), loop::kAddrLen), 0);
    EXPECT_EQ(nke_sendto(a, "abcdef", 6, 0, loop::sa(ba), loop::kAddrLen), 6);
    char buf[4];
    loop::loop_sockaddr from{};
    socklen_t fl = sizeof from;
    EXPECT_EQ(nke_recvfrom(b, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), &fl), 4);
    EXPECT_EQ(from.sl_port, 1);
    EXPECT_EQ(ld.dgram().pr_refs, 2);
    nke_close(a);
    nke_close(b);
}
