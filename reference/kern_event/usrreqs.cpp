// The SYSPROTO_EVENT protocol's user requests (spec/kern_event.md, KEV-SOCK-*,
// KEV-FILT-*, KEV-IOCTL-*).  History's eventsw (hist §7): attach, detach and
// control only; no pr_ctloutput; everything else is not supported (NULL
// here: the socket layer answers EOPNOTSUPP, or ENOPROTOOPT for options).
#include "kern_event/protocol.hpp"

#include "kern_event/event_socket.hpp"

#include "core/alloc.hpp"
#include "core/counters.hpp"

#include <nke/socket.h>
#include <nke/sys_domain.h>

#include <sys/socket.h>

#include <cerrno>
#include <memory>

namespace nke::ref::kev {
namespace {

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
    std::unique_ptr<EventSocket> es(event_socket_of(so));
    if (!es) return 0;
    unlink(*es);
    so_setpcb(so, nullptr);
    live_add(Live::event_sockets, -1);
    return 0;
}

}  // namespace

// Built on first use (see kern_control/usrreqs.cpp).
protosw &event_protosw() noexcept {
    static pr_usrreqs usrreqs = [] {
        pr_usrreqs u{};
        u.pru_attach = kev_attach;
        u.pru_control = kev_control;   // ioctl.cpp
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

}  // namespace nke::ref::kev
