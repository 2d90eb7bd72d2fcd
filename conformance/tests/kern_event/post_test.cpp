// spec/kern_event.md — posting events (KEV-POST-*).
#include <algorithm>
#include <thread>

#include "kev_helpers.hpp"

using namespace nke::test;

namespace {
constexpr uint32_t kVendor = 0x7e57;
}  // namespace

NKE_TEST(KevPost, NullIsEinval, "KEV-POST-001") {
    const uint32_t id = last_event_id();
    const auto before = counters();
    EXPECT_EQ(kev_post_msg(nullptr), EINVAL);
    EXPECT_EQ(last_event_id(), id);
    EXPECT_EQ(counters().events_posted, before.events_posted);
}

NKE_TEST(KevPost, PayloadOverMaxIsEmsgsize, "KEV-POST-002") {
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    std::string big(KEV_MAX_DATA + 1, 'x');
    const uint32_t id = last_event_id();
    const auto before = counters();
    kev_msg m = make_event(kVendor, 1, 1, 1, big.data(), KEV_MAX_DATA + 1);
    EXPECT_EQ(kev_post_msg(&m), EMSGSIZE);
    // Split over vectors, the total counts.
    kev_msg v{};
    v.vendor_code = kVendor;
    for (int i = 0; i < N_KEV_VECTORS; ++i) {
        v.dv[i].data_length = KEV_MAX_DATA / 4;
        v.dv[i].data_ptr = big.data();
    }
    EXPECT_EQ(kev_post_msg(&v), EMSGSIZE);
    EXPECT_EQ(last_event_id(), id) << "no id consumed";
    EXPECT_EQ(counters().events_posted, before.events_posted);
    EXPECT_TRUE(ev.drain().empty());
    // Exactly KEV_MAX_DATA is accepted.
    m.dv[0].data_length = KEV_MAX_DATA;
    EXPECT_EQ(kev_post_msg(&m), 0);
    auto got = ev.drain();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].hdr.total_size, static_cast<uint32_t>(KEV_MSG_HEADER_SIZE + KEV_MAX_DATA));
    EXPECT_EQ(got[0].payload.size(), static_cast<size_t>(KEV_MAX_DATA));
}

NKE_TEST(KevPost, NullDataWithLengthIsEinval, "KEV-POST-003") {
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    const uint32_t id = last_event_id();
    kev_msg m = make_event(kVendor, 1, 1, 1, "ok", 2);
    m.dv[1].data_length = 4;
    m.dv[1].data_ptr = nullptr;
    EXPECT_EQ(kev_post_msg(&m), EINVAL);
    EXPECT_EQ(last_event_id(), id);
    EXPECT_TRUE(ev.drain().empty());
}

NKE_TEST(KevPost, VendorNoneIsEinval, "KEV-POST-004") {
    EventListener ev(KEV_ANY_VENDOR, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    ev.drain();
    const uint32_t id = last_event_id();
    kev_msg m = make_event(KEV_VENDOR_NONE, 1, 1, 1);
    EXPECT_EQ(kev_post_msg(&m), EINVAL);
    EXPECT_EQ(last_event_id(), id);
    EXPECT_TRUE(ev.drain().empty());
}

NKE_TEST(KevPost, VectorsEndAtTheFirstZeroLength, "KEV-POST-005") {
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    kev_msg m = make_event(kVendor, 1, 1, 1, "abc", 3);
    m.dv[1].data_length = 0;
    m.dv[1].data_ptr = reinterpret_cast<void *>(uintptr_t{0xdead});   // never read
    m.dv[2].data_length = 100000;                                     // ignored
    m.dv[2].data_ptr = nullptr;
    ASSERT_EQ(kev_post_msg(&m), 0);
    auto got = ev.drain();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].hdr.total_size, static_cast<uint32_t>(KEV_MSG_HEADER_SIZE + 3));
    EXPECT_EQ(std::string(got[0].payload.begin(), got[0].payload.end()), "abc");
}

NKE_TEST(KevPost, MessageLayout, "KEV-POST-006") {
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    kev_msg m{};
    m.vendor_code = kVendor;
    m.kev_class = 0x11;
    m.kev_subclass = 0x22;
    m.event_code = 0x33;
    const char *parts[] = {"one", "-two", "-three"};
    for (int i = 0; i < 3; ++i) {
        m.dv[i].data_length = static_cast<uint32_t>(std::strlen(parts[i]));
        m.dv[i].data_ptr = const_cast<char *>(parts[i]);
    }
    ASSERT_EQ(kev_post_msg(&m), 0);
    unsigned char buf[256];
    const ssize_t n = nke_recv(ev.fd(), buf, sizeof buf, MSG_DONTWAIT);
    ASSERT_EQ(n, KEV_MSG_HEADER_SIZE + 13);
    const Event e = decode_event(buf, static_cast<size_t>(n));
    EXPECT_EQ(e.hdr.total_size, static_cast<uint32_t>(n));
    EXPECT_EQ(e.hdr.vendor_code, kVendor);
    EXPECT_EQ(e.hdr.kev_class, 0x11u);
    EXPECT_EQ(e.hdr.kev_subclass, 0x22u);
    EXPECT_EQ(e.hdr.event_code, 0x33u);
    EXPECT_EQ(e.hdr.id, last_event_id());
    EXPECT_EQ(std::string(e.payload.begin(), e.payload.end()), "one-two-three");
    // A payload-less event is the bare header.
    kev_msg bare = make_event(kVendor, 1, 1, 1);
    ASSERT_EQ(kev_post_msg(&bare), 0);
    EXPECT_EQ(nke_recv(ev.fd(), buf, sizeof buf, MSG_DONTWAIT), KEV_MSG_HEADER_SIZE);
}

