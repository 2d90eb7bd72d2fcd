// kev_post_msg (spec/kern_event.md, KEV-POST-*): validation and the message
// layout live in core/events (other subsystems post through it too); the
// delivery is queue.cpp's sink.
#include "core/events.hpp"

#include <cerrno>

extern "C" NKE_API int kev_post_msg(struct kev_msg *event_msg) {
    if (event_msg == nullptr) return EINVAL;   // KEV-POST-001
    return nke::ref::post_event(*event_msg);
}
