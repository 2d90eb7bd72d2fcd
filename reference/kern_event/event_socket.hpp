// One SYSPROTO_EVENT socket's protocol control block (spec/kern_event.md).
// Guarded by the funnel.
#pragma once

#include <nke/kern_event.h>

struct socket;

namespace nke::ref::kev {

struct EventSocket {
    struct socket *so = nullptr;
    // The default matches nothing until SIOCSKEVFILT (KEV-FILT-001).
    kev_request filter{KEV_VENDOR_NONE, KEV_ANY_CLASS, KEV_ANY_SUBCLASS};
    EventSocket *prev = nullptr;   // the list of all event sockets
    EventSocket *next = nullptr;
};

// The list of open event sockets (funnel held).
void link(EventSocket &es) noexcept;
void unlink(EventSocket &es) noexcept;

// The sink installed in core/events: queue `ev` on every matching socket.
int deliver(kern_event_msg *ev) noexcept;

}  // namespace nke::ref::kev
