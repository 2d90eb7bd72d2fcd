// The event filter rule, exactly as kev_post_msg applied it (hist §7).
#pragma once

#include <nke/kern_event.h>

namespace nke::ref::kev {

// KEV-FILT-004, KEV-FILT-005.
constexpr bool matches(const kev_request &f, const kern_event_msg &ev) noexcept {
    // A vendor filter of ANY takes everything; class and subclass are then ignored.
    if (f.vendor_code == KEV_ANY_VENDOR) return true;
    if (f.vendor_code != ev.vendor_code) return false;
    if (f.kev_class != KEV_ANY_CLASS && f.kev_class != ev.kev_class) return false;
    return f.kev_subclass == KEV_ANY_SUBCLASS || f.kev_subclass == ev.kev_subclass;
}

}  // namespace nke::ref::kev
