// Example test: sf_logger watching the pf_echo family.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <cerrno>

#include <nke/nke.h>

#include "pf_echo.h"
#include "sf_logger.h"

TEST(SfLogger, ObservesEverySocketOfItsProtocolWithoutChangingIt) {
    int echo_id = 0, log_id = 0;
    ASSERT_EQ(kmod_load(PF_ECHO_MODULE, nullptr, &echo_id), 0);
    sf_logger_config cfg{};
    cfg.family = PF_ECHO;
    cfg.type = SOCK_DGRAM;
    ASSERT_EQ(kmod_load(EXAMPLE_MODULE, &cfg, &log_id), 0);
    EXPECT_NE(find_nke(SF_LOGGER_HANDLE), nullptr);
    sockaddr_echo to{sizeof(sockaddr_echo), AF_ECHO, ECHO_PORT, {}};
    for (int i = 0; i < 3; ++i) {
        const int s = nke_socket(PF_ECHO, SOCK_DGRAM, 0);
        ASSERT_GE(s, 3);
        ASSERT_EQ(nke_sendto(s, "abcd", 4, 0, reinterpret_cast<sockaddr *>(&to), sizeof to), 4);
        char buf[8];
        ASSERT_EQ(nke_recv(s, buf, sizeof buf, 0), 4) << "the filter changes nothing";
        if (i < 2) nke_close(s);
        else {
            // While a socket carries the filter, neither module may go.
            EXPECT_EQ(kmod_unload(log_id, nullptr), EBUSY);
            EXPECT_EQ(kmod_unload(echo_id, nullptr), EBUSY);
            nke_close(s);
        }
    }
    EXPECT_EQ(cfg.sockets_created, 3u);
    EXPECT_EQ(cfg.sockets_freed, 3u);
    EXPECT_EQ(cfg.sends, 3u);
    EXPECT_EQ(cfg.receives, 3u);
    EXPECT_EQ(cfg.bytes_sent, 12u);
    // pf_echo cannot go first: the logger's global filter is on its protosw.
    EXPECT_EQ(kmod_unload(echo_id, nullptr), EBUSY);
    EXPECT_EQ(kmod_unload(log_id, nullptr), 0);
    EXPECT_EQ(kmod_unload(echo_id, nullptr), 0);
}

TEST(SfLogger, RefusesToStartWithoutItsProtocol) {
    sf_logger_config cfg{};
    cfg.family = 99;
    cfg.type = SOCK_DGRAM;
    EXPECT_EQ(kmod_load(EXAMPLE_MODULE, &cfg, nullptr), ECANCELED);
}
