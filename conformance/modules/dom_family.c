/* A protocol-family NKE for the domain tests: registers family
 * probe->family with one datagram protocol (attach reserves buffers; send
 * echoes the data back into the sender's receive buffer) and removes it in
 * its stop routine, refusing to stop if the stack says the domain is busy. */
#include <errno.h>
#include <sys/socket.h>

#include "dom_probe.h"

static int echo_attach(struct socket *so, int proto, struct proc *p) {
    (void)proto;
    (void)p;
    return soreserve(so, 4096, 4096);
}

static int echo_send(struct socket *so, int flags, struct mbuf *m, struct nke_sockaddr *addr,
                     struct mbuf *control, struct proc *p) {
    (void)flags;
    (void)addr;
    (void)p;
    if (control) m_freem(control);
    sbappendrecord(so_getrcv(so), m);
    sorwakeup(so);
    return 0;
}

static struct pr_usrreqs echo_usrreqs = {
    .pru_attach = echo_attach,
    .pru_send = echo_send,
};

static struct protosw echo_proto = {
    .pr_type = SOCK_DGRAM,
    .pr_protocol = 1,
    .pr_flags = PR_ATOMIC,
    .pr_usrreqs = &echo_usrreqs,
};

static struct domain echo_domain = {
    .dom_name = "dom_family",
};

static struct nke_mod_probe *g_probe;

static kern_return_t dom_family_start(kmod_info_t *ki, void *data) {
    (void)ki;
    g_probe = data;
    if (g_probe == NULL) return KMOD_RETURN_FAILURE;
    g_probe->start_calls++;
    echo_domain.dom_family = g_probe->family;
    echo_domain.dom_protosw = &echo_proto;
    echo_proto.pr_next = NULL;
    g_probe->domain = &echo_domain;
    g_probe->protosw = &echo_proto;
    g_probe->start_rc = net_add_domain(&echo_domain);
    return g_probe->start_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

static kern_return_t dom_family_stop(kmod_info_t *ki, void *data) {
    struct nke_mod_probe *p = data ? data : g_probe;
    (void)ki;
    p->stop_calls++;
    if (p->leave_registered) return KMOD_RETURN_SUCCESS;
    p->stop_rc = net_del_domain(&echo_domain);
    return p->stop_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.opennke.test.dom_family, "1.0", dom_family_start, dom_family_stop);
