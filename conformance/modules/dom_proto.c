/* A protocol-handler NKE for the domain tests: adds one datagram protocol
 * (type SOCK_DGRAM, protocol 77) to the domain probe->target in its start
 * routine and removes it in its stop routine. */
#include <errno.h>
#include <sys/socket.h>

#include "dom_probe.h"

static int p_attach(struct socket *so, int proto, struct proc *p) {
    (void)proto;
    (void)p;
    return soreserve(so, 2048, 2048);
}

static struct pr_usrreqs p_usrreqs = {
    .pru_attach = p_attach,
};

static struct protosw p_proto = {
    .pr_type = SOCK_DGRAM,
    .pr_protocol = 77,
    .pr_flags = PR_ATOMIC,
    .pr_usrreqs = &p_usrreqs,
};

static struct nke_mod_probe *g_probe;

static kern_return_t dom_proto_start(kmod_info_t *ki, void *data) {
    (void)ki;
    g_probe = data;
    if (g_probe == NULL || g_probe->target == NULL) return KMOD_RETURN_FAILURE;
    g_probe->start_calls++;
    g_probe->protosw = &p_proto;
    g_probe->start_rc = net_add_proto(&p_proto, g_probe->target);
    return g_probe->start_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

static kern_return_t dom_proto_stop(kmod_info_t *ki, void *data) {
    struct nke_mod_probe *p = data ? data : g_probe;
    (void)ki;
    p->stop_calls++;
    if (p->leave_registered) return KMOD_RETURN_SUCCESS;
    p->stop_rc = net_del_proto(p_proto.pr_type, p_proto.pr_protocol, g_probe->target);
    return p->stop_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.opennke.test.dom_proto, "1.0", dom_proto_start, dom_proto_stop);
