/*
 * pf_echo — an example protocol-family NKE (see pf_echo.h and README.md).
 *
 * What it shows:
 *   - a struct domain and a struct protosw owned by the module, added with
 *     net_add_domain and removed with net_del_domain in the stop routine;
 *   - user requests: pru_attach reserves the socket buffers, pru_send gives
 *     the data back with sbappendaddr (the protocol owns the mbufs whatever
 *     it returns), pru_connect/pru_disconnect for nke_send on a connected
 *     socket, pru_sockaddr/pru_peeraddr with nke_sockaddr_dup;
 *   - the stop routine refusing to stop while the stack says the domain is
 *     in use (net_del_domain returns EBUSY while dom_refs > 0; the loader
 *     refuses the unload even earlier).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <nke/nke.h>

#include "pf_echo.h"

static struct pf_echo_stats g_local_stats;
static struct pf_echo_stats *g_stats = &g_local_stats;

static const struct sockaddr_echo g_service = {
    sizeof(struct sockaddr_echo), AF_ECHO, ECHO_PORT, {0}};

static int echo_attach(struct socket *so, int proto, struct proc *p) {
    (void)proto;
    (void)p;
    int error = soreserve(so, 4096, 8192);
    if (error) return error;
    __atomic_fetch_add(&g_stats->sockets, 1, __ATOMIC_RELAXED);
    return 0;
}

static int echo_detach(struct socket *so) {
    (void)so;
    __atomic_fetch_sub(&g_stats->sockets, 1, __ATOMIC_RELAXED);
    return 0;
}

static int valid(const struct nke_sockaddr *nam) {
    return nam && nam->sa_len == sizeof(struct sockaddr_echo) && nam->sa_family == AF_ECHO;
}

static int echo_connect(struct socket *so, struct nke_sockaddr *nam, struct proc *p) {
    (void)p;
    if (!valid(nam)) return EINVAL;
    soisconnected(so);
    return 0;
}

static int echo_disconnect(struct socket *so) {
    (void)so;  /* connectionless: nothing to tear down */
    return 0;
}

static int echo_send(struct socket *so, int flags, struct mbuf *m, struct nke_sockaddr *nam,
                     struct mbuf *control, struct proc *p) {
    (void)flags;
    (void)p;
    if (control) m_freem(control);  /* no ancillary data in this family */
    if (nam && !valid(nam)) {
        m_freem(m);
        return EINVAL;
    }
    /* 1: the mbufs now belong to the buffer; 0: no room, they are ours. */
    if (!sbappendaddr(so_getrcv(so), (const struct nke_sockaddr *)&g_service, m, NULL)) {
        __atomic_fetch_add(&g_stats->dropped, 1, __ATOMIC_RELAXED);
        m_freem(m);
        return ENOBUFS;
    }
    __atomic_fetch_add(&g_stats->datagrams, 1, __ATOMIC_RELAXED);
    sorwakeup(so);
    return 0;
}

static int echo_sockaddr(struct socket *so, struct nke_sockaddr **nam) {
    (void)so;
    *nam = nke_sockaddr_dup((const struct nke_sockaddr *)&g_service);
    return *nam ? 0 : ENOBUFS;
}

static struct pr_usrreqs echo_usrreqs = {
    .pru_attach = echo_attach,
    .pru_detach = echo_detach,
    .pru_connect = echo_connect,
    .pru_disconnect = echo_disconnect,
    .pru_send = echo_send,
    .pru_sockaddr = echo_sockaddr,
    .pru_peeraddr = echo_sockaddr,
};

static struct protosw echo_protosw = {
    .pr_type = SOCK_DGRAM,
    .pr_protocol = 0,
    .pr_flags = PR_ATOMIC | PR_ADDR,
    .pr_usrreqs = &echo_usrreqs,
};

static struct domain echo_domain = {
    .dom_family = PF_ECHO,
    .dom_name = "echo",
    .dom_protosw = &echo_protosw,
};

static kern_return_t pf_echo_start(kmod_info_t *ki, void *data) {
    (void)ki;
    if (data) g_stats = data;
    int error = net_add_domain(&echo_domain);
    if (error) {
        nke_log(NKE_LOG_ERR, "pf_echo: net_add_domain failed: %d", error);
        return KMOD_RETURN_FAILURE;
    }
    nke_log(NKE_LOG_INFO, "pf_echo: family %d registered", PF_ECHO);
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t pf_echo_stop(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    int error = net_del_domain(&echo_domain);
    if (error) {
        nke_log(NKE_LOG_ERR, "pf_echo: still in use (%d)", error);
        return KMOD_RETURN_FAILURE;
    }
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.example.pf_echo, "1.0", pf_echo_start, pf_echo_stop);
