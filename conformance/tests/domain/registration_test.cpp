// spec/domain.md — registering, removing and finding domains and protosws.
#include "domain_helpers.hpp"

using namespace nke::test;
using namespace nke::test::domtest;

namespace {

void init_a() { note("dom_init"); }
void pr_init_1() { note("pr_init 1"); }
void pr_init_2() { note("pr_init 2"); }
void pr_init_late() { note("pr_init late"); }

TestProto *g_late = nullptr;
struct domain *g_self = nullptr;
int g_add_from_init = -1;
void init_adds_proto() {
    note("dom_init");
    g_add_from_init = net_add_proto(&g_late->p, g_self);
}

}  // namespace

NKE_TEST(DomainAdd, RegistersAndIsFound, "DOM-ADD-001", "DOM-FIND-001") {
    TestDomain t(42);
    const auto before = counters();
    EXPECT_EQ(pffinddomain(42), nullptr);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(pffinddomain(42), &t.d);
    EXPECT_EQ(counters().domains, before.domains + 1);
    ASSERT_EQ(net_del_domain(&t.d), 0);
    EXPECT_EQ(pffinddomain(42), nullptr);
}

NKE_TEST(DomainAdd, NullIsEinval, "DOM-ADD-002") {
    const auto before = counters();
    EXPECT_EQ(net_add_domain(nullptr), EINVAL);
    Fixture::expect_unchanged(before, "net_add_domain(NULL)");
}

NKE_TEST(DomainAdd, ChainedProtoWithoutUsrreqsIsEinval, "DOM-ADD-003") {
    take_log();
    TestDomain t(42, 2, init_a);
    t.p[1].pr_usrreqs = nullptr;
    t.p[0].pr_init = pr_init_1;
    const auto before = counters();
    EXPECT_EQ(net_add_domain(&t.d), EINVAL);
    EXPECT_EQ(pffinddomain(42), nullptr);
    EXPECT_EQ(pffindproto(42, 1, SOCK_DGRAM), nullptr);
    EXPECT_TRUE(take_log().empty()) << "dom_init or pr_init ran";
    Fixture::expect_unchanged(before, "a refused net_add_domain");
}

NKE_TEST(DomainAdd, SameFamilyIsEexist, "DOM-ADD-004") {
    TestDomain a(42), b(42);
    ASSERT_EQ(net_add_domain(&a.d), 0);
    const auto before = counters();
    EXPECT_EQ(net_add_domain(&b.d), EEXIST);
    EXPECT_EQ(net_add_domain(&a.d), EEXIST) << "the same domain twice";
    EXPECT_EQ(pffinddomain(42), &a.d);
    Fixture::expect_unchanged(before, "a duplicate net_add_domain");
}

NKE_TEST(DomainAdd, DuplicateChainedProtoIsEexist, "DOM-ADD-005") {
    TestDomain t(42, 2);
    t.p[1].pr_protocol = t.p[0].pr_protocol;
    const auto before = counters();
    EXPECT_EQ(net_add_domain(&t.d), EEXIST);
    EXPECT_EQ(pffinddomain(42), nullptr);
    Fixture::expect_unchanged(before, "duplicate (type, protocol) in the chain");
}

NKE_TEST(DomainAdd, ChainedProtoRegisteredElsewhereIsEexist, "DOM-ADD-005") {
    TestDomain a(42, 1), b(43);
    ASSERT_EQ(net_add_domain(&a.d), 0);
    b.d.dom_protosw = &a.p[0];  // the same protosw on a second domain
    const auto before = counters();
    EXPECT_EQ(net_add_domain(&b.d), EEXIST);
    EXPECT_EQ(pffinddomain(43), nullptr);
    EXPECT_EQ(a.p[0].pr_domain, &a.d);
    Fixture::expect_unchanged(before, "a protosw registered twice");
    b.d.dom_protosw = nullptr;
}

NKE_TEST(DomainAdd, CyclicChainIsEinval, "DOM-ADD-006") {
    TestDomain t(42, 2);
    t.p[1].pr_next = &t.p[0];
    const auto before = counters();
    EXPECT_EQ(net_add_domain(&t.d), EINVAL);
    EXPECT_EQ(pffinddomain(42), nullptr);
    Fixture::expect_unchanged(before, "a cyclic protosw chain");
    t.p[1].pr_next = nullptr;
}

