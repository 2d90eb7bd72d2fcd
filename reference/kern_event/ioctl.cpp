// ioctl on an event socket (spec/kern_event.md, KEV-FILT-002/003,
// KEV-POST-008, KEV-IOCTL-001).  The socket layer has already handled its
// generic requests (FIONBIO, FIONREAD).
#include "kern_event/event_socket.hpp"
#include "kern_event/protocol.hpp"

#include "core/events.hpp"

#include <cerrno>
#include <cstring>

namespace nke::ref::kev {

int kev_control(struct socket *so, unsigned long cmd, void *data, struct ifnet *, struct proc *) {
    EventSocket *es = event_socket_of(so);
    if (es == nullptr) return EINVAL;
    if (cmd != SIOCGKEVID && cmd != SIOCSKEVFILT && cmd != SIOCGKEVFILT) return EOPNOTSUPP;
    if (data == nullptr) return EFAULT;
    switch (cmd) {
    case SIOCGKEVID: {
        const uint32_t id = last_event_id();
        std::memcpy(data, &id, sizeof id);
        return 0;
    }
    case SIOCSKEVFILT:
        // Any values; the match rule gives them their meaning (KEV-FILT-003).
        std::memcpy(&es->filter, data, sizeof es->filter);
        return 0;
    default:  // SIOCGKEVFILT
        std::memcpy(data, &es->filter, sizeof es->filter);
        return 0;
    }
}

}  // namespace nke::ref::kev
