// The SYSPROTO_EVENT protocol handler of the PF_SYSTEM domain.
#pragma once

#include <nke/protosw.h>

namespace nke::ref::kev {

// The event protocol's protosw (CTL-DOMAIN-002).
protosw &event_protosw() noexcept;
// Route core/events' postings to the event sockets.
void install_event_sink() noexcept;

}  // namespace nke::ref::kev