NKE_TEST(DomainAdd, ChainedProtosAreRegistered, "DOM-ADD-007") {
    TestDomain t(42, 2);
    t.p[0].pr_refs = 7;  // garbage the stack must reset
    const auto before = counters();
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(counters().protosws, before.protosws + 2);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(t.p[i].pr_domain, &t.d);
        EXPECT_EQ(t.p[i].pr_refs, 0);
        EXPECT_EQ(pffindproto(42, i + 1, SOCK_DGRAM), &t.p[i]);
    }
    EXPECT_EQ(pffindtype(42, SOCK_DGRAM), &t.p[0]);
}

NKE_TEST(DomainAdd, DomInitRunsOnceBeforeReturn, "DOM-ADD-008") {
    take_log();
    TestDomain t(42, 0, init_a);
    t.d.dom_refs = 5;
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(take_log(), std::vector<std::string>{"dom_init"});
    EXPECT_EQ(t.d.dom_refs, 0);
    // A NULL dom_init is fine.
    TestDomain u(43);
    EXPECT_EQ(net_add_domain(&u.d), 0);
}

NKE_TEST(DomainAdd, PrInitOfChainedProtosAfterDomInitInOrder, "DOM-ADD-009") {
    take_log();
    TestDomain t(42, 2, init_a);
    t.p[0].pr_init = pr_init_1;
    t.p[1].pr_init = pr_init_2;
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"dom_init", "pr_init 1", "pr_init 2"}));
}

NKE_TEST(DomainAdd, DomInitMayAddProtocols, "DOM-ADD-010", "PROTO-ADD-002") {
    take_log();
    TestDomain t(42, 1, init_adds_proto);
    t.p[0].pr_init = pr_init_1;
    TestProto late(SOCK_STREAM, 9, pr_init_late);
    g_late = &late;
    g_self = &t.d;
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(g_add_from_init, 0);
    EXPECT_EQ(pffindproto(42, 9, SOCK_STREAM), &late.p);
    EXPECT_EQ(late.p.pr_domain, &t.d);
    // dom_init first; the late protocol is initialised once, by net_add_proto.
    EXPECT_EQ(take_log(), (std::vector<std::string>{"dom_init", "pr_init late", "pr_init 1"}));
}

NKE_TEST(DomainAdd, AllocationFailureIsEnomem, "DOM-ADD-011") {
    NKE_REQUIRE_HOOK(fail_alloc);
    TestDomain t(42, 2);
    alloc_sweep([&] { return net_add_domain(&t.d); }, [&] { EXPECT_EQ(net_del_domain(&t.d), 0); },
                {ENOMEM});
}

NKE_TEST(DomainDel, RemovesTheDomainAndItsProtos, "DOM-DEL-001") {
    TestDomain t(42, 2);
    const auto before = counters();
    ASSERT_EQ(net_add_domain(&t.d), 0);
    ASSERT_EQ(net_del_domain(&t.d), 0);
    EXPECT_EQ(pffinddomain(42), nullptr);
    EXPECT_EQ(pffindproto(42, 1, SOCK_DGRAM), nullptr);
    EXPECT_EQ(pffindtype(42, SOCK_DGRAM), nullptr);
    EXPECT_EQ(counters().domains, before.domains);
    EXPECT_EQ(counters().protosws, before.protosws);
}

NKE_TEST(DomainDel, NullIsEinval, "DOM-DEL-002") {
    const auto before = counters();
    EXPECT_EQ(net_del_domain(nullptr), EINVAL);
    Fixture::expect_unchanged(before, "net_del_domain(NULL)");
}

NKE_TEST(DomainDel, UnregisteredIsEpfnosupport, "DOM-DEL-003") {
    TestDomain t(42);
    const auto before = counters();
    EXPECT_EQ(net_del_domain(&t.d), EPFNOSUPPORT);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    ASSERT_EQ(net_del_domain(&t.d), 0);
    EXPECT_EQ(net_del_domain(&t.d), EPFNOSUPPORT) << "removed twice";
    Fixture::expect_unchanged(before, "net_del_domain of an unregistered domain");
}

NKE_TEST(DomainDel, BusyWhileSocketsLive, "DOM-DEL-004") {
    loop::LoopDomain ld;
    ASSERT_EQ(ld.rc(), 0);
    Fd s = loop_socket(SOCK_DGRAM);
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    const auto before = counters();
    EXPECT_EQ(net_del_domain(&ld.dom()), EBUSY);
    EXPECT_EQ(pffinddomain(loop::kFamily), &ld.dom());
    Fixture::expect_unchanged(before, "a refused net_del_domain");
    s.reset();
    EXPECT_EQ(ld.dom().dom_refs, 0);
}

