// spec/sockfilter.md — SO_NKE.
#include "sock_helpers.hpp"

#include <cstring>

using namespace nke::test;
using sf::ProbeFilter;

namespace {

int insert(int fd, unsigned handle, unsigned where = 0, int flags = 0, socklen_t len = sizeof(so_nke)) {
    char buf[64] = {};
    so_nke req{handle, where, flags};
    std::memcpy(buf, &req, sizeof req);
    return nke_setsockopt(fd, SOL_SOCKET, SO_NKE, buf, len);
}

std::vector<NFDescriptor *> chain_of(struct socket *so) {
    std::vector<NFDescriptor *> v;
    for (struct kextcb *kp = so_getext(so); kp; kp = kp->e_next) v.push_back(kp->e_nfd);
    return v;
}

}  // namespace

NKE_TEST(SfSoNke, TwelveBytesOrMore, "SF-SONKE-001") {
    probe::ProbeDomain pd;
    ProbeFilter f(0x736e6b31);
    ASSERT_EQ(f.reg(), 0);
    {
        Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        EXPECT_EQ(sizeof(so_nke), 12u);
        const auto before = counters();
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b31, 0, 0, 11), EINVAL);
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b31, 0, 0, 0), EINVAL);
        Fixture::expect_unchanged(before, "a short SO_NKE");
        EXPECT_EQ(insert(s, 0x736e6b31, 0, 0, 28), 0) << "the historical 28-byte form";
        EXPECT_EQ(chain_of(pd.sockets().at(0)), std::vector<NFDescriptor *>{&f.nfd()});
    }
    EXPECT_EQ(f.unreg(), 0);
}

NKE_TEST(SfSoNke, FlagValues, "SF-SONKE-002") {
    probe::ProbeDomain pd;
    ProbeFilter a(0x736e6b32, 'A'), b(0x736e6b33, 'B'), c(0x736e6b34, 'C');
    for (auto *f : {&a, &b, &c}) ASSERT_EQ(f->reg(), 0);
    {
        Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        const auto before = counters();
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b32, 0, NFF_BEFORE | NFF_AFTER), EINVAL);
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b32, 0, 4), EINVAL);
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b32, 0, -1), EINVAL);
        Fixture::expect_unchanged(before, "bad nke_flags");
        ASSERT_EQ(insert(s, 0x736e6b32, 0, 0), 0);           // A
        ASSERT_EQ(insert(s, 0x736e6b33, 0, NFF_AFTER), 0);   // A B
        ASSERT_EQ(insert(s, 0x736e6b34, 0, NFF_BEFORE), 0);  // C A B
        EXPECT_EQ(chain_of(pd.sockets().at(0)),
                  (std::vector<NFDescriptor *>{&c.nfd(), &a.nfd(), &b.nfd()}));
    }
    for (auto *f : {&a, &b, &c}) EXPECT_EQ(f->unreg(), 0);
}

NKE_TEST(SfSoNke, UnknownHandleOrWhereIsEnxio, "SF-SONKE-003") {
    probe::ProbeDomain pd;
    ProbeFilter a(0x736e6b35, 'A'), b(0x736e6b36, 'B');
    ASSERT_EQ(a.reg(), 0);
    ASSERT_EQ(b.reg(), 0);
    {
        Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        const auto before = counters();
        EXPECT_SYS_ERRNO(insert(s, 0x0bad0bad), ENXIO);
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b35, 0x0bad0bad), ENXIO);
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b35, 0x736e6b36), ENXIO);  // "where is not on this socket"
        EXPECT_EQ(so_getext(pd.sockets().at(0)), nullptr);
        Fixture::expect_unchanged(before, "SO_NKE with unknown names");
    }
    EXPECT_EQ(a.unreg(), 0);
    EXPECT_EQ(b.unreg(), 0);
}

NKE_TEST(SfSoNke, AlreadyAttachedIsEexist, "SF-SONKE-004") {
    loop::LoopDomain ld;
    ProbeFilter g(0x736e6b37, 'G', NFD_GLOBAL), p(0x736e6b38, 'P');
    ASSERT_EQ(g.reg(&ld.dgram()), 0);
    ASSERT_EQ(p.reg(), 0);
    {
        Fd s = loop_socket(SOCK_DGRAM);
        ASSERT_EQ(insert(s, 0x736e6b38), 0);
        const auto before = counters();
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b38), EEXIST);
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b37, 0, NFF_BEFORE), EEXIST);  // "its global filter"
        Fixture::expect_unchanged(before, "a second SO_NKE of the same filter");
        EXPECT_EQ(p.count(sf::socreate), 1);
    }
    EXPECT_EQ(g.unreg(), 0);
    EXPECT_EQ(p.unreg(), 0);
}

