// The SYSPROTO_EVENT protocol handler of the PF_SYSTEM domain.
#pragma once

#include <nke/protosw.h>

namespace nke::ref::kev {

// The event protocol's protosw (CTL-DOMAIN-002).
protosw &event_protosw() noexcept;
// Route core/events' postings to the event sockets.
void install_event_sink() noexcept;
// pru_control: SIOCGKEVID, SIOCSKEVFILT, SIOCGKEVFILT (ioctl.cpp).
int kev_control(struct socket *so, unsigned long cmd, void *data, struct ifnet *ifp, struct proc *p);

}  // namespace nke::ref::kev