NKE_TEST(DomainDel, BusyWhileAGlobalFilterIsRegistered, "DOM-DEL-005") {
    loop::LoopDomain ld;
    sf::ProbeFilter f(0x64656c35, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&ld.dgram()), 0);
    const auto before = counters();
    EXPECT_EQ(net_del_domain(&ld.dom()), EBUSY);
    EXPECT_EQ(pffinddomain(loop::kFamily), &ld.dom());
    Fixture::expect_unchanged(before, "net_del_domain with a global filter");
    EXPECT_EQ(f.unreg(), 0);
}

NKE_TEST(DomainDel, CanBeRegisteredAgain, "DOM-DEL-006") {
    take_log();
    TestDomain t(42, 1, init_a);
    t.p[0].pr_init = pr_init_1;
    ASSERT_EQ(net_add_domain(&t.d), 0);
    ASSERT_EQ(net_del_domain(&t.d), 0);
    EXPECT_EQ(take_log().size(), 2u) << "net_del_domain called an NKE routine";
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(take_log(), (std::vector<std::string>{"dom_init", "pr_init 1"}));
    EXPECT_EQ(pffindproto(42, 1, SOCK_DGRAM), &t.p[0]);
}

NKE_TEST(DomainBuiltin, PfSystemCannotBeRemoved, "DOM-BUILTIN-001") {
    struct domain *sys = pffinddomain(PF_SYSTEM);
    if (sys == nullptr) GTEST_SKIP() << "no PF_SYSTEM domain in this implementation";
    const auto before = counters();
    EXPECT_EQ(net_del_domain(sys), EBUSY);
    EXPECT_EQ(pffinddomain(PF_SYSTEM), sys);
    if (struct protosw *p = sys->dom_protosw) {
        EXPECT_EQ(net_del_proto(p->pr_type, p->pr_protocol, sys), EBUSY);
        EXPECT_EQ(pffindproto(PF_SYSTEM, p->pr_protocol, p->pr_type), p);
    }
    Fixture::expect_unchanged(before, "removing a built-in");
}

NKE_TEST(DomainBuiltin, BuiltinsAreCountedAndOwnedByNoModule, "DOM-BUILTIN-002") {
    // Whatever exists before the test is counted: the counter covers at
    // least the domains pffinddomain finds among the usual families.
    uint64_t found = 0;
    for (int family = 1; family < 64; ++family) found += pffinddomain(family) != nullptr;
    EXPECT_GE(counters().domains, found);
    // No module is loaded, yet the built-ins are there.
    size_t n = 99;
    ASSERT_EQ(kmod_list(nullptr, 0, &n), 0);
    EXPECT_EQ(n, 0u);
    if (struct domain *sys = pffinddomain(PF_SYSTEM)) {
        EXPECT_EQ(sys->dom_family, PF_SYSTEM);
    }
}

NKE_TEST(ProtoFind, ExactMatch, "PROTO-FIND-001") {
    TestDomain t(42, 2);
    t.p[1].pr_type = SOCK_STREAM;
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(pffindproto(42, 1, SOCK_DGRAM), &t.p[0]);
    EXPECT_EQ(pffindproto(42, 2, SOCK_STREAM), &t.p[1]);
    EXPECT_EQ(pffindproto(42, 2, SOCK_DGRAM), nullptr) << "type must match too";
}

NKE_TEST(ProtoFind, RawWildcard, "PROTO-FIND-002") {
    TestDomain t(42, 3);
    t.p[0].pr_type = SOCK_DGRAM;
    t.p[1].pr_type = SOCK_RAW;
    t.p[1].pr_protocol = 0;
    t.p[2].pr_type = SOCK_RAW;
    t.p[2].pr_protocol = 5;
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(pffindproto(42, 5, SOCK_RAW), &t.p[2]) << "an exact match wins";
    EXPECT_EQ(pffindproto(42, 77, SOCK_RAW), &t.p[1]) << "the raw wildcard";
    EXPECT_EQ(pffindproto(42, 77, SOCK_DGRAM), nullptr) << "no wildcard for other types";
}

