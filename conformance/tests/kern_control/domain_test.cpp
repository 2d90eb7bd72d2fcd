// spec/kern_control.md — the PF_SYSTEM domain (CTL-DOMAIN-*).
#include "ctl_helpers.hpp"

using namespace nke::test;

NKE_TEST(CtlDomain, SystemDomainIsBuiltIn, "CTL-DOMAIN-001") {
    struct domain *d = pffinddomain(PF_SYSTEM);
    ASSERT_NE(d, nullptr) << "PF_SYSTEM must exist before any NKE registers anything";
    EXPECT_EQ(d->dom_family, 32);
    EXPECT_EQ(PF_SYSTEM, 32);
    EXPECT_GE(counters().domains, 1u);
}

NKE_TEST(CtlDomain, HasTheControlAndEventProtocols, "CTL-DOMAIN-002") {
    struct domain *d = pffinddomain(PF_SYSTEM);
    ASSERT_NE(d, nullptr);
    struct protosw *ctl = pffindproto(PF_SYSTEM, SYSPROTO_CONTROL, SOCK_DGRAM);
    ASSERT_NE(ctl, nullptr);
    EXPECT_EQ(ctl->pr_type, SOCK_DGRAM);
    EXPECT_EQ(ctl->pr_protocol, SYSPROTO_CONTROL);
    EXPECT_EQ(ctl->pr_flags, static_cast<unsigned>(PR_ATOMIC | PR_CONNREQUIRED));
    EXPECT_EQ(ctl->pr_domain, d);
    struct protosw *ev = pffindproto(PF_SYSTEM, SYSPROTO_EVENT, SOCK_RAW);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->pr_type, SOCK_RAW);
    EXPECT_EQ(ev->pr_protocol, SYSPROTO_EVENT);
    EXPECT_EQ(ev->pr_flags, static_cast<unsigned>(PR_ATOMIC));
    EXPECT_EQ(ev->pr_domain, d);
    // Exactly these two.
    int n = 0;
    for (struct protosw *p = d->dom_protosw; p; p = p->pr_next) ++n;
    EXPECT_EQ(n, 2);
    EXPECT_GE(counters().protosws, 2u);
}

NKE_TEST(CtlDomain, AnyUserCreatesAnUnconnectedControlSocket, "CTL-DOMAIN-003") {
    NKE_REQUIRE_HOOK(set_credentials);
    AsUser user(501, 501);
    const auto before = counters();
    Fd fd(control_socket());
    ASSERT_GE(fd.get(), NKE_FD_FIRST) << std::strerror(errno);
    const auto after = counters();
    EXPECT_EQ(after.sockets, before.sockets + 1);
    EXPECT_EQ(after.ctl_clients, before.ctl_clients);
    // Unconnected: a send is refused with ENOTCONN.
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "x", 1, 0), ENOTCONN);
}

NKE_TEST(CtlDomain, ControlProtocolIsDatagramOnly, "CTL-DOMAIN-004") {
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_socket(PF_SYSTEM, SOCK_STREAM, SYSPROTO_CONTROL), EPROTONOSUPPORT);
    EXPECT_SYS_ERRNO(nke_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_CONTROL), EPROTONOSUPPORT);
    expect_no_change(before, "socket() with a wrong type");
}

NKE_TEST(CtlDomain, ProtocolZeroSelectsByType, "CTL-DOMAIN-005") {
    const auto before = counters();
    Fd ctl(nke_socket(PF_SYSTEM, SOCK_DGRAM, 0));
    ASSERT_GE(ctl.get(), NKE_FD_FIRST) << std::strerror(errno);
    uint32_t n = 0;
    EXPECT_EQ(nke_ioctl(ctl.get(), CTLIOCGCOUNT, &n), 0) << "a SOCK_DGRAM/0 socket is a control socket";
    Fd ev(nke_socket(PF_SYSTEM, SOCK_RAW, 0));
    ASSERT_GE(ev.get(), NKE_FD_FIRST) << std::strerror(errno);
    EXPECT_EQ(counters().event_sockets, before.event_sockets + 1);
}
