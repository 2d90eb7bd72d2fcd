// spec/mbuf.md — allocation-failure sweeps (SQLite style) over every
// allocating call: for N = 1, 2, ... make the Nth allocation attempt fail
// (once transiently, once persistently) until the call succeeds.  Each
// failure must have the call's defined outcome, leak nothing, and leave a
// stack that still works.
#include <cstring>

#include "mbuf_helpers.hpp"

namespace {

// attempt(nth, persistent) sets up its inputs, arms the failure point, makes
// the call, checks the outcome (failure or success), frees everything and
// returns whether the call succeeded.
template <class Attempt>
void sweep(Attempt attempt, const char *what) {
    for (bool persistent : {false, true}) {
        bool ok = false;
        for (uint64_t n = 1; n <= 64 && !ok; ++n) {
            SCOPED_TRACE(std::string(what) + (persistent ? ", persistent" : ", transient") +
                         ", failing attempt " + std::to_string(n));
            const auto before = nke::test::counters();
            ok = attempt(n, persistent);
            mbt::expect_unchanged(before, what);
            struct mbuf *probe = m_getpacket();  // the stack still works
            EXPECT_NE(probe, nullptr);
            m_freem(probe);
            if (::testing::Test::HasFailure()) return;
        }
        EXPECT_TRUE(ok) << what << " never succeeded";
    }
}

// The outcome of a call that returns an mbuf pointer and allocates nothing
// on failure.
template <class Call>
bool simple(uint64_t n, bool persistent, Call call) {
    const auto before = nke::test::counters();
    struct mbuf *m;
    {
        nke::test::FailAlloc fail(n, persistent);
        m = call();
    }
    if (m == nullptr) {
        mbt::expect_unchanged(before, "a failed allocation");
        return false;
    }
    m_freem(m);
    return true;
}

}  // namespace

NKE_TEST(MbufSweep, Get, "MBUF-ALLOC-001", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep([](uint64_t n, bool p) { return simple(n, p, [] { return m_get(M_WAIT, MT_DATA); }); },
          "m_get");
}

NKE_TEST(MbufSweep, Gethdr, "MBUF-ALLOC-002", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep([](uint64_t n, bool p) { return simple(n, p, [] { return m_gethdr(M_WAIT, MT_DATA); }); },
          "m_gethdr");
}

NKE_TEST(MbufSweep, Getclr, "MBUF-ALLOC-006", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep([](uint64_t n, bool p) { return simple(n, p, [] { return m_getclr(M_WAIT, MT_DATA); }); },
          "m_getclr");
}

NKE_TEST(MbufSweep, Getpacket, "MBUF-ALLOC-007", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep([](uint64_t n, bool p) { return simple(n, p, [] { return m_getpacket(); }); },
          "m_getpacket");
}

NKE_TEST(MbufSweep, Devget, "MBUF-DEVGET-004", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    const auto src = mbt::pattern(5000);
    sweep(
        [&](uint64_t n, bool p) {
            return simple(n, p, [&] {
                struct mbuf *m = m_devget(reinterpret_cast<const char *>(src.data()), 5000, 0, nullptr);
                if (m) {
                    EXPECT_EQ(mbt::bytes(m), src);
                }
                return m;
            });
        },
        "m_devget");
}

NKE_TEST(MbufSweep, Mclget, "MBUF-CLUSTER-002", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep(
        [](uint64_t n, bool p) {
            struct mbuf *m = mbt::make_chain({50});
            const auto old = mbt::shape(m);
            const auto before = nke::test::counters();
            {
                nke::test::FailAlloc fail(n, p);
                EXPECT_EQ(m_mclget(m, M_WAIT), m);
            }
            const bool ok = (m->m_flags & M_EXT) != 0;
            if (!ok) {
                EXPECT_EQ(mbt::shape(m), old);
                mbt::expect_unchanged(before, "a failed m_mclget");
            }
            EXPECT_EQ(mbt::bytes(m), mbt::pattern(50));
            m_freem(m);
            return ok;
        },
        "m_mclget");
}