NKE_TEST(ProtoFind, NoMatchIsNull, "PROTO-FIND-003") {
    TestDomain t(42, 1);
    t.p[0].pr_protocol = 0;
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(pffindproto(0, 0, SOCK_DGRAM), nullptr);
    EXPECT_EQ(pffindproto(44, 0, SOCK_DGRAM), nullptr);
    EXPECT_EQ(pffindproto(42, 3, SOCK_DGRAM), nullptr);
    EXPECT_EQ(pffindproto(42, 0, SOCK_DGRAM), &t.p[0]);
}

NKE_TEST(ProtoFind, FindTypeFirstInChainOrder, "PROTO-FIND-004") {
    TestDomain t(42, 3);
    t.p[0].pr_type = SOCK_STREAM;
    t.p[1].pr_type = SOCK_DGRAM;
    t.p[2].pr_type = SOCK_DGRAM;
    ASSERT_EQ(net_add_domain(&t.d), 0);
    EXPECT_EQ(pffindtype(42, SOCK_DGRAM), &t.p[1]);
    EXPECT_EQ(pffindtype(42, SOCK_STREAM), &t.p[0]);
    EXPECT_EQ(pffindtype(42, SOCK_RAW), nullptr);
    EXPECT_EQ(pffindtype(42, 0), nullptr);
    EXPECT_EQ(pffindtype(44, SOCK_DGRAM), nullptr);
}

NKE_TEST(ProtoAdd, AppendsAtTheTail, "PROTO-ADD-001") {
    TestDomain t(42, 1);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    TestProto a(SOCK_STREAM, 7), b(SOCK_RAW, 8);
    a.p.pr_next = &t.p[0];  // garbage the stack must overwrite
    a.p.pr_refs = 3;
    const auto before = counters();
    ASSERT_EQ(net_add_proto(&a.p, &t.d), 0);
    ASSERT_EQ(net_add_proto(&b.p, &t.d), 0);
    EXPECT_EQ(t.p[0].pr_next, &a.p);
    EXPECT_EQ(a.p.pr_next, &b.p);
    EXPECT_EQ(b.p.pr_next, nullptr);
    EXPECT_EQ(a.p.pr_domain, &t.d);
    EXPECT_EQ(a.p.pr_refs, 0);
    EXPECT_EQ(pffindproto(42, 7, SOCK_STREAM), &a.p);
    EXPECT_EQ(counters().protosws, before.protosws + 2);
}

NKE_TEST(ProtoAdd, PrInitOnceBeforeReturn, "PROTO-ADD-002") {
    TestDomain t(42);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    take_log();
    TestProto a(SOCK_DGRAM, 3, pr_init_late);
    ASSERT_EQ(net_add_proto(&a.p, &t.d), 0);
    EXPECT_EQ(take_log(), std::vector<std::string>{"pr_init late"});
}

NKE_TEST(ProtoAdd, NullArgumentsAreEinval, "PROTO-ADD-003") {
    TestDomain t(42);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    TestProto a(SOCK_DGRAM, 3);
    const auto before = counters();
    EXPECT_EQ(net_add_proto(nullptr, &t.d), EINVAL);
    EXPECT_EQ(net_add_proto(&a.p, nullptr), EINVAL);
    a.p.pr_usrreqs = nullptr;
    EXPECT_EQ(net_add_proto(&a.p, &t.d), EINVAL);
    EXPECT_EQ(t.d.dom_protosw, nullptr);
    Fixture::expect_unchanged(before, "refused net_add_proto");
}

NKE_TEST(ProtoAdd, DuplicateIsEexist, "PROTO-ADD-004") {
    TestDomain t(42, 1), u(43);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    ASSERT_EQ(net_add_domain(&u.d), 0);
    TestProto same(SOCK_DGRAM, 1);
    const auto before = counters();
    EXPECT_EQ(net_add_proto(&same.p, &t.d), EEXIST);
    EXPECT_EQ(net_add_proto(&t.p[0], &u.d), EEXIST) << "already registered";
    EXPECT_EQ(t.p[0].pr_next, nullptr);
    EXPECT_EQ(u.d.dom_protosw, nullptr);
    Fixture::expect_unchanged(before, "duplicate net_add_proto");
}

NKE_TEST(ProtoAdd, UnregisteredDomainIsEpfnosupport, "PROTO-ADD-005") {
    TestDomain t(42);
    TestProto a(SOCK_DGRAM, 1, pr_init_late);
    take_log();
    const auto before = counters();
    EXPECT_EQ(net_add_proto(&a.p, &t.d), EPFNOSUPPORT);
    EXPECT_EQ(t.d.dom_protosw, nullptr);
    EXPECT_TRUE(take_log().empty());
    Fixture::expect_unchanged(before, "net_add_proto to an unregistered domain");
}