NKE_TEST(KevPost, IdsAdvanceByOneWithOrWithoutListeners, "KEV-POST-007", "KEV-POST-008") {
    const uint32_t start = last_event_id();
    kev_msg m = make_event(kVendor, 1, 1, 1);
    ASSERT_EQ(kev_post_msg(&m), 0);   // nobody listens
    EXPECT_EQ(last_event_id(), start + 1);
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    ASSERT_EQ(kev_post_msg(&m), 0);
    ASSERT_EQ(kev_post_msg(&m), 0);
    auto got = ev.drain();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].hdr.id, start + 2);
    EXPECT_EQ(got[1].hdr.id, start + 3);
    uint32_t id = 0;
    ASSERT_EQ(nke_ioctl(ev.fd(), SIOCGKEVID, &id), 0);
    EXPECT_EQ(id, start + 3);
}

NKE_TEST(KevPost, FirstIdOfAnInstanceIsOne, "KEV-POST-007", "KEV-POST-008") {
    // Meaningful only in a fresh instance: the suite runs each test in a
    // process of its own, but batch mode may not.
    const uint32_t start = last_event_id();
    if (start != 0) GTEST_SKIP() << "not a fresh instance (last id " << start << ")";
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    kev_msg m = make_event(kVendor, 1, 1, 1);
    ASSERT_EQ(kev_post_msg(&m), 0);
    auto got = ev.drain();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].hdr.id, 1u);
}

