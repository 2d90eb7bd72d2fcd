// The generic socket operations behind bind, listen, accept, connect,
// socketpair, shutdown, getsockname/getpeername and ioctl (spec/socket.md).
//
// Filter call sites follow 10.2/10.3 (hist §3.5): sf_sobind, sf_solisten,
// sf_soaccept, sf_soconnect2 and sf_sodisconnect run after the protocol
// succeeded (an error is returned although the operation happened;
// EJUSTRETURN reports success); sf_soconnect and sf_soshutdown run before
// it (EJUSTRETURN skips the operation and reports success).
#include "socket/socket_impl.hpp"
#include "socket/usrreq.hpp"
#include "sockfilter/hooks.hpp"

namespace nke::ref::sock {
namespace {

int post(int rc) noexcept { return user_result(rc); }

}  // namespace

int sobind(struct socket *so, struct nke_sockaddr *nam) noexcept {
    if (const int rc = call_usrreq<&pr_usrreqs::pru_bind>(so, so, nam, current_proc()); rc != 0) return rc;
    return post(sf::sockif_chain<&sockif::sf_sobind>(so, nam));
}

int solisten(struct socket *so, int backlog) noexcept {
    if (const int rc = call_usrreq<&pr_usrreqs::pru_listen>(so, so, current_proc()); rc != 0) return rc;
    so->so_options |= SOF_ACCEPTCONN;
    // Out of range (negative or above SOMAXCONN) means SOMAXCONN (hist: solisten).
    so->so_qlimit = (backlog < 0 || backlog > kSomaxconn) ? kSomaxconn : backlog;
    return post(sf::sockif_chain<&sockif::sf_solisten>(so));
}

int soaccept(struct socket *so, struct nke_sockaddr **nam) noexcept {
    if (const int rc = call_usrreq<&pr_usrreqs::pru_accept>(so, so, nam); rc != 0) return rc;
    return post(sf::sockif_chain<&sockif::sf_soaccept>(so, nam));
}

int sodisconnect(struct socket *so) noexcept {
    if (!(so->so_state & SS_ISCONNECTED)) return ENOTCONN;
    if (so->so_state & SS_ISDISCONNECTING) return EALREADY;
    if (const int rc = call_usrreq<&pr_usrreqs::pru_disconnect>(so, so); rc != 0) return rc;
    return post(sf::sockif_chain<&sockif::sf_sodisconnect>(so));
}

int soconnect(struct socket *so, struct nke_sockaddr *nam) noexcept {
    if (!has_usrreq<&pr_usrreqs::pru_connect>(so)) return EOPNOTSUPP;
    if (so->so_options & SOF_ACCEPTCONN) return EOPNOTSUPP;
    // A connection-oriented socket connects once; a datagram socket is
    // disconnected from its old peer first (hist §2.3, soconnect).
    if (so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) {
        if (so->so_proto->pr_flags & PR_CONNREQUIRED) return EISCONN;
        if (sodisconnect(so) != 0) return EISCONN;
    }
    const int rc = sf::sockif_chain<&sockif::sf_soconnect>(so, nam);
    if (rc == EJUSTRETURN) return 0;  // the filter took the connect over
    if (rc != 0) return user_result(rc);
    return call_usrreq<&pr_usrreqs::pru_connect>(so, so, nam, current_proc());
}

int soconnect2(struct socket *so1, struct socket *so2) noexcept {
    if (const int rc = call_usrreq<&pr_usrreqs::pru_connect2>(so1, so1, so2); rc != 0) return rc;
    return post(sf::sockif_chain<&sockif::sf_soconnect2>(so1, so2));
}

void sorflush(struct socket *so) noexcept {
    if (sf::sockif_chain<&sockif::sf_sorflush>(so) != 0) return;
    cantrcvmore(so);
    sb_release(so->so_rcv);
}

int soshutdown(struct socket *so, int how) noexcept {
    if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return EINVAL;
    // A write shutdown needs the protocol: refuse before anything changes
    // (history flushed the read side first, then failed).
    if (how != SHUT_RD && !has_usrreq<&pr_usrreqs::pru_shutdown>(so)) return EOPNOTSUPP;
    const int rc = sf::sockif_chain<&sockif::sf_soshutdown>(so, how);
    if (rc == EJUSTRETURN) return 0;
    if (rc != 0) return user_result(rc);
    if (how != SHUT_WR) sorflush(so);
    if (how != SHUT_RD) return call_usrreq<&pr_usrreqs::pru_shutdown>(so, so);
    return 0;
}

int soaddr(struct socket *so, bool peer, struct nke_sockaddr **nam) noexcept {
    if (peer) {
        if (!has_usrreq<&pr_usrreqs::pru_peeraddr>(so)) return EOPNOTSUPP;
        if (!(so->so_state & (SS_ISCONNECTED | SS_ISCONFIRMING))) return ENOTCONN;
        return call_usrreq<&pr_usrreqs::pru_peeraddr>(so, so, nam);
    }
    return call_usrreq<&pr_usrreqs::pru_sockaddr>(so, so, nam);
}

int socontrol(struct socket *so, unsigned long cmd, void *data) noexcept {
    return call_usrreq<&pr_usrreqs::pru_control>(so, so, cmd, data, static_cast<struct ifnet *>(nullptr),
                                                 current_proc());
}

}  // namespace nke::ref::sock
