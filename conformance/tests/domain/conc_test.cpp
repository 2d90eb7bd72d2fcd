// spec/domain.md — registration under concurrency.
#include "domain_helpers.hpp"

#include <atomic>
#include <vector>

using namespace nke::test;

NKE_TEST(DomainConc, RemovalRacesWithSocketCreation, "DOM-CONC-001") {
    domtest::TestDomain t(48, 1);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    std::atomic<bool> stop{false};
    std::atomic<int> created{0}, removed{0}, refused{0};
    std::vector<std::thread> users;
    for (int i = 0; i < 3; ++i) {
        users.emplace_back([&] {
            while (!stop) {
                const int fd = nke_socket(48, SOCK_DGRAM, 0);
                if (fd < 0) {
                    EXPECT_EQ(errno, EPROTONOSUPPORT) << "only an absent domain may refuse";
                    continue;
                }
                ++created;
                EXPECT_EQ(nke_close(fd), 0);
            }
        });
    }
    std::thread remover([&] {
        for (int i = 0; i < 300; ++i) {
            const int rc = net_del_domain(&t.d);
            if (rc == EBUSY) {
                ++refused;
                continue;
            }
            EXPECT_EQ(rc, 0);
            ++removed;
            EXPECT_EQ(t.d.dom_refs, 0) << "removed while a socket was live";
            EXPECT_EQ(net_add_domain(&t.d), 0);
        }
        stop = true;
    });
    remover.join();
    for (auto &u : users) u.join();
    EXPECT_GT(created.load() + removed.load(), 0);
    EXPECT_EQ(t.d.dom_refs, 0);
    EXPECT_EQ(t.p[0].pr_refs, 0);
}

NKE_TEST(DomainConc, ManyThreadsRegisterTheirOwnDomains, "DOM-CONC-001") {
    const auto before = counters();
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i) {
        ts.emplace_back([i] {
            domtest::TestDomain t(50 + i, 2);
            for (int round = 0; round < 100; ++round) {
                ASSERT_EQ(net_add_domain(&t.d), 0);
                EXPECT_EQ(pffinddomain(50 + i), &t.d);
                const int fd = nke_socket(50 + i, SOCK_DGRAM, 2);
                EXPECT_GE(fd, NKE_FD_FIRST);
                EXPECT_EQ(nke_close(fd), 0);
                ASSERT_EQ(net_del_domain(&t.d), 0);
            }
        });
    }
    for (auto &t : ts) t.join();
    Fixture::expect_unchanged(before, "balanced registrations");
}
