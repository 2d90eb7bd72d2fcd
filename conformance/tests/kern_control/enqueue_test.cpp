// spec/kern_control.md — enqueueing data for the client (CTL-ENQ-*).
#include <sys/ioctl.h>

#include <thread>

#include "ctl_helpers.hpp"

using namespace nke::test;

namespace {
char *bytes(const char *s) { return const_cast<char *>(s); }
}  // namespace

NKE_TEST(CtlEnqueue, DataIsOneRecordOfItsLength, "CTL-ENQ-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    char buf[] = "payload";
    ASSERT_EQ(ctl_enqueuedata(c.ref(), buf, 7, 0), 0);
    std::memset(buf, 'X', sizeof buf);   // copied before return
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "payload");
    EXPECT_FALSE(recv_record(fd.get()).has_value());
}

NKE_TEST(CtlEnqueue, BadRefIsEinval, "CTL-ENQ-002") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    TestController gone;
    const kern_ctl_ref stale = gone.ref();
    ASSERT_EQ(gone.deregister(), 0);
    int local = 0;
    const auto before = counters();
    for (kern_ctl_ref bad : {kern_ctl_ref{nullptr}, stale, static_cast<kern_ctl_ref>(&local)}) {
        EXPECT_EQ(ctl_enqueuedata(bad, bytes("x"), 1, 0), EINVAL);
        struct mbuf *m = make_chain("mine");
        EXPECT_EQ(ctl_enqueuembuf(bad, m, 0), EINVAL);
        EXPECT_EQ(chain_bytes(m), "mine") << "the caller still owns m";
        m_freem(m);
    }
    expect_unchanged(before, "enqueue with a bad ref");
    EXPECT_FALSE(recv_record(fd.get()).has_value());
}

NKE_TEST(CtlEnqueue, NullDataOrZeroLengthIsEinval, "CTL-ENQ-003") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const auto before = counters();
    EXPECT_EQ(ctl_enqueuedata(c.ref(), nullptr, 4, 0), EINVAL);
    EXPECT_EQ(ctl_enqueuedata(c.ref(), bytes("abc"), 0, 0), EINVAL);
    EXPECT_EQ(ctl_enqueuedata(c.ref(), nullptr, 0, 0), EINVAL);
    expect_unchanged(before, "enqueue of nothing");
    EXPECT_FALSE(recv_record(fd.get()).has_value());
}

NKE_TEST(CtlEnqueue, UnknownFlagsAreEinval, "CTL-ENQ-004") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const auto before = counters();
    for (uint32_t f : {0x2u, 0x80000000u, CTL_DATA_NOWAKEUP | 0x10u}) {
        EXPECT_EQ(ctl_enqueuedata(c.ref(), bytes("x"), 1, f), EINVAL);
        struct mbuf *m = make_chain("mine");
        EXPECT_EQ(ctl_enqueuembuf(c.ref(), m, f), EINVAL);
        m_freem(m);
    }
    expect_unchanged(before, "enqueue with unknown flags");
    EXPECT_FALSE(recv_record(fd.get()).has_value());
}

NKE_TEST(CtlEnqueue, NoClientIsEnotconn, "CTL-ENQ-005") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    const auto before = counters();
    EXPECT_EQ(ctl_enqueuedata(c.ref(), bytes("x"), 1, 0), ENOTCONN);
    struct mbuf *m = make_chain("mine");
    EXPECT_EQ(ctl_enqueuembuf(c.ref(), m, 0), ENOTCONN);
    EXPECT_EQ(chain_bytes(m), "mine");
    m_freem(m);
    expect_unchanged(before, "enqueue without a client");
    {
        Fd fd = connected_client(c);
    }
    EXPECT_EQ(ctl_enqueuedata(c.ref(), bytes("x"), 1, 0), ENOTCONN) << "after the client closed";
}

