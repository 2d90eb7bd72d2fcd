// The connect path of a control socket (spec/kern_control.md, CTL-CONNECT-*).
#include "kern_control/connection.hpp"

#include "kern_control/callbacks.hpp"
#include "kern_control/registry.hpp"

#include "core/counters.hpp"
#include "core/proc.hpp"

#include <nke/socket.h>

#include <cerrno>
#include <cstring>

namespace nke::ref::ctl {

Controller *controller_of(struct socket *so) noexcept {
    return static_cast<Controller *>(so_getpcb(so));
}

int connect_client(struct socket *so, const struct nke_sockaddr *nam, struct proc *p) noexcept {
    // The socket layer has already refused a connected socket (EISCONN) and
    // run the filters' sf_soconnect.  sa_len holds the length the caller
    // passed (the user's sc_len is ignored, CTL-CONNECT-005).
    if (nam == nullptr || nam->sa_len != sizeof(sockaddr_ctl)) return EINVAL;
    sockaddr_ctl sc;
    std::memcpy(&sc, nam, sizeof sc);
    if (sc.sc_family != AF_SYSTEM) return EAFNOSUPPORT;
    if (sc.ss_sysaddr != AF_SYS_CONTROL) return EINVAL;

    auto c = registry().by_addr(sc.sc_id, sc.sc_unit);
    if (!c) return EADDRNOTAVAIL;
    // Privilege first, before anything changes (hist §9.2 #5): the caller
    // is the thread calling connect, not the socket's creator.
    if (c->reg.ctl_flags & CTL_FLAG_PRIVILEGED) {
        const proc *caller = p ? p : current_proc();
        if (caller->p_euid != 0) return EPERM;
    }
    if (c->client) return EBUSY;

    sockbuf *snd = so_getsnd(so);
    sockbuf *rcv = so_getrcv(so);
    const uint32_t old_snd = sb_gethiwat(snd), old_rcv = sb_gethiwat(rcv);
    if (const int rc = soreserve(so, c->sendsize, c->recvsize); rc != 0) {
        (void)soreserve(so, old_snd, old_rcv);
        return rc;
    }

    // The controller is busy from here: a second client gets EBUSY and
    // ctl_deregister gets EBUSY; ctl_enqueue* reaches this socket, so a
    // controller may greet its client from ctl_connect (CTL-CONNECT-015).
    c->client = so;
    c->connecting = true;
    c->clients.store(1, std::memory_order_release);
    so_setpcb(so, c.get());

    const int rc = call_connect(*c);
    c->connecting = false;
    if (rc != 0) {
        so_setpcb(so, nullptr);
        c->client = nullptr;
        c->clients.store(0, std::memory_order_release);
        // Nothing of the attempt survives: greeting data, buffer sizes.
        sbflush(rcv);
        (void)soreserve(so, old_snd, old_rcv);
        return rc > 0 ? rc : ECONNREFUSED;
    }
    live_add(Live::ctl_clients, 1);
    soisconnected(so);
    return 0;
}

void end_connection(Controller &c, struct socket *so) noexcept {
    auto keep = c.shared_from_this();
    // State first: while ctl_disconnect runs the controller has no client
    // (CTL-DISC-003) and may deregister itself (CTL-DEREG-007).
    so_setpcb(so, nullptr);
    c.client = nullptr;
    c.clients.store(0, std::memory_order_release);
    live_add(Live::ctl_clients, -1);
    call_disconnect(c);
    soisdisconnected(so);
}

}  // namespace nke::ref::ctl
