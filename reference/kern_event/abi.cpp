// The exported kernel-event KPI.
#include "core/events.hpp"

#include <cerrno>

extern "C" NKE_API int kev_post_msg(struct kev_msg *event_msg) {
    if (event_msg == nullptr) return EINVAL;   // KEV-POST-001
    return nke::ref::post_event(*event_msg);
}
