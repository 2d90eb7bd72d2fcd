// spec/mbuf.md — counters and threads (MBUF-COUNT-*, MBUF-THREAD-*).
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufCount, EveryMbufCallMovesTheCounterByItsMbufs, "MBUF-COUNT-001") {
    const auto before = nke::test::counters();
    struct mbuf *a = m_get(M_DONTWAIT, MT_DATA);
    struct mbuf *b = m_gethdr(M_DONTWAIT, MT_DATA);
    struct mbuf *c = m_getclr(M_DONTWAIT, MT_DATA);
    ASSERT_TRUE(a && b && c);
    mbt::expect_delta(before, 3, 0, "three allocations");
    m_free(a);
    m_free(b);
    mbt::expect_delta(before, 1, 0, "two frees");
    m_free(c);
    mbt::expect_delta(before, 0, 0, "all freed");
}

NKE_TEST(MbufCount, CountsAreExactAcrossThreads, "MBUF-COUNT-004") {
    const auto before = nke::test::counters();
    std::vector<struct mbuf *> v(2000);
    std::thread producer([&] {
        for (auto &m : v) m = m_getpacket();
    });
    producer.join();
    for (auto *m : v) ASSERT_NE(m, nullptr);
    mbt::expect_delta(before, 2000, 2000, "after the producer thread exited");
    std::thread consumer([&] {
        for (auto *m : v) m_freem(m);
    });
    consumer.join();
    mbt::expect_delta(before, 0, 0, "after another thread freed them");
}

NKE_TEST(MbufThread, ConcurrentAllocateAndFree, "MBUF-THREAD-001") {
    constexpr int kThreads = 4;
    constexpr int kRounds = 2000;
    std::atomic<int> bad{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
        ts.emplace_back([&, t] {
            for (int r = 0; r < kRounds; ++r) {
                struct mbuf *m = mbt::make_chain({100, 1000}, true, static_cast<uint8_t>(t));
                struct mbuf *c = m_copym(m, 10, 500, M_DONTWAIT);
                if (c == nullptr || mbt::bytes(c) != mbt::pattern(500, static_cast<uint8_t>(t), 10)) ++bad;
                m_freem(c);
                m_freem(m);
            }
        });
    }
    for (auto &t : ts) t.join();
    EXPECT_EQ(bad.load(), 0);
}

NKE_TEST(MbufThread, FreedByAnotherThread, "MBUF-THREAD-002") {
    // A producer hands packets to a consumer through a queue; the consumer
    // frees them.  Both run at the same time, many rounds.
    constexpr int kPackets = 20000;
    std::vector<std::atomic<struct mbuf *>> slots(256);
    std::atomic<int> produced{0};
    std::atomic<bool> done{false};
    std::thread producer([&] {
        for (int i = 0; i < kPackets; ++i) {
            struct mbuf *m = (i % 2) ? m_getpacket() : m_gethdr(M_DONTWAIT, MT_DATA);
            if (m == nullptr) continue;
            auto &slot = slots[static_cast<size_t>(i) % slots.size()];
            struct mbuf *expected = nullptr;
            while (!slot.compare_exchange_weak(expected, m)) {
                expected = nullptr;
                std::this_thread::yield();
            }
            ++produced;
        }
        done = true;
    });
    std::atomic<int> freed{0};
    std::thread consumer([&] {
        for (;;) {
            const bool last = done.load();  // read before the sweep: nothing can arrive after it
            for (auto &slot : slots) {
                if (struct mbuf *m = slot.exchange(nullptr)) {
                    m_freem(m);
                    ++freed;
                }
            }
            if (last) break;
            std::this_thread::yield();
        }
    });
    producer.join();
    consumer.join();
    EXPECT_EQ(produced.load(), kPackets);
    EXPECT_EQ(freed.load(), kPackets);
}

NKE_TEST(MbufThread, SharedClusterChainsFreedConcurrently, "MBUF-THREAD-003") {
    const auto before = nke::test::counters();
    for (int round = 0; round < 200; ++round) {
        struct mbuf *m = mbt::make_chain({1500});
        ASSERT_NE(m, nullptr);
        std::vector<struct mbuf *> copies;
        for (int i = 0; i < 4; ++i) copies.push_back(m_copym(m, 0, M_COPYALL, M_DONTWAIT));
        std::vector<std::thread> ts;
        std::atomic<int> bad{0};
        for (auto *c : copies) {
            ts.emplace_back([c, &bad] {
                if (c == nullptr || mbt::bytes(c) != mbt::pattern(1500)) ++bad;
                m_freem(c);
            });
        }
        m_freem(m);
        for (auto &t : ts) t.join();
        ASSERT_EQ(bad.load(), 0);
    }
    mbt::expect_delta(before, 0, 0, "shared clusters freed from several threads");
}

NKE_TEST(MbufThread, ManyShortLivedThreadsLeaveExactCounts, "MBUF-THREAD-001", "MBUF-COUNT-004") {
    // Each thread holds more mbufs than any per-thread cache would keep,
    // frees half of them itself and leaves the rest to the main thread.
    const auto before = nke::test::counters();
    std::vector<struct mbuf *> left;
    std::mutex mu;
    for (int round = 0; round < 8; ++round) {
        std::vector<std::thread> ts;
        for (int t = 0; t < 6; ++t) {
            ts.emplace_back([&] {
                std::vector<struct mbuf *> mine;
                for (int i = 0; i < 700; ++i) mine.push_back(i % 3 ? m_get(M_DONTWAIT, MT_DATA) : m_getpacket());
                for (size_t i = 0; i < mine.size(); i += 2) m_freem(mine[i]);
                std::lock_guard lk(mu);
                for (size_t i = 1; i < mine.size(); i += 2) left.push_back(mine[i]);
            });
        }
        for (auto &t : ts) t.join();
    }
    int64_t clusters = 0;
    for (auto *m : left) {
        ASSERT_NE(m, nullptr);
        clusters += (m->m_flags & M_EXT) ? 1 : 0;
    }
    EXPECT_GT(clusters, 0);
    mbt::expect_delta(before, static_cast<int64_t>(left.size()), clusters, "after the threads exited");
    for (auto *m : left) m_freem(m);
    mbt::expect_delta(before, 0, 0, "after the main thread freed the rest");
}