NKE_TEST(MbufSweep, Copym, "MBUF-COPYM-007", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep(
        [](uint64_t n, bool p) {
            struct mbuf *m = mbt::make_chain({100, 1500, 100, 200});
            const auto old = mbt::shape(m);
            const auto before = nke::test::counters();
            struct mbuf *c;
            {
                nke::test::FailAlloc fail(n, p);
                c = m_copym(m, 0, M_COPYALL, M_WAIT);
            }
            if (c == nullptr) {
                mbt::expect_unchanged(before, "a failed m_copym");
            } else {
                EXPECT_EQ(mbt::bytes(c), mbt::pattern(1900));
            }
            EXPECT_EQ(mbt::shape(m), old);
            m_freem(c);
            EXPECT_EQ(m_mclhasreference(m->m_next), 0);
            m_freem(m);
            return c != nullptr;
        },
        "m_copym");
}

NKE_TEST(MbufSweep, CopybackExtending, "MBUF-COPYBACK-004", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    const auto src = mbt::pattern(3000, 9);
    sweep(
        [&](uint64_t n, bool p) {
            struct mbuf *m = mbt::make_chain({100, 100});
            const auto old = mbt::shape(m);
            const auto before = nke::test::counters();
            int rc;
            {
                nke::test::FailAlloc fail(n, p);
                rc = m_copyback(m, 150, 3000, src.data());
            }
            if (rc == ENOBUFS) {
                EXPECT_EQ(mbt::shape(m), old);
                EXPECT_EQ(mbt::bytes(m), mbt::pattern(200));
                mbt::expect_unchanged(before, "a failed m_copyback");
            } else {
                EXPECT_EQ(rc, 0);
                EXPECT_EQ(m->m_pkthdr.len, 3150);
            }
            m_freem(m);
            return rc == 0;
        },
        "m_copyback");
}

// The calls whose failure frees the chain: the chain is built inside the
// attempt, so "nothing left" means the chain went too.
template <class Call>
bool frees_on_failure(uint64_t n, bool persistent, Call call, int want_len) {
    const auto before = nke::test::counters();
    struct mbuf *m = mbt::make_chain({1000, 100});
    m->m_len = 20;  // 20 bytes at the very start of a cluster: no leading space
    m->m_pkthdr.len = 120;
    struct mbuf *r;
    {
        nke::test::FailAlloc fail(n, persistent);
        r = call(m);
    }
    if (r == nullptr) {
        mbt::expect_unchanged(before, "a failure that frees the chain");
        return false;
    }
    EXPECT_EQ(r->m_pkthdr.len, want_len);
    EXPECT_EQ(mbt::chain_len(r), want_len);
    m_freem(r);
    return true;
}

NKE_TEST(MbufSweep, Pullup, "MBUF-PULLUP-006", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep([](uint64_t n, bool p) {
        return frees_on_failure(n, p, [](struct mbuf *m) { return m_pullup(m, 60); }, 120);
    }, "m_pullup");
}

NKE_TEST(MbufSweep, Prepend, "MBUF-PREPEND-004", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep([](uint64_t n, bool p) {
        return frees_on_failure(n, p, [](struct mbuf *m) { return m_prepend(m, 14, M_WAIT); }, 134);
    }, "m_prepend");
}

NKE_TEST(MbufSweep, Prepend2, "MBUF-PREPEND-004", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep([](uint64_t n, bool p) {
        return frees_on_failure(n, p, [](struct mbuf *m) { return m_prepend_2(m, 14, M_WAIT); }, 134);
    }, "m_prepend_2");
}

NKE_TEST(MbufSweep, Split, "MBUF-SPLIT-005", "MBUF-ALLOC-008") {
    NKE_REQUIRE_HOOK(fail_alloc);
    sweep(
        [](uint64_t n, bool p) {
            struct mbuf *m = mbt::make_chain({100, 200});
            const auto old = mbt::shape(m);
            const auto before = nke::test::counters();
            struct mbuf *t;
            {
                nke::test::FailAlloc fail(n, p);
                t = m_split(m, 120, M_WAIT);
            }
            if (t == nullptr) {
                EXPECT_EQ(mbt::shape(m), old);
                mbt::expect_unchanged(before, "a failed m_split");
            } else {
                EXPECT_EQ(t->m_pkthdr.len, 180);
                EXPECT_EQ(mbt::bytes(t), mbt::pattern(180, 1, 120));
            }
            m_freem(t);
            m_freem(m);
            return t != nullptr;
        },
        "m_split");
}
