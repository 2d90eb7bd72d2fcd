// spec/sockfilter.md — registering, unregistering and finding filters.
#include "sock_helpers.hpp"

#include <cstring>

using namespace nke::test;
using sf::ProbeFilter;

NKE_TEST(SfReg, RegistersAndIsFound, "SF-REG-001", "SF-FIND-001") {
    ProbeFilter f(0x72656731);
    const auto before = counters();
    EXPECT_EQ(find_nke(0x72656731), nullptr);
    ASSERT_EQ(f.reg(), 0);
    EXPECT_EQ(find_nke(0x72656731), &f.nfd());
    EXPECT_EQ(find_nke(0x72656732), nullptr);
    EXPECT_EQ(counters().sockfilters, before.sockfilters + 1);
    ASSERT_EQ(f.unreg(), 0);
    EXPECT_EQ(find_nke(0x72656731), nullptr);
    EXPECT_EQ(counters().sockfilters, before.sockfilters);
}

NKE_TEST(SfReg, NullIsEinval, "SF-REG-002") {
    const auto before = counters();
    EXPECT_EQ(register_sockfilter(nullptr, nullptr, nullptr, 0), EINVAL);
    Fixture::expect_unchanged(before, "register_sockfilter(NULL)");
}

NKE_TEST(SfReg, BadFlagsAndGlobalWithoutProtoAreEinval, "SF-REG-003") {
    loop::LoopDomain ld;
    ProbeFilter f(0x72656733, 'A', NFD_GLOBAL), g(0x72656734);
    const auto before = counters();
    EXPECT_EQ(register_sockfilter(&f.nfd(), nullptr, nullptr, 0), EINVAL);
    EXPECT_EQ(register_sockfilter(&f.nfd(), nullptr, &ld.dgram(), NFF_BEFORE | NFF_AFTER), EINVAL);
    EXPECT_EQ(register_sockfilter(&f.nfd(), nullptr, &ld.dgram(), 0x10), EINVAL);
    EXPECT_EQ(register_sockfilter(&g.nfd(), nullptr, nullptr, 0x100), EINVAL) << "also without NFD_GLOBAL";
    EXPECT_EQ(find_nke(0x72656733), nullptr);
    EXPECT_EQ(find_nke(0x72656734), nullptr);
    Fixture::expect_unchanged(before, "refused registrations");
}

NKE_TEST(SfReg, DuplicatesAreEexist, "SF-REG-004") {
    ProbeFilter f(0x72656735), same_handle(0x72656735, 'B');
    ASSERT_EQ(f.reg(), 0);
    const auto before = counters();
    EXPECT_EQ(register_sockfilter(&f.nfd(), nullptr, nullptr, 0), EEXIST);
    EXPECT_EQ(register_sockfilter(&same_handle.nfd(), nullptr, nullptr, 0), EEXIST);
    EXPECT_EQ(find_nke(0x72656735), &f.nfd());
    Fixture::expect_unchanged(before, "duplicate registrations");
    ASSERT_EQ(f.unreg(), 0);
    EXPECT_EQ(register_sockfilter(&f.nfd(), nullptr, nullptr, 0), 0) << "registered again";
    EXPECT_EQ(unregister_sockfilter(&f.nfd(), nullptr, 0), 0);
}

NKE_TEST(SfReg, UnknownProtoOrAnchorIsEnoent, "SF-REG-005") {
    loop::LoopDomain ld;
    struct protosw stray {};
    ProbeFilter f(0x72656736, 'A', NFD_GLOBAL), a(0x72656737, 'B', NFD_GLOBAL),
        prog(0x72656738, 'C');
    ASSERT_EQ(a.reg(&ld.stream()), 0);
    ASSERT_EQ(prog.reg(), 0);
    const auto before = counters();
    EXPECT_EQ(register_sockfilter(&f.nfd(), nullptr, &stray, 0), ENOENT);
    EXPECT_EQ(register_sockfilter(&f.nfd(), &a.nfd(), &ld.dgram(), 0), ENOENT) << "anchor on another protosw";
    EXPECT_EQ(register_sockfilter(&f.nfd(), &prog.nfd(), &ld.dgram(), 0), ENOENT) << "anchor not global";
    ProbeFilter unreg(0x72656739, 'D', NFD_GLOBAL);
    EXPECT_EQ(register_sockfilter(&f.nfd(), &unreg.nfd(), &ld.stream(), NFF_BEFORE), ENOENT);
    Fixture::expect_unchanged(before, "unknown protosw or anchor");
    EXPECT_EQ(a.unreg(), 0);
    EXPECT_EQ(prog.unreg(), 0);
}

