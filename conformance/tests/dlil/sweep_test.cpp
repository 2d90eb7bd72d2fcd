// spec/dlil.md — allocation-failure sweeps (the SQLite loop, HARN-FAIL-*):
// every DLIL call that allocates is made with its 1st, 2nd, ... allocation
// failing, transiently and then persistently, until it succeeds.  Each failed
// attempt must return the chapter's errno and change nothing; afterwards the
// call works with nothing armed (alloc_sweep).  The single-shot tests beside
// each rule check the first allocation only.
#include "dl_util.hpp"

using namespace dltest;
using nke::test::alloc_sweep;

NKE_TEST(DlilSweep, InterfaceAttach, "DLIL-IF-010", "HARN-FAIL-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    Driver d("swp");
    const uint64_t n = alloc_sweep([&] { return d.attach(); }, [&] { EXPECT_EQ(d.detach(), 0); }, {ENOMEM});
    EXPECT_GE(n, 2u) << "no allocation of the call reached the failure point (HARN-FAIL-001)";
}

NKE_TEST(DlilSweep, ProtocolAttach, "DLIL-PROTO-007", "HARN-FAIL-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    Driver d("swp");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    const uint64_t n = alloc_sweep(
        [&] {
            const int rc = p.attach(d);
            if (rc != 0) {
                EXPECT_EQ(p.tag, 0u) << "a failed attach issued a tag";
            }
            return rc;
        },
        [&] { EXPECT_EQ(p.detach(), 0); }, {ENOMEM, ENOBUFS});
    EXPECT_GE(n, 2u) << "no allocation of the call reached the failure point (HARN-FAIL-001)";
    // The protocol attached after the sweep still receives its frames.
    ASSERT_EQ(p.attach(d), 0);
    d.input(eth_frame(kOurMac, kTypeA));
    EXPECT_EQ(p.received(), 1u);
}

namespace {
// Either kind of filter (IfFilter on a Driver, PrFilter on a Proto): a
// successful attach is undone, and a failed one must not have called
// filter_detach.
template <class Filter, class Target>
void sweep_filter_attach(Filter &f, Target &on) {
    const uint64_t n = alloc_sweep([&] { return f.attach(on); },
                                   [&] {
                                       EXPECT_EQ(f.detach(), 0);
                                       f.detach_calls.store(0);
                                   },
                                   {ENOBUFS});
    EXPECT_GE(n, 2u) << "no allocation of the call reached the failure point (HARN-FAIL-001)";
    EXPECT_EQ(f.detach_calls.load(), 0) << "filter_detach of a filter that was never attached";
}
}  // namespace

NKE_TEST(DlilSweep, InterfaceFilterAttach, "DLIL-FLT-008", "HARN-FAIL-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    Driver d("swp");
    ASSERT_EQ(d.attach(), 0);
    IfFilter f("f");
    sweep_filter_attach(f, d);
}

NKE_TEST(DlilSweep, ProtocolFilterAttach, "DLIL-FLT-008", "HARN-FAIL-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    Driver d("swp");
    ASSERT_EQ(d.attach(), 0);
    Proto p("p", kPfA);
    p.etype2(kTypeA);
    ASSERT_EQ(p.attach(d), 0);
    PrFilter f("f");
    sweep_filter_attach(f, p);
}

NKE_TEST(DlilSweep, FamilyRegistration, "DLIL-FAM-005", "HARN-FAIL-004") {
    NKE_REQUIRE_HOOK(fail_alloc);
    const uint32_t family = next_family();
    dlil_ifmod_reg_str r = CustomFamily::reg();
    const uint64_t n = alloc_sweep([&] { return dlil_reg_if_modules(family, &r); },
                                   [&] { EXPECT_EQ(dlil_dereg_if_modules(family), 0); }, {ENOMEM});
    EXPECT_GE(n, 2u) << "no allocation of the call reached the failure point (HARN-FAIL-001)";
}
