// The SYSPROTO_EVENT protocol's user requests (spec/kern_event.md, KEV-SOCK-*,
// KEV-FILT-*, KEV-IOCTL-*).  History's eventsw (hist §7): attach, detach and
// control only; no pr_ctloutput; everything else is not supported (NULL
// here: the socket layer answers EOPNOTSUPP, or ENOPROTOOPT for options).
#include "kern_event/protocol.hpp"

#include "kern_event/event_socket.hpp"

#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "core/events.hpp"

#include <nke/socket.h>
#include <nke/sys_domain.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace nke::ref::kev {
namespace {

EventSocket *pcb(struct socket *so) noexcept { return static_cast<EventSocket *>(so_getpcb(so)); }

int kev_attach(struct socket *so, int, struct proc *) {
    auto es = try_make<EventSocket>();
    if (!es) return ENOBUFS;
    // Reserve before linking (10.3 order, hist §7), so a failure leaves nothing.
    if (const int rc = soreserve(so, KEV_SNDSPACE, KEV_RECVSPACE); rc != 0) return rc;
    es->so = so;
    link(*es);
    so_setpcb(so, es.release());
    live_add(Live::event_sockets, 1);
    return 0;
}

int kev_detach(struct socket *so) {
    std::unique_ptr<EventSocket> es(pcb(so));
    if (!es) return 0;
    unlink(*es);
    so_setpcb(so, nullptr);
    live_add(Live::event_sockets, -1);
    return 0;
}

int kev_control(struct socket *so, unsigned long cmd, void *data, struct ifnet *, struct proc *) {
    EventSocket *es = pcb(so);
    if (es == nullptr) return EINVAL;
    const bool ours = cmd == SIOCGKEVID || cmd == SIOCSKEVFILT || cmd == SIOCGKEVFILT;
    if (!ours) return EOPNOTSUPP;   // KEV-IOCTL-001
    if (data == nullptr) return EFAULT;
    switch (cmd) {
    case SIOCGKEVID: {
        const uint32_t id = last_event_id();
        std::memcpy(data, &id, sizeof id);
        return 0;
    }
    case SIOCSKEVFILT:
        std::memcpy(&es->filter, data, sizeof es->filter);   // any values (KEV-FILT-003)
        return 0;
    case SIOCGKEVFILT:
        std::memcpy(data, &es->filter, sizeof es->filter);
        return 0;
    default:
        return EOPNOTSUPP;
    }
}

}  // namespace

// Built on first use (see kern_control/usrreqs.cpp).
protosw &event_protosw() noexcept {
    static pr_usrreqs usrreqs = [] {
        pr_usrreqs u{};
        u.pru_attach = kev_attach;
        u.pru_control = kev_control;
        u.pru_detach = kev_detach;
        return u;
    }();
    static protosw eventsw = [] {
        protosw p{};
        p.pr_type = SOCK_RAW;
        p.pr_protocol = SYSPROTO_EVENT;
        p.pr_flags = PR_ATOMIC;
        p.pr_usrreqs = &usrreqs;
        return p;
    }();
    return eventsw;
}

void install_event_sink() noexcept { set_event_sink(deliver); }

}  // namespace nke::ref::kev