NKE_TEST(ProtoAdd, AllocationFailureIsEnomem, "PROTO-ADD-006") {
    NKE_REQUIRE_HOOK(fail_alloc);
    TestDomain t(42);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    TestProto a(SOCK_DGRAM, 1);
    alloc_sweep([&] { return net_add_proto(&a.p, &t.d); },
                [&] { EXPECT_EQ(net_del_proto(SOCK_DGRAM, 1, &t.d), 0); }, {ENOMEM});
}

NKE_TEST(ProtoDel, RemovesAndCanBeAddedAgain, "PROTO-DEL-001") {
    TestDomain t(42, 1);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    TestProto a(SOCK_STREAM, 5, pr_init_late), b(SOCK_STREAM, 6);
    ASSERT_EQ(net_add_proto(&a.p, &t.d), 0);
    ASSERT_EQ(net_add_proto(&b.p, &t.d), 0);
    take_log();
    const auto before = counters();
    ASSERT_EQ(net_del_proto(SOCK_STREAM, 5, &t.d), 0);
    EXPECT_EQ(pffindproto(42, 5, SOCK_STREAM), nullptr);
    EXPECT_EQ(a.p.pr_next, nullptr);
    EXPECT_EQ(t.p[0].pr_next, &b.p) << "the chain closes over the removed protosw";
    EXPECT_EQ(counters().protosws, before.protosws - 1);
    ASSERT_EQ(net_add_proto(&a.p, &t.d), 0);
    EXPECT_EQ(take_log(), std::vector<std::string>{"pr_init late"});
}

NKE_TEST(ProtoDel, NullDomainIsEinval, "PROTO-DEL-002") {
    const auto before = counters();
    EXPECT_EQ(net_del_proto(SOCK_DGRAM, 1, nullptr), EINVAL);
    Fixture::expect_unchanged(before, "net_del_proto(NULL domain)");
}

NKE_TEST(ProtoDel, NotFoundIsEnxio, "PROTO-DEL-003") {
    TestDomain t(42, 1), u(43);
    ASSERT_EQ(net_add_domain(&t.d), 0);
    const auto before = counters();
    EXPECT_EQ(net_del_proto(SOCK_DGRAM, 9, &t.d), ENXIO);
    EXPECT_EQ(net_del_proto(SOCK_STREAM, 1, &t.d), ENXIO);
    EXPECT_EQ(net_del_proto(SOCK_DGRAM, 1, &u.d), ENXIO) << "unregistered domain";
    EXPECT_EQ(pffindproto(42, 1, SOCK_DGRAM), &t.p[0]);
    Fixture::expect_unchanged(before, "net_del_proto of nothing");
}

NKE_TEST(ProtoDel, BusyWhileSocketsLive, "PROTO-DEL-004") {
    loop::LoopDomain ld;
    Fd s = loop_socket(SOCK_DGRAM);
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    const auto before = counters();
    EXPECT_EQ(net_del_proto(SOCK_DGRAM, loop::kDgramProto, &ld.dom()), EBUSY);
    EXPECT_EQ(pffindproto(loop::kFamily, loop::kDgramProto, SOCK_DGRAM), &ld.dgram());
    // The other protocol of the family is not busy.
    Fixture::expect_unchanged(before, "a refused net_del_proto");
    s.reset();
    EXPECT_EQ(net_del_proto(SOCK_DGRAM, loop::kDgramProto, &ld.dom()), 0);
}

NKE_TEST(ProtoDel, BusyWhileAGlobalFilterIsRegistered, "PROTO-DEL-005") {
    loop::LoopDomain ld;
    sf::ProbeFilter f(0x64656c36, 'A', NFD_GLOBAL);
    ASSERT_EQ(f.reg(&ld.dgram()), 0);
    const auto before = counters();
    EXPECT_EQ(net_del_proto(SOCK_DGRAM, loop::kDgramProto, &ld.dom()), EBUSY);
    Fixture::expect_unchanged(before, "net_del_proto with a global filter");
    EXPECT_EQ(f.unreg(), 0);
    EXPECT_EQ(net_del_proto(SOCK_DGRAM, loop::kDgramProto, &ld.dom()), 0);
}