NKE_TEST(CtlEnqueue, DataLongerThanAClusterIsEmsgsize, "CTL-ENQ-006") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string big(MCLBYTES + 1, 'b');
    const auto before = counters();
    EXPECT_EQ(ctl_enqueuedata(c.ref(), big.data(), big.size(), 0), EMSGSIZE);
    expect_unchanged(before, "an oversized enqueuedata");
    big.pop_back();
    EXPECT_EQ(ctl_enqueuedata(c.ref(), big.data(), big.size(), 0), 0);
    EXPECT_EQ(recv_record(fd.get()).value_or(""), big);
}

NKE_TEST(CtlEnqueue, ChecksInOrder, "CTL-ENQ-006") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    std::string big(MCLBYTES + 1, 'b');
    // Bad flags before data, data before client, client before size.
    EXPECT_EQ(ctl_enqueuedata(nullptr, nullptr, 0, 0x8), EINVAL);
    EXPECT_EQ(ctl_enqueuedata(c.ref(), big.data(), big.size(), 0x8), EINVAL);
    EXPECT_EQ(ctl_enqueuedata(c.ref(), big.data(), big.size(), 0), ENOTCONN);
    Fd fd = connected_client(c);
    EXPECT_EQ(ctl_enqueuedata(c.ref(), big.data(), big.size(), 0), EMSGSIZE);
}

NKE_TEST(CtlEnqueue, FullReceiveBufferIsEnobufs, "CTL-ENQ-007") {
    TestController::Options o;
    o.recvsize = 4096;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string chunk(1000, 'c');
    size_t queued = 0;
    int rc = 0;
    while ((rc = ctl_enqueuedata(c.ref(), chunk.data(), chunk.size(), 0)) == 0) {
        queued += chunk.size();
        ASSERT_LE(queued, 4096u) << "more queued than the receive size";
    }
    EXPECT_EQ(rc, ENOBUFS);
    EXPECT_GE(queued, 1000u);
    const auto before = counters();
    EXPECT_EQ(ctl_enqueuedata(c.ref(), chunk.data(), chunk.size(), 0), ENOBUFS);
    expect_unchanged(before, "enqueue into a full buffer");
    // Reading makes room again.
    size_t records = 0;
    while (auto r = recv_record(fd.get())) {
        EXPECT_EQ(*r, chunk);
        ++records;
    }
    EXPECT_EQ(records * chunk.size(), queued);
    EXPECT_EQ(ctl_enqueuedata(c.ref(), chunk.data(), chunk.size(), 0), 0);
}

NKE_TEST(CtlEnqueue, AllocationFailureIsEnobufs, "CTL-ENQ-007") {
    NKE_REQUIRE_HOOK(fail_alloc);
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string data(1500, 'a');
    alloc_sweep([&] { return ctl_enqueuedata(c.ref(), data.data(), data.size(), 0); },
                [&] { EXPECT_EQ(recv_record(fd.get()).value_or(""), data); }, {ENOBUFS});
}

NKE_TEST(CtlEnqueue, OneRecordPerEnqueue, "CTL-ENQ-008") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const std::vector<std::string> msgs = {"a", "bb", std::string(1500, 'c'), "dddd"};
    for (size_t i = 0; i < msgs.size(); ++i) {
        if (i == 2) {
            ASSERT_EQ(ctl_enqueuembuf(c.ref(), make_chain(msgs[i]), 0), 0);
        } else {
            ASSERT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>(msgs[i].data()), msgs[i].size(), 0), 0);
        }
    }
    for (const auto &m : msgs) EXPECT_EQ(recv_record(fd.get()).value_or("<none>"), m);
    EXPECT_FALSE(recv_record(fd.get()).has_value());
}

NKE_TEST(CtlEnqueue, ShortReceiveTruncatesTheRecord, "CTL-ENQ-009") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("0123456789"), 10, 0), 0);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("next"), 4, 0), 0);
    int flags = 0;
    EXPECT_EQ(recv_record(fd.get(), 4, &flags).value_or(""), "0123");
    EXPECT_TRUE(flags & MSG_TRUNC);
    flags = 0;
    EXPECT_EQ(recv_record(fd.get(), 100, &flags).value_or(""), "next");
    EXPECT_FALSE(flags & MSG_TRUNC);
}

