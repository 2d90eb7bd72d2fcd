// ctl_register / ctl_deregister (spec/kern_control.md, CTL-REG-*, CTL-DEREG-*).
#include "kern_control/registry.hpp"

#include "kern_control/connection.hpp"

#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "core/events.hpp"

#include <cerrno>

namespace nke::ref::ctl {
namespace {

// KEV_CTL_REGISTERED / KEV_CTL_DEREGISTERED.  The result is ignored, as in
// history: a lost event never fails the registration (CTL-REG-014).
void post_ctl_event(uint32_t code, uint32_t id, uint32_t unit) noexcept {
    ctl_event_data data{id, unit};
    kev_msg msg{};
    msg.vendor_code = KEV_VENDOR_APPLE;
    msg.kev_class = KEV_SYSTEM_CLASS;
    msg.kev_subclass = KEV_CTL_SUBCLASS;
    msg.event_code = code;
    msg.dv[0].data_length = sizeof data;
    msg.dv[0].data_ptr = &data;
    (void)post_event(msg);
}

const void *fn_addr(auto fn) noexcept { return reinterpret_cast<const void *>(fn); }

}  // namespace

int register_locked(const kern_ctl_reg &userctl, const void *origin, void *userdata,
                    kern_ctl_ref *ctlref) noexcept {
    if (registry().by_addr(userctl.ctl_id, userctl.ctl_unit)) return EEXIST;
    std::shared_ptr<Controller> c;
    if (auto made = try_make<Controller>()) {
        try {
            c = std::shared_ptr<Controller>(std::move(made));
        } catch (const std::bad_alloc &) {
            return ENOMEM;
        }
    } else {
        return ENOMEM;
    }
    c->reg = userctl;
    c->userdata = userdata;
    c->sendsize = userctl.ctl_sendsize ? userctl.ctl_sendsize : CTL_SENDSIZE;
    c->recvsize = userctl.ctl_recvsize ? userctl.ctl_recvsize : CTL_RECVSIZE;
    if (!registry().add(c)) return ENOMEM;
    c->ref = registry().next_ref();
    // The owner is the module holding the caller's structure or one of the
    // callbacks (KMOD-OWN-001); the copy in c->reg lives in the stack.
    registration_add(*c, {origin, fn_addr(userctl.ctl_connect), fn_addr(userctl.ctl_disconnect),
                          fn_addr(userctl.ctl_write), fn_addr(userctl.ctl_set),
                          fn_addr(userctl.ctl_get), userdata});
    live_add(Live::controllers, 1);
    *ctlref = c->ref;
    post_ctl_event(KEV_CTL_REGISTERED, userctl.ctl_id, userctl.ctl_unit);
    return 0;
}

void remove_locked(Controller &c) noexcept {
    auto keep = c.shared_from_this();
    const uint32_t id = c.reg.ctl_id, unit = c.reg.ctl_unit;
    registry().remove(c);
    registration_remove(c);
    live_add(Live::controllers, -1);
    post_ctl_event(KEV_CTL_DEREGISTERED, id, unit);
}

void Controller::reap() noexcept {
    // The loader reaps only a controller without a client; a client that
    // connected after its last check is disconnected here (ctl_disconnect
    // still runs: the module's image is mapped until reap returns).
    FunnelLock lock;
    auto keep = shared_from_this();
    if (client) end_connection(*this, client);
    remove_locked(*this);
}

}  // namespace nke::ref::ctl
