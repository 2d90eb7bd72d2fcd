// spec/sockfilter.md — filters owned by modules.
#include "sock_helpers.hpp"

#include "dom_probe.h"

using namespace nke::test;

namespace {
int32_t refcount(int id) {
    kmod_stat st{};
    EXPECT_EQ(kmod_get_stat(id, &st), 0);
    return st.reference_count;
}
}  // namespace

NKE_TEST(SfModule, GlobalFilterHoldsItsModule, "SF-MOD-001", "SF-MOD-002") {
    loop::LoopDomain ld;
    nke_mod_probe p{};
    p.target_pr = &ld.dgram();
    int id = 0;
    ASSERT_EQ(kmod_load(module_path("sf_global").c_str(), &p, &id), 0);
    ASSERT_EQ(p.start_rc, 0);
    {
        Fd a = loop_socket(SOCK_DGRAM), b = loop_socket(SOCK_DGRAM);
        EXPECT_EQ(p.creates, 2);
        EXPECT_EQ(refcount(id), 2);
        const auto before = counters();
        EXPECT_EQ(kmod_unload(id, &p), EBUSY);
        EXPECT_EQ(p.stop_calls, 0) << "stop is not called while sockets carry the filter";
        Fixture::expect_unchanged(before, "a refused unload");
        const auto to = loop::addr(1);
        (void)nke_sendto(a, "x", 1, 0, loop::sa(to), loop::kAddrLen);
        EXPECT_EQ(p.sends, 1) << "the module's hooks still run";
    }
    EXPECT_EQ(p.frees, 2);
    EXPECT_EQ(refcount(id), 0);
    ASSERT_EQ(kmod_unload(id, &p), 0);
    EXPECT_EQ(p.stop_calls, 1);
    EXPECT_EQ(p.stop_rc, 0);
    EXPECT_EQ(find_nke(0x73666731), nullptr);
}

NKE_TEST(SfModule, ProgrammaticFilterHoldsItsModule, "SF-MOD-001") {
    loop::LoopDomain ld;
    nke_mod_probe p{};
    int id = 0;
    ASSERT_EQ(kmod_load(module_path("sf_prog").c_str(), &p, &id), 0);
    ASSERT_EQ(p.start_rc, 0);
    {
        Fd s = loop_socket(SOCK_DGRAM);
        EXPECT_EQ(refcount(id), 0) << "registered but attached to nothing";
        so_nke req{0x73667031, 0, 0};
        ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_NKE, &req, sizeof req), 0);
        EXPECT_EQ(p.creates, 1);
        EXPECT_EQ(refcount(id), 1);
        EXPECT_EQ(kmod_unload(id, &p), EBUSY);
        EXPECT_EQ(p.stop_calls, 0);
    }
    EXPECT_EQ(p.frees, 1);
    ASSERT_EQ(kmod_unload(id, &p), 0);
    EXPECT_EQ(p.stop_rc, 0);
}

NKE_TEST(SfModule, LeftoverFilterIsUnregisteredAtUnload, "SF-MOD-002") {
    loop::LoopDomain ld;
    nke_mod_probe p{};
    p.leave_registered = 1;
    p.handle = 0x73667039;
    const auto before = counters();
    int id = 0;
    ASSERT_EQ(kmod_load(module_path("sf_prog").c_str(), &p, &id), 0);
    EXPECT_EQ(find_nke(0x73667039), p.nfd);
    EXPECT_EQ(counters().sockfilters, before.sockfilters + 1);
    {
        Fd s = loop_socket(SOCK_DGRAM);
        so_nke req{0x73667039, 0, 0};
        ASSERT_EQ(nke_setsockopt(s, SOL_SOCKET, SO_NKE, &req, sizeof req), 0);
        EXPECT_EQ(refcount(id), 1);
        EXPECT_EQ(kmod_unload(id, &p), EBUSY);
    }
    ASSERT_EQ(kmod_unload(id, &p), 0);
    EXPECT_EQ(p.stop_calls, 1);
    EXPECT_EQ(find_nke(0x73667039), nullptr);
    EXPECT_EQ(counters().sockfilters, before.sockfilters);
}
