// Example test: load pf_echo into the reference stack and use it.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <cerrno>
#include <string>

#include <nke/nke.h>

#include "pf_echo.h"

namespace {

uint64_t live_sockets() {
    nke_counters c{};
    c.size = sizeof c;
    nke_harness_v1()->get_counters(&c);
    return c.sockets;
}

}  // namespace

TEST(PfEcho, EchoesDatagramsAndRefusesToUnloadWhileInUse) {
    pf_echo_stats stats{};
    int id = 0;
    ASSERT_EQ(kmod_load(PF_ECHO_MODULE, &stats, &id), 0);
    ASSERT_NE(pffinddomain(PF_ECHO), nullptr);
    const int s = nke_socket(PF_ECHO, SOCK_DGRAM, 0);
    ASSERT_GE(s, 3);
    EXPECT_EQ(stats.sockets, 1u);
    sockaddr_echo to{sizeof(sockaddr_echo), AF_ECHO, ECHO_PORT, {}};
    ASSERT_EQ(nke_sendto(s, "hello", 5, 0, reinterpret_cast<sockaddr *>(&to), sizeof to), 5);
    char buf[16];
    sockaddr_echo from{};
    socklen_t len = sizeof from;
    ASSERT_EQ(nke_recvfrom(s, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), &len), 5);
    EXPECT_EQ(std::string(buf, 5), "hello");
    EXPECT_EQ(from.se_port, ECHO_PORT);
    // Connected: plain send/recv.
    ASSERT_EQ(nke_connect(s, reinterpret_cast<sockaddr *>(&to), sizeof to), 0);
    ASSERT_EQ(nke_send(s, "again", 5, 0), 5);
    ASSERT_EQ(nke_recv(s, buf, sizeof buf, 0), 5);
    EXPECT_EQ(stats.datagrams, 2u);
    // The stack refuses the unload while the socket lives.
    EXPECT_EQ(kmod_unload(id, nullptr), EBUSY);
    ASSERT_EQ(nke_close(s), 0);
    EXPECT_EQ(stats.sockets, 0u);
    EXPECT_EQ(kmod_unload(id, nullptr), 0);
    EXPECT_EQ(pffinddomain(PF_ECHO), nullptr);
    EXPECT_EQ(live_sockets(), 0u);
}

TEST(PfEcho, FullReceiveBufferDropsWithEnobufs) {
    pf_echo_stats stats{};
    int id = 0;
    ASSERT_EQ(kmod_load(PF_ECHO_MODULE, &stats, &id), 0);
    const int s = nke_socket(PF_ECHO, SOCK_DGRAM, 0);
    sockaddr_echo to{sizeof(sockaddr_echo), AF_ECHO, ECHO_PORT, {}};
    std::string big(3000, 'x');
    int sent = 0;
    while (nke_sendto(s, big.data(), big.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof to) > 0) ++sent;
    EXPECT_EQ(errno, ENOBUFS);
    EXPECT_EQ(sent, 2) << "8192 bytes of receive buffer hold two 3000-byte datagrams";
    EXPECT_EQ(stats.dropped, 1u);
    nke_close(s);
    EXPECT_EQ(kmod_unload(id, nullptr), 0);
}
