// Posting kernel events (spec/kern_event.md, KEV-POST-*).
//
// Any subsystem posts through post_event(); the kern_event chapter installs
// the sink that queues each event on the matching SYSPROTO_EVENT sockets.
// Keeping the id counter and the message layout here lets producers (the
// DLIL, kernel controllers) post without depending on the socket layer.
// Callers must not hold a subsystem lock: the sink takes the funnel.
#pragma once

#include <nke/kern_event.h>

#include <cstddef>
#include <cstdint>

namespace nke::ref {

// Delivers one complete message (header + payload, msg->total_size bytes) to
// every matching listener.  The sink assigns msg->id with assign_event_id()
// while it holds the lock that orders deliveries, so that every listener
// queues events in id order (KEV-POST-010).  0, or ENOBUFS if some listener
// could not take it.
using EventSink = int (*)(kern_event_msg *msg);

void set_event_sink(EventSink sink) noexcept;

// Build the message from up to N_KEV_VECTORS vectors (the list ends at the
// first zero length), and hand it to the sink (or, with no sink installed,
// just assign its id).  0; EINVAL (a counted vector with a NULL pointer, or
// vendor KEV_VENDOR_NONE); EMSGSIZE (payload over KEV_MAX_DATA); ENOBUFS (no
// memory: no id consumed; or a listener could not take it: id consumed).
int post_event(const kev_msg &msg) noexcept;

// Take the next id (the first is 1) and count the event as posted.  Only the
// sink (or post_event without a sink) calls this.
uint32_t assign_event_id() noexcept;

// The last id assigned (0 before the first event).
uint32_t last_event_id() noexcept;

}  // namespace nke::ref
