// Example test: sf_counter attached with SO_NKE to a pf_echo socket.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <cerrno>

#include <nke/nke.h>

#include "pf_echo.h"
#include "sf_counter.h"

TEST(SfCounter, CountsOneSocketsBytesAndAnswersItsOption) {
    int echo_id = 0, cnt_id = 0;
    ASSERT_EQ(kmod_load(PF_ECHO_MODULE, nullptr, &echo_id), 0);
    ASSERT_EQ(kmod_load(EXAMPLE_MODULE, nullptr, &cnt_id), 0);
    const int counted = nke_socket(PF_ECHO, SOCK_DGRAM, 0);
    const int plain = nke_socket(PF_ECHO, SOCK_DGRAM, 0);
    so_nke nke{SF_COUNTER_HANDLE, 0, NFF_AFTER};
    ASSERT_EQ(nke_setsockopt(counted, SOL_SOCKET, SO_NKE, &nke, sizeof nke), 0);
    sockaddr_echo to{sizeof(sockaddr_echo), AF_ECHO, ECHO_PORT, {}};
    char buf[64];
    for (int fd : {counted, plain}) {
        ASSERT_EQ(nke_sendto(fd, "0123456789", 10, 0, reinterpret_cast<sockaddr *>(&to), sizeof to), 10);
        ASSERT_EQ(nke_sendto(fd, "abc", 3, 0, reinterpret_cast<sockaddr *>(&to), sizeof to), 3);
        ASSERT_EQ(nke_recv(fd, buf, sizeof buf, 0), 10);
    }
    sf_counter_stats st{};
    socklen_t len = sizeof st;
    ASSERT_EQ(nke_getsockopt(counted, SF_COUNTER_LEVEL, SF_COUNTER_STATS, &st, &len), 0);
    EXPECT_EQ(len, sizeof st);
    EXPECT_EQ(st.bytes_out, 13u);
    EXPECT_EQ(st.messages_out, 2u);
    EXPECT_EQ(st.bytes_in, 13u);
    EXPECT_EQ(st.messages_in, 2u);
    // The socket without the filter does not know the option (pf_echo has no pr_ctloutput).
    len = sizeof st;
    EXPECT_EQ(nke_getsockopt(plain, SF_COUNTER_LEVEL, SF_COUNTER_STATS, &st, &len), -1);
    EXPECT_EQ(errno, ENOPROTOOPT);
    ASSERT_EQ(nke_setsockopt(counted, SF_COUNTER_LEVEL, SF_COUNTER_RESET, nullptr, 0), 0);
    len = sizeof st;
    ASSERT_EQ(nke_getsockopt(counted, SF_COUNTER_LEVEL, SF_COUNTER_STATS, &st, &len), 0);
    EXPECT_EQ(st.bytes_out, 0u);
    EXPECT_EQ(kmod_unload(cnt_id, nullptr), EBUSY) << "a socket carries the filter";
    nke_close(counted);
    nke_close(plain);
    EXPECT_EQ(kmod_unload(cnt_id, nullptr), 0);
    EXPECT_EQ(kmod_unload(echo_id, nullptr), 0);
}
