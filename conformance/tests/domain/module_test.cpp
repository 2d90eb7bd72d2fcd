// spec/domain.md — domains and protosws owned by modules hold them loaded.
#include "domain_helpers.hpp"

#include "dom_probe.h"

using namespace nke::test;

namespace {

int load(const char *name, nke_mod_probe *p, int *id) {
    return kmod_load(module_path(name).c_str(), p, id);
}

int32_t refcount(int id) {
    kmod_stat st{};
    EXPECT_EQ(kmod_get_stat(id, &st), 0);
    return st.reference_count;
}

}  // namespace

NKE_TEST(DomainModule, UnloadRefusedWhileSocketsLive, "DOM-MOD-001", "KMOD-UNLOAD-002") {
    nke_mod_probe p{};
    p.family = 45;
    int id = 0;
    ASSERT_EQ(load("dom_family", &p, &id), 0);
    ASSERT_EQ(p.start_rc, 0);
    Fd s(nke_socket(45, SOCK_DGRAM, 0));
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    EXPECT_EQ(p.domain->dom_refs, 1);
    EXPECT_EQ(refcount(id), 1);
    const auto before = counters();
    EXPECT_EQ(kmod_unload(id, &p), EBUSY);
    EXPECT_EQ(p.stop_calls, 0) << "stop must not be called while the domain is in use";
    EXPECT_EQ(pffinddomain(45), p.domain);
    Fixture::expect_unchanged(before, "a refused unload");
    // The module's protocol still works.
    EXPECT_EQ(send_str(s, "echo"), -1) << "not connected, no address";
    s.reset();
    EXPECT_EQ(refcount(id), 0);
    EXPECT_EQ(kmod_unload(id, &p), 0);
    EXPECT_EQ(p.stop_calls, 1);
    EXPECT_EQ(p.stop_rc, 0);
    EXPECT_EQ(pffinddomain(45), nullptr);
}

NKE_TEST(DomainModule, LeftoverDomainIsRemovedAtUnload, "DOM-MOD-002") {
    nke_mod_probe p{};
    p.family = 46;
    p.leave_registered = 1;
    const auto before = counters();
    int id = 0;
    ASSERT_EQ(load("dom_family", &p, &id), 0);
    EXPECT_EQ(counters().domains, before.domains + 1);
    EXPECT_EQ(counters().protosws, before.protosws + 1);
    {
        Fd s(nke_socket(46, SOCK_DGRAM, 0));
        ASSERT_GE(s.get(), NKE_FD_FIRST);
    }
    ASSERT_EQ(kmod_unload(id, &p), 0);
    EXPECT_EQ(p.stop_calls, 1);
    EXPECT_EQ(pffinddomain(46), nullptr);
    EXPECT_EQ(pffindproto(46, 1, SOCK_DGRAM), nullptr);
    EXPECT_EQ(counters().domains, before.domains);
    EXPECT_EQ(counters().protosws, before.protosws);
}

NKE_TEST(DomainModule, ProtocolInAnotherDomainHoldsItsModule, "PROTO-MOD-001") {
    loop::LoopDomain ld;
    nke_mod_probe p{};
    p.target = &ld.dom();
    int id = 0;
    ASSERT_EQ(load("dom_proto", &p, &id), 0);
    ASSERT_EQ(p.start_rc, 0);
    EXPECT_EQ(p.protosw->pr_domain, &ld.dom());
    Fd s(nke_socket(loop::kFamily, SOCK_DGRAM, 77));
    ASSERT_GE(s.get(), NKE_FD_FIRST);
    EXPECT_EQ(p.protosw->pr_refs, 1);
    EXPECT_EQ(kmod_unload(id, &p), EBUSY);
    EXPECT_EQ(p.stop_calls, 0);
    s.reset();
    // Left registered by stop: the stack removes it.
    p.leave_registered = 1;
    ASSERT_EQ(kmod_unload(id, &p), 0);
    EXPECT_EQ(pffindproto(loop::kFamily, 77, SOCK_DGRAM), nullptr);
    EXPECT_EQ(ld.dgram().pr_next, nullptr) << "the loop family's chain closes again";
}

NKE_TEST(DomainModule, ProtocolInABuiltinDomain, "PROTO-MOD-001") {
    struct domain *sys = pffinddomain(PF_SYSTEM);
    if (sys == nullptr) GTEST_SKIP() << "no PF_SYSTEM domain in this implementation";
    nke_mod_probe p{};
    p.target = sys;
    int id = 0;
    ASSERT_EQ(load("dom_proto", &p, &id), 0);
    ASSERT_EQ(p.start_rc, 0);
    {
        Fd s(nke_socket(PF_SYSTEM, SOCK_DGRAM, 77));
        ASSERT_GE(s.get(), NKE_FD_FIRST);
        EXPECT_EQ(kmod_unload(id, &p), EBUSY);
    }
    ASSERT_EQ(kmod_unload(id, &p), 0);
    EXPECT_EQ(p.stop_rc, 0);
    EXPECT_EQ(pffindproto(PF_SYSTEM, 77, SOCK_DGRAM), nullptr);
}

NKE_TEST(DomainModule, ForeignProtocolOrFilterHoldsTheModule, "DOM-MOD-003") {
    nke_mod_probe p{};
    p.family = 47;
    int id = 0;
    ASSERT_EQ(load("dom_family", &p, &id), 0);
    domtest::TestProto mine(SOCK_STREAM, 9);
    ASSERT_EQ(net_add_proto(&mine.p, p.domain), 0);
    EXPECT_EQ(kmod_unload(id, &p), EBUSY);
    EXPECT_EQ(p.stop_calls, 0);
    ASSERT_EQ(net_del_proto(SOCK_STREAM, 9, p.domain), 0);
    {
        sf::ProbeFilter f(0x666f7231, 'A', NFD_GLOBAL);
        ASSERT_EQ(f.reg(p.protosw), 0);
        EXPECT_EQ(kmod_unload(id, &p), EBUSY);
        EXPECT_EQ(p.stop_calls, 0);
        EXPECT_EQ(f.unreg(), 0);
    }
    EXPECT_EQ(kmod_unload(id, &p), 0);
}