NKE_TEST(SfReg, PlacementOnTheProtoswList, "SF-REG-006", "SF-ATTACH-001") {
    loop::LoopDomain ld;
    ProbeFilter a(0x70310001, 'A', NFD_GLOBAL), b(0x70310002, 'B', NFD_GLOBAL),
        c(0x70310003, 'C', NFD_GLOBAL), d(0x70310004, 'D', NFD_GLOBAL), e(0x70310005, 'E', NFD_GLOBAL);
    ASSERT_EQ(a.reg(&ld.dgram()), 0);                      // A
    ASSERT_EQ(b.reg(&ld.dgram(), nullptr, 0), 0);          // A B   (0: after, tail)
    ASSERT_EQ(c.reg(&ld.dgram(), nullptr, NFF_BEFORE), 0); // C A B (before, head)
    ASSERT_EQ(d.reg(&ld.dgram(), &a.nfd(), NFF_AFTER), 0); // C A D B
    ASSERT_EQ(e.reg(&ld.dgram(), &b.nfd(), NFF_BEFORE), 0);// C A D E B
    sf::clear_log();
    {
        Fd s = loop_socket(SOCK_DGRAM);
        EXPECT_EQ(sf::log_of(sf::socreate),
                  (std::vector<std::string>{"C.socreate", "A.socreate", "D.socreate", "E.socreate",
                                            "B.socreate"}));
        int n = 0;
        const std::vector<NFDescriptor *> want{&c.nfd(), &a.nfd(), &d.nfd(), &e.nfd(), &b.nfd()};
        for (struct kextcb *kp = so_getext(c.last(sf::socreate).so); kp; kp = kp->e_next, ++n) {
            ASSERT_LT(n, 5);
            EXPECT_EQ(kp->e_nfd, want[static_cast<size_t>(n)]);
        }
        EXPECT_EQ(n, 5);
    }
    for (ProbeFilter *f : {&a, &b, &c, &d, &e}) EXPECT_EQ(f->unreg(), 0);
}

NKE_TEST(SfReg, NonGlobalFiltersAttachOnlyThroughSoNke, "SF-REG-007") {
    loop::LoopDomain ld;
    ProbeFilter p(0x72656741, 'P', NFD_PROG | NFD_VISIBLE);
    struct protosw stray {};
    // pr, nfp1 and flags are ignored for a filter that is not global.
    ASSERT_EQ(register_sockfilter(&p.nfd(), &p.nfd(), &stray, NFF_AFTER), 0);
    {
        Fd s = loop_socket(SOCK_DGRAM);
        EXPECT_EQ(p.count(sf::socreate), 0);
        so_nke req{0x72656741, 0, 0};
        ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_NKE, &req, sizeof req), 0);
        EXPECT_EQ(p.count(sf::socreate), 1);
    }
    EXPECT_EQ(unregister_sockfilter(&p.nfd(), &stray, 12345), 0);
}

NKE_TEST(SfReg, LaterRegistrationDoesNotAttachToExistingSockets, "SF-REG-008") {
    loop::LoopDomain ld;
    ProbeFilter f(0x72656742, 'A', NFD_GLOBAL);
    Fd old = loop_socket(SOCK_DGRAM);
    ASSERT_EQ(f.reg(&ld.dgram()), 0);
    {
        Fd fresh = loop_socket(SOCK_DGRAM);
        EXPECT_EQ(f.count(sf::socreate), 1);
    }
    const auto to = loop::addr(1);
    EXPECT_EQ(nke_sendto(old, "x", 1, 0, loop::sa(to), loop::kAddrLen), -1);
    EXPECT_EQ(f.count(sf::sosend), 0) << "the old socket has no attachment";
    EXPECT_EQ(f.unreg(), 0) << "and does not hold the filter";
}

NKE_TEST(SfReg, AllocationFailureIsEnomem, "SF-REG-009") {
    NKE_REQUIRE_HOOK(fail_alloc);
    loop::LoopDomain ld;
    ProbeFilter f(0x72656743, 'A', NFD_GLOBAL);
    alloc_sweep([&] { return register_sockfilter(&f.nfd(), nullptr, &ld.dgram(), 0); },
                [&] { EXPECT_EQ(unregister_sockfilter(&f.nfd(), &ld.dgram(), 0), 0); }, {ENOMEM});
}

