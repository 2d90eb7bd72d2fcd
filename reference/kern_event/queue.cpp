// Delivering events to event sockets (spec/kern_event.md, KEV-POST-*).
//
// Each matching socket gets its own copy as one record.  The queue is
// bounded by the socket's receive-buffer limit: an event that does not fit
// is dropped for that socket only and counted (hist §9.2 #19: history's
// queue was unbounded).  The id is assigned here, under the funnel, so that
// every socket queues events in id order (KEV-POST-010).
#include "kern_event/event_socket.hpp"
#include "kern_event/filter.hpp"

#include "kern_control/funnel_lock.hpp"

#include "core/counters.hpp"
#include "core/events.hpp"

#include <nke/mbuf.h>
#include <nke/socket.h>

#include <cerrno>

namespace nke::ref::kev {
namespace {
EventSocket *g_head = nullptr;   // funnel

// Queue one copy of ev on es; false if it had to be dropped.
bool queue_copy(const EventSocket &es, const kern_event_msg &ev) noexcept {
    sockbuf *rcv = so_getrcv(es.so);
    if (sbspace(rcv) < static_cast<long>(ev.total_size)) return false;   // KEV-POST-011
    struct mbuf *m = m_devget(reinterpret_cast<const char *>(&ev),
                              static_cast<int>(ev.total_size), 0, nullptr);
    if (m == nullptr) return false;                                      // KEV-POST-012
    sbappendrecord(rcv, m);
    sorwakeup(es.so);
    return true;
}

}  // namespace

void link(EventSocket &es) noexcept {
    es.prev = nullptr;
    es.next = g_head;
    if (g_head) g_head->prev = &es;
    g_head = &es;
}

void unlink(EventSocket &es) noexcept {
    if (es.prev) es.prev->next = es.next;
    else if (g_head == &es) g_head = es.next;
    if (es.next) es.next->prev = es.prev;
    es.prev = es.next = nullptr;
}

int deliver(kern_event_msg *ev) noexcept {
    FunnelLock lock;
    ev->id = assign_event_id();
    int rc = 0;
    for (EventSocket *es = g_head; es; es = es->next) {
        if (!matches(es->filter, *ev)) continue;
        // A socket shut down for reading takes no more events (KEV-SOCK-009).
        if (so_getstate(es->so) & SS_CANTRCVMORE) continue;
        if (!queue_copy(*es, *ev)) {
            live_add(Live::events_dropped, 1);
            rc = ENOBUFS;
        }
    }
    return rc;
}

}  // namespace nke::ref::kev
