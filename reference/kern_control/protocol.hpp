// The PF_SYSTEM domain and its SYSPROTO_CONTROL protocol handler.
#pragma once

#include <nke/domain.h>
#include <nke/protosw.h>
#include <nke/sys_domain.h>

#include <sys/socket.h>

namespace nke::ref::ctl {

// The control protocol's protosw (CTL-DOMAIN-002).
protosw &control_protosw() noexcept;
// pr_ctloutput: options at level SYSPROTO_CONTROL (CTL-OPT-*).
int ctl_ctloutput(struct socket *so, struct sockopt *sopt);

}  // namespace nke::ref::ctl