NKE_TEST(SfReg, OtherDescriptorFieldsAreLeftAlone, "SF-REG-010") {
    loop::LoopDomain ld;
    ProbeFilter f(0x72656744, 'A', NFD_GLOBAL | NFD_PROG);
    const NFDescriptor copy = f.nfd();
    ASSERT_EQ(f.reg(&ld.dgram()), 0);
    auto same = [&] {
        const NFDescriptor &n = f.nfd();
        EXPECT_EQ(n.nf_handle, copy.nf_handle);
        EXPECT_EQ(n.nf_flags, copy.nf_flags);
        EXPECT_EQ(n.nf_soif, copy.nf_soif);
        EXPECT_EQ(n.nf_soutil, copy.nf_soutil);
        EXPECT_EQ(n.nf_connect, copy.nf_connect);
        EXPECT_EQ(n.nf_set, copy.nf_set);
        EXPECT_EQ(std::memcmp(n.reserved, copy.reserved, sizeof n.reserved), 0);
    };
    same();
    EXPECT_EQ(f.unreg(), 0);
    same();
}

NKE_TEST(SfUnreg, RemovesAndStopsAttaching, "SF-UNREG-001") {
    loop::LoopDomain ld;
    ProbeFilter f(0x756e7231, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&ld.dgram()), 0);
    const auto before = counters();
    ASSERT_EQ(f.unreg(), 0);
    EXPECT_EQ(find_nke(0x756e7231), nullptr);
    EXPECT_EQ(counters().sockfilters, before.sockfilters - 1);
    Fd s = loop_socket(SOCK_DGRAM);
    EXPECT_EQ(f.count(sf::socreate), 0);
    ASSERT_EQ(f.reg(&ld.dgram()), 0) << "may be registered again";
    s.reset();
    EXPECT_EQ(f.unreg(), 0);
}

NKE_TEST(SfUnreg, ArgumentErrors, "SF-UNREG-002") {
    loop::LoopDomain ld;
    ProbeFilter g(0x756e7232, 'G', NFD_GLOBAL), p(0x756e7233, 'P');
    ASSERT_EQ(g.reg(&ld.dgram()), 0);
    ASSERT_EQ(p.reg(), 0);
    const auto before = counters();
    EXPECT_EQ(unregister_sockfilter(nullptr, nullptr, 0), EINVAL);
    EXPECT_EQ(unregister_sockfilter(&g.nfd(), &ld.stream(), 0), EINVAL) << "another protosw";
    EXPECT_EQ(unregister_sockfilter(&g.nfd(), nullptr, 0), EINVAL);
    ProbeFilter never(0x756e7234);
    EXPECT_EQ(unregister_sockfilter(&never.nfd(), nullptr, 0), ENOENT);
    Fixture::expect_unchanged(before, "refused unregistrations");
    EXPECT_EQ(unregister_sockfilter(&p.nfd(), &ld.stream(), 99), 0) << "pr and flags ignored";
    EXPECT_EQ(unregister_sockfilter(&p.nfd(), nullptr, 0), ENOENT) << "twice";
    EXPECT_EQ(unregister_sockfilter(&g.nfd(), &ld.dgram(), 0), 0);
}

NKE_TEST(SfUnreg, BusyWhileASocketCarriesIt, "SF-UNREG-003") {
    loop::LoopDomain ld;
    ProbeFilter g(0x756e7235, 'G', NFD_GLOBAL), p(0x756e7236, 'P');
    ASSERT_EQ(g.reg(&ld.dgram()), 0);
    ASSERT_EQ(p.reg(), 0);
    Fd s = loop_socket(SOCK_DGRAM);
    so_nke req{0x756e7236, 0, 0};
    ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_NKE, &req, sizeof req), 0);
    const auto before = counters();
    EXPECT_EQ(g.unreg(), EBUSY);
    EXPECT_EQ(p.unreg(), EBUSY);
    EXPECT_EQ(find_nke(0x756e7235), &g.nfd());
    Fixture::expect_unchanged(before, "unregistering a filter in use");
    s.reset();
    EXPECT_EQ(g.unreg(), 0);
    EXPECT_EQ(p.unreg(), 0);
}
