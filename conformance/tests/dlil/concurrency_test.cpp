// spec/dlil.md — concurrency: driver threads and attach/detach at once.
#include "dl_util.hpp"

#include <thread>

using namespace dltest;

NKE_TIMEOUT(DlilConc, TwoDriversInjectWhileFiltersChurn, 120);
NKE_TEST(DlilConc, TwoDriversInjectWhileFiltersChurn, "DLIL-CONC-001", "DLIL-CONC-003") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    // A filter counts its calls; once detached it must never be called again.
    struct Counting {
        dlil_if_flt_str f{};
        std::atomic<int> calls{0};
        std::atomic<bool> detached{false};
        std::atomic<int> late{0};
    };
    auto make = [](Counting &c) {
        c.f.cookie = &c;
        c.f.filter_if_input = [](void *k, ifnet **, struct mbuf **, char **) -> int {
            auto *s = static_cast<Counting *>(k);
            if (s->detached.load()) s->late.fetch_add(1);
            s->calls.fetch_add(1);
            return 0;
        };
        c.f.filter_detach = [](void *k) -> int {
            static_cast<Counting *>(k)->detached.store(true);
            return 0;
        };
    };
    std::atomic<bool> stop{false};
    constexpr int kPerThread = 3000;
    auto driver = [&] {
        for (int k = 0; k < kPerThread; ++k) {
            struct mbuf *m = eth_frame(kOurMac, kTypeA);
            if (m) {
                EXPECT_EQ(dlil_input(&d.ifp, m, m), 0);
            }
        }
    };
    std::thread t1(driver), t2(driver);
    int churns = 0;
    std::vector<std::unique_ptr<Counting>> done;
    while (true) {
        auto c = std::make_unique<Counting>();
        make(*c);
        unsigned long id = 0;
        ASSERT_EQ(dlil_attach_interface_filter(&d.ifp, &c->f, &id, DLIL_LAST_FILTER), 0);
        std::this_thread::yield();
        ASSERT_EQ(dlil_detach_filter(id), 0);
        // Outside any callback: filter_detach has run when the detach returns.
        EXPECT_TRUE(c->detached.load());
        done.push_back(std::move(c));
        ++churns;
        if (p.inputs.load() >= 2 * kPerThread) break;
        if (churns > 200000) break;
    }
    t1.join();
    t2.join();
    stop = true;
    EXPECT_EQ(p.received(), static_cast<size_t>(2 * kPerThread));
    for (auto &c : done) EXPECT_EQ(c->late.load(), 0);
    EXPECT_EQ(d.ifp.if_data.ifi_ipackets, static_cast<uint64_t>(2 * kPerThread));
}

NKE_TEST(DlilConc, DetachFromCallbackWhileOtherThreadWaitsIsDeadlockFree, "DLIL-CONC-002") {
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    // Each frame's filter attaches and detaches another filter, and sends
    // a frame out, from inside its callback.
    static Driver *drv;
    static Proto *proto;
    drv = &d;
    proto = &p;
    IfFilter f("f");
    // "extra" must outlive its pending filter_detach: a static.
    static IfFilter extra("extra");
    f.f.filter_if_input = [](void *, ifnet **, struct mbuf **, char **) -> int {
        EXPECT_EQ(extra.attach(*drv), 0);
        EXPECT_EQ(dlil_detach_filter(extra.id), 0);
        EXPECT_EQ(dlil_output(proto->tag, packet(std::vector<uint8_t>(4, 1)), nullptr, nullptr, 1), 0);
        return 0;
    };
    ASSERT_EQ(f.attach(d), 0);
    const int before = extra.detach_calls.load();
    std::thread t([&] { d.input(eth_frame(kOurMac, kTypeA)); });
    t.join();
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(p.received(), 2u);
    EXPECT_EQ(d.sent(), 2u);
    EXPECT_EQ(extra.detach_calls.load(), before + 2);
    extra.id = 0;
}

NKE_TEST(DlilConc, IfDetachFromCallbackDefersIfFree, "DLIL-CONC-005") {
    auto owned = std::make_unique<Driver>("tst");
    Driver *d = owned.get();
    ASSERT_EQ(d->attach(), 0);
    static int detach_rc;
    static int free_calls_inside;
    static Driver *drv;
    drv = d;
    IfFilter f("f");
    f.f.filter_if_input = [](void *, ifnet **, struct mbuf **m, char **) -> int {
        detach_rc = dlil_if_detach(&drv->ifp);
        free_calls_inside = drv->if_free_calls.load();
        m_freem(*m);
        return EJUSTRETURN;
    };
    ASSERT_EQ(f.attach(*d), 0);
    d->input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(detach_rc, DLIL_WAIT_FOR_FREE);
    EXPECT_EQ(free_calls_inside, 0);
    EXPECT_EQ(d->if_free_calls.load(), 1);  // once the input call returned
    EXPECT_EQ(f.detach_calls.load(), 1);
    d->attached = false;
    f.id = 0;
}
