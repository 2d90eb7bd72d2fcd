// Calls from the stack into a controller's callbacks.  Each holds the
// controller alive (it may deregister itself from ctl_disconnect) and runs
// in a CallbackScope of the owning module (docs/architecture.md §6).  The
// funnel is held by the caller throughout.
#pragma once

#include "kern_control/controller.hpp"

#include "core/callback.hpp"

#include <cerrno>

namespace nke::ref::ctl {

// What a user call reports for a callback's result: 0 and EJUSTRETURN are
// success, a positive value is an errno, any other negative value is not an
// errno a user could read (CTL-SEND-005, CTL-OPT-009, CTL-OPT-012).
inline int user_result(int rc) noexcept {
    if (rc == 0 || rc == EJUSTRETURN) return 0;
    return rc > 0 ? rc : EIO;
}

inline int call_connect(Controller &c) noexcept {
    if (c.reg.ctl_connect == nullptr) return 0;
    auto keep = c.shared_from_this();
    CallbackScope scope(c.owner());
    return c.reg.ctl_connect(c.ref, c.userdata);
}

inline void call_disconnect(Controller &c) noexcept {
    if (c.reg.ctl_disconnect == nullptr) return;
    auto keep = c.shared_from_this();
    CallbackScope scope(c.owner());
    c.reg.ctl_disconnect(c.ref, c.userdata);
}

inline int call_write(Controller &c, struct mbuf *m) noexcept {
    auto keep = c.shared_from_this();
    CallbackScope scope(c.owner());
    return c.reg.ctl_write(c.ref, c.userdata, m);
}

inline int call_set(Controller &c, int opt, void *data, size_t len) noexcept {
    auto keep = c.shared_from_this();
    CallbackScope scope(c.owner());
    return c.reg.ctl_set(c.ref, c.userdata, opt, data, len);
}

inline int call_get(Controller &c, int opt, void *data, size_t *len) noexcept {
    auto keep = c.shared_from_this();
    CallbackScope scope(c.owner());
    return c.reg.ctl_get(c.ref, c.userdata, opt, data, len);
}

}  // namespace nke::ref::ctl