NKE_TEST(CtlEnqueue, DontTruncKeepsTheRest, "CTL-ENQ-010") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    int on = 1;
    ASSERT_EQ(nke_setsockopt(fd.get(), SOL_SOCKET, SO_DONTTRUNC, &on, sizeof on), 0)
        << std::strerror(errno);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("0123456789"), 10, 0), 0);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("next"), 4, 0), 0);
    EXPECT_EQ(recv_record(fd.get(), 4).value_or(""), "0123");
    EXPECT_EQ(recv_record(fd.get(), 100).value_or(""), "456789");
    EXPECT_EQ(recv_record(fd.get(), 100).value_or(""), "next");
}

NKE_TEST(CtlEnqueue, NoWakeupDataIsQueuedAlike, "CTL-ENQ-011") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("quiet"), 5, CTL_DATA_NOWAKEUP), 0);
    struct mbuf *m = make_chain("still");
    ASSERT_EQ(ctl_enqueuembuf(c.ref(), m, CTL_DATA_NOWAKEUP), 0);
    int n = -1;
    ASSERT_EQ(nke_ioctl(fd.get(), FIONREAD, &n), 0) << std::strerror(errno);
    EXPECT_GE(n, 5) << "FIONREAD counts the quiet record";
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "quiet");
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "still");
}

NKE_TEST(CtlEnqueue, LaterWakeupDeliversTheOldestFirst, "CTL-ENQ-012") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string got;
    std::thread reader([&] {
        char buf[64];
        const ssize_t n = nke_recv(fd.get(), buf, sizeof buf, 0);   // blocks
        if (n > 0) got.assign(buf, static_cast<size_t>(n));
    });
    ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("first"), 5, CTL_DATA_NOWAKEUP), 0);
    ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("second"), 6, 0), 0);
    reader.join();
    EXPECT_EQ(got, "first");
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "second");
}

NKE_TEST(CtlEnqueue, EnqueueWakesABlockedReader, "CTL-ENQ-013", "CONC-BLOCK-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string got;
    std::thread reader([&] {
        char buf[64];
        const ssize_t n = nke_recv(fd.get(), buf, sizeof buf, 0);   // blocks
        if (n > 0) got.assign(buf, static_cast<size_t>(n));
    });
    ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("wake"), 4, 0), 0);
    reader.join();
    EXPECT_EQ(got, "wake");
}

NKE_TEST(CtlEnqueue, MbufChainBecomesTheSocketsRecord, "CTL-ENQ-014") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string big(6000, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i % 251);
    struct mbuf *m = make_chain(big);
    ASSERT_NE(m, nullptr);
    ASSERT_NE(m->m_next, nullptr) << "a multi-mbuf chain";
    ASSERT_EQ(ctl_enqueuembuf(c.ref(), m, 0), 0) << "no MCLBYTES limit for mbufs";
    EXPECT_EQ(recv_record(fd.get()).value_or(""), big);
}

NKE_TEST(CtlEnqueue, MalformedChainIsEinval, "CTL-ENQ-015") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    EXPECT_EQ(ctl_enqueuembuf(c.ref(), nullptr, 0), EINVAL);
    auto check = [&](struct mbuf *m, const char *what) {
        const auto before = counters();
        EXPECT_EQ(ctl_enqueuembuf(c.ref(), m, 0), EINVAL) << what;
        expect_no_change(before, what);
        m_freem(m);   // the caller still owns it
    };
    struct mbuf *plain = m_get(M_DONTWAIT, MT_DATA);
    std::memcpy(plain->m_data, "abc", 3);
    plain->m_len = 3;
    check(plain, "no M_PKTHDR");
    struct mbuf *wrong = make_chain("abcdef");
    wrong->m_pkthdr.len = 5;
    check(wrong, "pkthdr.len != chain length");
    struct mbuf *empty = m_gethdr(M_DONTWAIT, MT_DATA);
    empty->m_len = 0;
    empty->m_pkthdr.len = 0;
    check(empty, "an empty record");
    struct mbuf *list = make_chain("one");
    list->m_nextpkt = make_chain("two");
    {
        const auto before = counters();
        EXPECT_EQ(ctl_enqueuembuf(c.ref(), list, 0), EINVAL) << "a list of packets";
        expect_no_change(before, "a list of packets");
        struct mbuf *second = list->m_nextpkt;
        list->m_nextpkt = nullptr;
        m_freem(second);
        m_freem(list);
    }
    EXPECT_FALSE(recv_record(fd.get()).has_value());
}

