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
// every matching listener.  0, or ENOBUFS if some listener could not take it.
using EventSink = int (*)(const kern_event_msg *msg);

void set_event_sink(EventSink sink) noexcept;

// Build the message from up to N_KEV_VECTORS vectors (the list ends at the
// first zero length), assign the next id, and hand it to the sink.
// 0, EMSGSIZE (payload over KEV_MAX_DATA), ENOBUFS (no memory, or a
// listener could not take it).
int post_event(const kev_msg &msg) noexcept;

// The last id assigned (0 before the first event).
uint32_t last_event_id() noexcept;

}  // namespace nke::ref
