// A control socket's connection to its controller (CTL-CONNECT-*, CTL-DISC-*).
// All functions are called with the funnel held.
#pragma once

#include "kern_control/controller.hpp"
#include "kern_control/funnel_lock.hpp"

#include <nke/types.h>

namespace nke::ref::ctl {

// The controller a control socket is connected (or connecting) to, or null.
Controller *controller_of(struct socket *so) noexcept;

// pru_connect: the checks of CTL-CONNECT-001 in order, then ctl_connect.
int connect_client(struct socket *so, const struct nke_sockaddr *nam, struct proc *p) noexcept;

// The connection of `so` to `c` ends (close): the controller loses its
// client, ctl_clients falls, ctl_disconnect runs once, the socket is marked
// disconnected (CTL-DISC-001).
void end_connection(Controller &c, struct socket *so) noexcept;

}  // namespace nke::ref::ctl
