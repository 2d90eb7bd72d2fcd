// ioctl on a control socket (spec/kern_control.md, CTL-IOCTL-*).  The
// socket layer has already handled its generic requests (FIONBIO, FIONREAD).
#include "kern_control/protocol.hpp"

#include "kern_control/registry.hpp"

#include <cerrno>
#include <cstdint>

namespace nke::ref::ctl {

int ctl_control(struct socket *, unsigned long cmd, void *data, struct ifnet *, struct proc *) {
    if (cmd != CTLIOCGCOUNT) return EOPNOTSUPP;   // history's ENOTSUP: the same number here
    if (data == nullptr) return EFAULT;
    // Any control socket, connected or not (hist §2.8).
    *static_cast<uint32_t *>(data) = static_cast<uint32_t>(registry().size());
    return 0;
}

}  // namespace nke::ref::ctl
