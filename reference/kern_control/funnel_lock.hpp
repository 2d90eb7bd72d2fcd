// The network funnel as PF_SYSTEM uses it (docs/architecture.md §5): one
// recursive lock over all socket-side state, kernel controllers and kernel
// events included.  Every KPI entry point of kern_control and kern_event
// takes it; callbacks into NKEs run with it held.
#pragma once

#include "socket/funnel.hpp"

namespace nke::ref {
using FunnelLock = FunnelGuard;
}  // namespace nke::ref