NKE_TEST(CtlEnqueue, MbufWithoutSpaceIsEnobufs, "CTL-ENQ-016") {
    TestController::Options o;
    o.recvsize = 2048;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    struct mbuf *m = make_chain(std::string(3000, 'x'));
    const auto before = counters();
    EXPECT_EQ(ctl_enqueuembuf(c.ref(), m, 0), ENOBUFS);
    expect_unchanged(before, "an enqueuembuf larger than the space");
    EXPECT_EQ(chain_bytes(m), std::string(3000, 'x')) << "the caller still owns m";
    m_freem(m);
    EXPECT_FALSE(recv_record(fd.get()).has_value());
}

NKE_TEST(CtlEnqueue, AnyThreadMayEnqueue, "CTL-ENQ-017", "CONC-THREAD-001") {
    TestController::Options o;
    o.recvsize = CTL_MAXBUFSIZE;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    constexpr int kThreads = 4, kEach = 50;
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
        ts.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                char msg[16];
                const int n = std::snprintf(msg, sizeof msg, "%d:%d", t, i);
                int rc;
                while ((rc = ctl_enqueuedata(c.ref(), msg, static_cast<size_t>(n), 0)) == ENOBUFS) {
                    std::this_thread::yield();
                }
                EXPECT_EQ(rc, 0);
            }
        });
    }
    std::vector<int> next(kThreads, 0);
    int received = 0;
    while (received < kThreads * kEach) {
        char buf[32];
        const ssize_t n = nke_recv(fd.get(), buf, sizeof buf, 0);
        ASSERT_GT(n, 0);
        int t = -1, i = -1;
        ASSERT_EQ(std::sscanf(std::string(buf, static_cast<size_t>(n)).c_str(), "%d:%d", &t, &i), 2);
        ASSERT_GE(t, 0);
        ASSERT_LT(t, kThreads);
        EXPECT_EQ(i, next[static_cast<size_t>(t)]++) << "records of one thread stay in order";
        ++received;
    }
    for (auto &t : ts) t.join();
}

NKE_TEST(CtlEnqueue, RacingTheCloseIsQueuedOrEnotconn, "CTL-ENQ-017") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    for (int round = 0; round < 20; ++round) {
        Fd fd = connected_client(c);
        std::atomic<bool> stop{false};
        std::thread nke([&] {
            while (!stop) {
                const int rc = ctl_enqueuedata(c.ref(), bytes("race"), 4, 0);
                EXPECT_TRUE(rc == 0 || rc == ENOTCONN || rc == ENOBUFS) << rc;
                if (rc == ENOTCONN) break;
            }
        });
        fd.reset();
        stop = true;
        nke.join();
    }
    // The leak check of the fixture verifies that every queued record was freed.
}

NKE_TEST(CtlEnqueue, QueuedRecordsAreFreedOnClose, "CTL-ENQ-018") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    const auto before = counters();
    {
        Fd fd = connected_client(c);
        ASSERT_EQ(ctl_enqueuedata(c.ref(), bytes("unread"), 6, 0), 0);
        ASSERT_EQ(ctl_enqueuembuf(c.ref(), make_chain(std::string(3000, 'u')), 0), 0);
        EXPECT_GT(counters().mbufs, before.mbufs);
    }
    const auto after = counters();
    EXPECT_EQ(after.mbufs, before.mbufs);
    EXPECT_EQ(after.clusters, before.clusters);
}
