// Options of a control socket: pr_ctloutput (spec/kern_control.md, CTL-OPT-*).
// The socket layer hands us a kernel copy of the value (SET) or a kernel
// buffer of the caller's size (GET), and copies out sopt_valsize bytes of it
// afterwards.
#include "kern_control/protocol.hpp"

#include "kern_control/callbacks.hpp"
#include "kern_control/connection.hpp"

#include <nke/socket.h>

#include <algorithm>
#include <cerrno>

namespace nke::ref::ctl {

int ctl_ctloutput(struct socket *so, struct sockopt *sopt) {
    // The level first, connected or not (hist §2.6 step 1).
    if (sopt->sopt_level != SYSPROTO_CONTROL) return EINVAL;
    Controller *c = controller_of(so);
    if (c == nullptr || c->connecting) return ENOTCONN;
    if (sopt->sopt_valsize > CTL_MAXOPTLEN) return EINVAL;   // hist §9.2 #8

    if (sopt->sopt_dir == SOPT_SET) {
        if (c->reg.ctl_set == nullptr) return EOPNOTSUPP;
        // A zero-length value is data NULL, len 0 (the seed's Listing 1-2).
        void *data = sopt->sopt_valsize ? sopt->sopt_val : nullptr;
        return user_result(call_set(*c, sopt->sopt_name, data, sopt->sopt_valsize));
    }

    if (c->reg.ctl_get == nullptr) return EOPNOTSUPP;
    const bool size_query = sopt->sopt_val == nullptr || sopt->sopt_valsize == 0;
    size_t len = size_query ? 0 : sopt->sopt_valsize;
    const int rc = user_result(call_get(*c, sopt->sopt_name, size_query ? nullptr : sopt->sopt_val,
                                        &len));
    if (rc != 0) return rc;   // nothing copied, optlen unchanged (CTL-OPT-012)
    if (size_query) {
        // Report the length the controller wants, nothing to copy (CTL-OPT-010).
        sopt->sopt_val = nullptr;
        sopt->sopt_valsize = std::min<size_t>(len, CTL_MAXOPTLEN);
    } else {
        sopt->sopt_valsize = std::min(len, sopt->sopt_valsize);   // CTL-OPT-011
    }
    return 0;
}

}  // namespace nke::ref::ctl
