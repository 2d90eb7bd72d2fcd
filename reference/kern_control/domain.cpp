// The PF_SYSTEM domain (spec/kern_control.md, CTL-DOMAIN-*): built in,
// registered while the library loads, with the event and control
// protocols added by its dom_init, as XNU's systemdomain_init did
// (kern_event_init, then kern_control_init; hist §2).
#include "kern_control/protocol.hpp"

#include "kern_event/protocol.hpp"

#include "domain/domain_table.hpp"

#include <nke/domain.h>

namespace nke::ref {
namespace {

void system_init();

// Constant-initialised, so it is complete whatever the order in which the
// library's static objects are constructed.
domain g_systemdomain = {
    PF_SYSTEM, "system", system_init, nullptr, nullptr, nullptr, nullptr, nullptr, 0, 0, 0, 0, {},
};

void system_init() {
    (void)net_add_proto(&kev::event_protosw(), &g_systemdomain);
    (void)net_add_proto(&ctl::control_protosw(), &g_systemdomain);
    kev::install_event_sink();
}

const dom::BuiltinDomain g_builtin(g_systemdomain);

}  // namespace
}  // namespace nke::ref