NKE_TEST(SfSoNke, PlacementRelativeToWhere, "SF-SONKE-005") {
    probe::ProbeDomain pd;
    ProbeFilter a(0x70700001, 'A'), b(0x70700002, 'B'), c(0x70700003, 'C'), d(0x70700004, 'D'),
        e(0x70700005, 'E');
    for (auto *f : {&a, &b, &c, &d, &e}) ASSERT_EQ(f->reg(), 0);
    {
        Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        struct socket *so = pd.sockets().at(0);
        ASSERT_EQ(insert(s, 0x70700001), 0);                          // A
        ASSERT_EQ(insert(s, 0x70700002), 0);                          // A B       (tail, not second)
        ASSERT_EQ(insert(s, 0x70700003), 0);                          // A B C
        ASSERT_EQ(insert(s, 0x70700004, 0x70700002, NFF_BEFORE), 0);  // A D B C
        ASSERT_EQ(insert(s, 0x70700005, 0x70700002, NFF_AFTER), 0);   // A D B E C
        EXPECT_EQ(chain_of(so), (std::vector<NFDescriptor *>{&a.nfd(), &d.nfd(), &b.nfd(), &e.nfd(),
                                                              &c.nfd()}));
    }
    for (auto *f : {&a, &b, &c, &d, &e}) EXPECT_EQ(f->unreg(), 0);
}

NKE_TEST(SfSoNke, SocreateAfterInsertion, "SF-SONKE-006") {
    probe::ProbeDomain pd;
    ProbeFilter a(0x736e6b39, 'A');
    ASSERT_EQ(a.reg(), 0);
    a.ret(sf::socreate, ENOMEM);  // ignored
    bool linked_at_call = false;
    a.on(sf::socreate, [&](sf::Call &c) {
        linked_at_call = so_getext(c.so) == c.kp;
        return ENOMEM;
    });
    {
        Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        EXPECT_EQ(insert(s, 0x736e6b39), 0);
        EXPECT_EQ(a.count(sf::socreate), 1);
        EXPECT_TRUE(linked_at_call) << "sf_socreate runs after the kextcb is linked";
        EXPECT_EQ(a.last(sf::socreate).pr, &pd.pr());
        EXPECT_EQ(a.last(sf::socreate).so, pd.sockets().at(0));
    }
    EXPECT_EQ(a.unreg(), 0);
}

NKE_TEST(SfSoNke, AttachedFiltersMayVeto, "SF-SONKE-007") {
    loop::LoopDomain ld;
    ProbeFilter g(0x736e6b3a, 'G', NFD_GLOBAL), p(0x736e6b3b, 'P');
    ASSERT_EQ(g.reg(&ld.dgram()), 0);
    ASSERT_EQ(p.reg(), 0);
    {
        Fd s = loop_socket(SOCK_DGRAM);
        g.ret(sf::socontrol, EACCES);
        EXPECT_SYS_ERRNO(insert(s, 0x736e6b3b), EACCES);
        EXPECT_EQ(p.count(sf::socreate), 0);
        g.ret(sf::socontrol, EJUSTRETURN);
        EXPECT_EQ(insert(s, 0x736e6b3b), 0);
        EXPECT_EQ(p.count(sf::socreate), 0) << "EJUSTRETURN: not inserted";
        const sf::Call c = g.last(sf::socontrol);
        EXPECT_EQ(c.kp, so_getext(c.so));
        g.ret(sf::socontrol, 0);
        EXPECT_EQ(insert(s, 0x736e6b3b), 0);
        EXPECT_EQ(p.count(sf::socreate), 1);
    }
    EXPECT_EQ(g.unreg(), 0);
    EXPECT_EQ(p.unreg(), 0);
}

NKE_TEST(SfSoNke, AnyRegisteredFilter, "SF-SONKE-008") {
    loop::LoopDomain ld;
    probe::ProbeDomain pd;
    ProbeFilter other_proto(0x736e6b3c, 'O', NFD_GLOBAL), plain(0x736e6b3d, 'N', 0);
    ASSERT_EQ(other_proto.reg(&pd.pr()), 0);
    ASSERT_EQ(plain.reg(), 0);
    {
        Fd s = loop_socket(SOCK_DGRAM);
        EXPECT_EQ(insert(s, 0x736e6b3c), 0) << "a global filter of another protosw";
        EXPECT_EQ(insert(s, 0x736e6b3d), 0) << "without NFD_PROG";
        EXPECT_EQ(other_proto.count(sf::socreate), 1);
        EXPECT_EQ(plain.count(sf::socreate), 1);
    }
    EXPECT_EQ(other_proto.unreg(), 0);
    EXPECT_EQ(plain.unreg(), 0);
}

NKE_TEST(SfSoNke, AllocationFailureIsEnobufs, "SF-SONKE-009") {
    NKE_REQUIRE_HOOK(fail_alloc);
    probe::ProbeDomain pd;
    ProbeFilter a(0x736e6b3e, 'A');
    ASSERT_EQ(a.reg(), 0);
    {
        Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
        alloc_sweep([&] { return insert(s, 0x736e6b3e) == 0 ? 0 : errno; },
                    [&] {
                        // Undo by closing and reopening: attachments leave with the socket.
                        s.reset();
                        s = Fd(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
                    },
                    {ENOBUFS});
    }
    EXPECT_EQ(a.unreg(), 0);
}
