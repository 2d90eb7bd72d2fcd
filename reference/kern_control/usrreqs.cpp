// The SYSPROTO_CONTROL protocol's user requests (spec/kern_control.md).
// History's ctlsw (hist §2): attach does nothing, connect / disconnect /
// send / control are the controller's, everything else is not supported
// (NULL here: the socket layer answers EOPNOTSUPP).
#include "kern_control/protocol.hpp"

#include "kern_control/callbacks.hpp"
#include "kern_control/connection.hpp"
#include "kern_control/registry.hpp"

#include <nke/mbuf.h>
#include <nke/socket.h>

#include <cerrno>

namespace nke::ref::ctl {
namespace {

int ctl_attach(struct socket *, int, struct proc *) { return 0; }

int ctl_connect(struct socket *so, struct nke_sockaddr *nam, struct proc *p) {
    return connect_client(so, nam, p);
}

// The connection ends when the socket is closed (CTL-DISC-001): the socket
// layer disconnects a connected socket, then detaches it; either way the
// controller is told exactly once.
int ctl_disconnect(struct socket *so) {
    if (Controller *c = controller_of(so)) end_connection(*c, so);
    return 0;
}

int ctl_detach(struct socket *so) {
    if (Controller *c = controller_of(so)) end_connection(*c, so);
    return 0;
}

int ctl_send(struct socket *so, int, struct mbuf *m, struct nke_sockaddr *, struct mbuf *control,
             struct proc *) {
    // Ancillary data never reaches the controller (CTL-SEND-007); the
    // destination address is ignored and stays the socket layer's (CTL-SEND-008).
    if (control) m_freem(control);
    Controller *c = controller_of(so);
    if (c == nullptr) {
        m_freem(m);
        return ENOTCONN;
    }
    if (c->reg.ctl_write == nullptr) {
        m_freem(m);   // hist §9.2 #7: history leaked it
        return 0;
    }
    // From here ctl_write owns m, whatever it returns (CTL-SEND-004).
    return user_result(call_write(*c, m));
}

int ctl_control(struct socket *, unsigned long cmd, void *data, struct ifnet *, struct proc *) {
    if (cmd == CTLIOCGCOUNT) {
        if (data == nullptr) return EFAULT;
        *static_cast<uint32_t *>(data) = static_cast<uint32_t>(registry().size());
        return 0;
    }
    return EOPNOTSUPP;   // history's ENOTSUP: the same number here (CTL-IOCTL-002)
}

}  // namespace

// Built on first use: the domain's dom_init may run during static
// initialisation, before a namespace-scope object here would be.
protosw &control_protosw() noexcept {
    static pr_usrreqs usrreqs = [] {
        pr_usrreqs u{};
        u.pru_attach = ctl_attach;
        u.pru_connect = ctl_connect;
        u.pru_control = ctl_control;
        u.pru_detach = ctl_detach;
        u.pru_disconnect = ctl_disconnect;
        u.pru_send = ctl_send;
        return u;
    }();
    static protosw ctlsw = [] {
        protosw p{};
        p.pr_type = SOCK_DGRAM;
        p.pr_protocol = SYSPROTO_CONTROL;
        p.pr_flags = PR_ATOMIC | PR_CONNREQUIRED;
        p.pr_ctloutput = ctl_ctloutput;
        p.pr_usrreqs = &usrreqs;
        return p;
    }();
    return ctlsw;
}

}  // namespace nke::ref::ctl
