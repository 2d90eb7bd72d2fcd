// spec/dlil.md — ownership under random stage verdicts: every frame is freed
// exactly once by the stack or kept by exactly one stage (DLIL-OWN-*).
#include "dl_util.hpp"

#include <random>

using namespace dltest;

namespace {

// A stage verdict drawn at random: go on, keep (EJUSTRETURN), refuse (an
// error: the stack frees), or free and clear *m then return 0 or an error.
enum class Verdict { go, keep, refuse, dispose_ok, dispose_err };

struct Chaos {
    std::mt19937 rng{20261127};
    std::vector<struct mbuf *> kept;
    Verdict draw() { return static_cast<Verdict>(rng() % 5); }
    int apply(struct mbuf **m) {
        switch (draw()) {
        case Verdict::go: return 0;
        case Verdict::keep: kept.push_back(*m); return EJUSTRETURN;
        case Verdict::refuse: return EPERM;
        case Verdict::dispose_ok: m_freem(*m); *m = nullptr; return 0;
        case Verdict::dispose_err: m_freem(*m); *m = nullptr; return ENOSR;
        }
        return 0;
    }
    ~Chaos() { free_all(kept); }
};
Chaos *g_chaos;

}  // namespace

NKE_TEST(DlilOwn, RandomVerdictsNeverLeakOrDoubleFree, "DLIL-OWN-001", "DLIL-OWN-002", "DLIL-OWN-003") {
    Chaos chaos;
    g_chaos = &chaos;
    Driver d("tst");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    // dl_input owns the frame on 0 and EJUSTRETURN; on an error the stack
    // frees it, so the protocol must not (DLIL-INPUT-014).
    p.reg.input = [](struct mbuf *m, char *, ifnet *, unsigned long, int) -> int {
        switch (g_chaos->draw()) {
        case Verdict::go: g_chaos->kept.push_back(m); return 0;
        case Verdict::keep: g_chaos->kept.push_back(m); return EJUSTRETURN;
        case Verdict::dispose_ok: m_freem(m); return 0;
        default: return EPERM;
        }
    };
    p.reg.pre_output = [](ifnet *, struct mbuf **m, const nke_sockaddr *, void *, char *, char *,
                          unsigned long) -> int { return g_chaos->apply(m); };
    ASSERT_EQ(p.attach(d), 0);
    std::vector<std::unique_ptr<IfFilter>> ifs;
    std::vector<std::unique_ptr<PrFilter>> prs;
    for (int k = 0; k < 3; ++k) {
        ifs.push_back(std::make_unique<IfFilter>("i" + std::to_string(k)));
        ifs.back()->f.filter_if_input = [](void *, ifnet **, struct mbuf **m, char **) -> int {
            return g_chaos->apply(m);
        };
        ifs.back()->f.filter_if_output = [](void *, ifnet **, struct mbuf **m) -> int {
            return g_chaos->apply(m);
        };
        ASSERT_EQ(ifs.back()->attach(d), 0);
    }
    for (int k = 0; k < 2; ++k) {
        prs.push_back(std::make_unique<PrFilter>("p" + std::to_string(k)));
        prs.back()->f.filter_dl_input = [](void *, struct mbuf **m, char **, ifnet **) -> int {
            return g_chaos->apply(m);
        };
        prs.back()->f.filter_dl_output = [](void *, struct mbuf **m, ifnet **, nke_sockaddr **, char *,
                                            char *) -> int { return g_chaos->apply(m); };
        ASSERT_EQ(prs.back()->attach(p), 0);
    }
    const uint64_t base_mbufs = nke::test::counters().mbufs;
    for (int k = 0; k < 3000; ++k) {
        const uint16_t type = (k % 3 == 0) ? kTypeB : kTypeA;  // some unclaimed
        EXPECT_EQ(d.input(eth_frame(kOurMac, type, 20 + k % 200)), 0);
        const int rc = dlil_output(p.tag, packet(std::vector<uint8_t>(10 + k % 300, 1)), nullptr,
                                   nullptr, k % 2);
        EXPECT_TRUE(rc == 0 || rc == EPERM || rc == ENOSR) << rc;
    }
    // Live mbufs: exactly the frames some stage kept, the ones the protocol
    // kept (its dl_input returned 0 or EJUSTRETURN without freeing) and what
    // the driver holds.
    size_t chains = chaos.kept.size() + d.sent();
    uint64_t live = 0;
    for (auto *m : chaos.kept) for (struct mbuf *n = m; n; n = n->m_next) ++live;
    for (auto *m : d.out) for (struct mbuf *n = m; n; n = n->m_next) ++live;
    EXPECT_EQ(nke::test::counters().mbufs, base_mbufs + live) << chains << " chains kept";
    EXPECT_EQ(nke::test::counters().mbuf_double_frees, baseline().mbuf_double_frees);
    EXPECT_GT(chaos.kept.size(), 0u);
    EXPECT_GT(d.sent(), 0u);
}