NKE_TEST(KevPost, OneCopyPerMatchingSocket, "KEV-POST-009") {
    EventListener a(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    EventListener b(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    EventListener other(kVendor + 1, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    kev_msg m = make_event(kVendor, 1, 1, 7, "copy", 4);
    ASSERT_EQ(kev_post_msg(&m), 0);
    auto ga = a.drain(), gb = b.drain();
    ASSERT_EQ(ga.size(), 1u);
    ASSERT_EQ(gb.size(), 1u);
    EXPECT_EQ(ga[0].hdr.id, gb[0].hdr.id);
    EXPECT_EQ(ga[0].payload, gb[0].payload);
    EXPECT_TRUE(other.drain().empty());
}

NKE_TEST(KevPost, ConcurrentPostersKeepIdOrderPerSocket, "KEV-POST-010", "KEV-POST-017") {
    EventListener a(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    EventListener b(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    constexpr int kThreads = 4, kEach = 100;
    constexpr uint32_t kData = 1, kEnd = 2;
    // Readers run until the end marker, so a poster waiting for room in a
    // queue always makes progress.
    auto reader = [&](EventListener &ev, std::vector<uint32_t> &ids) {
        unsigned char buf[64];
        for (;;) {
            const ssize_t n = nke_recv(ev.fd(), buf, sizeof buf, 0);
            if (n <= 0) break;
            const Event e = decode_event(buf, static_cast<size_t>(n));
            ids.push_back(e.hdr.id);
            if (e.hdr.event_code == kEnd) break;
        }
    };
    auto post_until_delivered = [](uint32_t code) {
        kev_msg m = make_event(kVendor, 1, 1, code);
        int rc;
        while ((rc = kev_post_msg(&m)) == ENOBUFS) std::this_thread::yield();
        EXPECT_EQ(rc, 0);
    };
    std::vector<uint32_t> ids_a, ids_b;
    std::thread ra([&] { reader(a, ids_a); });
    std::thread rb([&] { reader(b, ids_b); });
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
        ts.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) post_until_delivered(kData);
        });
    }
    for (auto &t : ts) t.join();
    post_until_delivered(kEnd);
    ra.join();
    rb.join();
    EXPECT_GE(ids_a.size(), static_cast<size_t>(kThreads * kEach + 1));
    EXPECT_GE(ids_b.size(), static_cast<size_t>(kThreads * kEach + 1));
    EXPECT_TRUE(std::is_sorted(ids_a.begin(), ids_a.end())) << "ids out of order on a socket";
    EXPECT_TRUE(std::is_sorted(ids_b.begin(), ids_b.end())) << "ids out of order on a socket";
    EXPECT_EQ(std::adjacent_find(ids_a.begin(), ids_a.end()), ids_a.end()) << "duplicate id";
    EXPECT_EQ(std::adjacent_find(ids_b.begin(), ids_b.end()), ids_b.end()) << "duplicate id";
}

NKE_TEST(KevPost, FullQueueDropsForThatSocketOnly, "KEV-POST-011") {
    EventListener full(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    std::string payload(1000, 'q');
    kev_msg m = make_event(kVendor, 1, 1, 1, payload.data(), 1000);
    int queued = 0;
    int rc = 0;
    while ((rc = kev_post_msg(&m)) == 0) {
        ++queued;
        ASSERT_LE(queued * (KEV_MSG_HEADER_SIZE + 1000), KEV_RECVSPACE) << "queue over its bound";
    }
    ASSERT_EQ(rc, ENOBUFS);
    EventListener fresh(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    const auto before = counters();
    const uint32_t id = last_event_id();
    EXPECT_EQ(kev_post_msg(&m), ENOBUFS);
    EXPECT_EQ(counters().events_dropped, before.events_dropped + 1);
    EXPECT_EQ(last_event_id(), id + 1) << "the id is consumed";
    auto f = fresh.drain();
    ASSERT_EQ(f.size(), 1u) << "the other socket received it";
    EXPECT_EQ(f[0].hdr.id, id + 1);
    // The full socket holds what fitted, and nothing more.
    auto q = full.drain();
    EXPECT_EQ(static_cast<int>(q.size()), queued);
    for (const auto &e : q) EXPECT_LT(e.hdr.id, id + 1);
}

NKE_TEST(KevPost, CopyAllocationFailureDropsForThatSocket, "KEV-POST-012", "KEV-POST-013") {
    NKE_REQUIRE_HOOK(fail_alloc);
    EventListener a(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    EventListener b(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    kev_msg m = make_event(kVendor, 1, 1, 1, "x", 1);
    // Find, allocation by allocation, what happens: the first failure is
    // the message itself (nothing posted), later ones a copy (one socket
    // misses it).
    bool saw_message_failure = false, saw_copy_failure = false;
    for (uint64_t n = 1; n <= 16; ++n) {
        const auto before = counters();
        const uint32_t id = last_event_id();
        int rc;
        {
            FailAlloc fail(n, false);
            rc = kev_post_msg(&m);
        }
        const size_t got = a.drain().size() + b.drain().size();
        if (rc == 0) {
            EXPECT_EQ(got, 2u);
            break;
        }
        ASSERT_EQ(rc, ENOBUFS);
        if (last_event_id() == id) {
            saw_message_failure = true;
            EXPECT_EQ(got, 0u);
            EXPECT_EQ(counters().events_dropped, before.events_dropped);
        } else {
            saw_copy_failure = true;
            EXPECT_EQ(got, 1u) << "the other socket still received it";
            EXPECT_EQ(counters().events_dropped, before.events_dropped + 1);
        }
    }
    EXPECT_TRUE(saw_message_failure);
    EXPECT_TRUE(saw_copy_failure);
}

NKE_TEST(KevPost, ZeroWhenEveryoneGotIt, "KEV-POST-014") {
    const auto before = counters();
    kev_msg m = make_event(kVendor, 1, 1, 1);
    EXPECT_EQ(kev_post_msg(&m), 0) << "no listener at all";
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    EXPECT_EQ(kev_post_msg(&m), 0);
    EXPECT_EQ(counters().events_posted, before.events_posted + 2);
    EXPECT_EQ(counters().events_dropped, before.events_dropped);
}

NKE_TEST(KevPost, ShortReceiveTruncates, "KEV-POST-015") {
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    kev_msg m = make_event(kVendor, 1, 1, 1, "0123456789", 10);
    ASSERT_EQ(kev_post_msg(&m), 0);
    kev_msg m2 = make_event(kVendor, 1, 1, 2, "next", 4);
    ASSERT_EQ(kev_post_msg(&m2), 0);
    unsigned char buf[64];
    iovec iov{buf, 8};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    EXPECT_EQ(nke_recvmsg(ev.fd(), &msg, MSG_DONTWAIT), 8);
    EXPECT_TRUE(msg.msg_flags & MSG_TRUNC);
    auto rest = ev.drain();
    ASSERT_EQ(rest.size(), 1u) << "the rest of the first event was discarded";
    EXPECT_EQ(rest[0].hdr.event_code, 2u);
}

NKE_TEST(KevPost, MessageIsCopiedDuringTheCall, "KEV-POST-016") {
    EventListener ev(kVendor, KEV_ANY_CLASS, KEV_ANY_SUBCLASS);
    {
        std::string data = "transient";
        auto m = std::make_unique<kev_msg>(make_event(kVendor, 1, 1, 1, data.data(), 9));
        ASSERT_EQ(kev_post_msg(m.get()), 0);
        std::fill(data.begin(), data.end(), 'X');
        std::memset(m.get(), 0xee, sizeof *m);
    }
    auto got = ev.drain();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].hdr.vendor_code, kVendor);
    EXPECT_EQ(std::string(got[0].payload.begin(), got[0].payload.end()), "transient");
}
