/* The agent test module of the property tests (prop_agent.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "prop_agent.h"

static struct prop_agent *g_agent;

static void report(int event, void *cookie) {
    struct prop_agent *a = g_agent;
    if (a != NULL && a->hook != NULL) a->hook(a->hook_ctx, event, cookie);
}

/* --- a driver ---------------------------------------------------------------- */

static int drv_output(struct ifnet *ifp, struct mbuf *m) {
    (void)ifp;
    m_freem(m);
    return 0;
}
static int drv_ioctl(struct ifnet *ifp, unsigned long cmd, void *arg) {
    (void)ifp;
    (void)cmd;
    (void)arg;
    return EOPNOTSUPP;
}
static void drv_free(struct ifnet *ifp) { report(PROP_EV_IF_FREE, ifp); }

static int op_if_attach(struct ifnet *ifp) {
    ifp->if_output = drv_output;
    ifp->if_ioctl = drv_ioctl;
    ifp->if_free = drv_free;
    ifp->if_event = NULL;
    ifp->if_set_bpf_tap = NULL;
    return dlil_if_attach(ifp);
}

/* --- a protocol ---------------------------------------------------------------- */

static int proto_input(struct mbuf *m, char *frame, struct ifnet *ifp, unsigned long tag,
                       int sync_ok) {
    (void)frame;
    (void)ifp;
    (void)tag;
    (void)sync_ok;
    m_freem(m);
    return 0;
}

static int op_attach_proto(uint32_t if_family, int16_t unit, uint32_t pf, unsigned long *tag) {
    struct dlil_proto_reg_str reg;
    memset(&reg, 0, sizeof reg);
    TAILQ_INIT(&reg.demux_desc_head);
    reg.interface_family = if_family;
    reg.protocol_family = pf;
    reg.unit_number = unit;
    reg.input = proto_input;
    return dlil_attach_protocol(&reg, tag);
}

/* --- filters ------------------------------------------------------------------- */

static int flt_detach(void *cookie) {
    report(PROP_EV_FILTER_DETACH, cookie);
    return 0;
}
static int if_flt_input(void *cookie, struct ifnet **ifp, struct mbuf **m, char **frame) {
    (void)ifp;
    (void)m;
    (void)frame;
    report(PROP_EV_FILTER_CALL, cookie);
    return 0;
}
static int if_flt_output(void *cookie, struct ifnet **ifp, struct mbuf **m) {
    (void)ifp;
    (void)m;
    report(PROP_EV_FILTER_CALL, cookie);
    return 0;
}
static int pr_flt_input(void *cookie, struct mbuf **m, char **frame, struct ifnet **ifp) {
    (void)m;
    (void)frame;
    (void)ifp;
    report(PROP_EV_FILTER_CALL, cookie);
    return 0;
}

static int op_attach_if_filter(struct ifnet *ifp, void *cookie, int where, unsigned long *id) {
    struct dlil_if_flt_str f;
    memset(&f, 0, sizeof f);
    f.cookie = cookie;
    f.filter_if_input = if_flt_input;
    f.filter_if_output = if_flt_output;
    f.filter_detach = flt_detach;
    return dlil_attach_interface_filter(ifp, &f, id, where);
}

static int op_attach_proto_filter(unsigned long tag, void *cookie, int where, unsigned long *id) {
    struct dlil_pr_flt_str f;
    memset(&f, 0, sizeof f);
    f.cookie = cookie;
    f.filter_dl_input = pr_flt_input;
    f.filter_detach = flt_detach;
    return dlil_attach_protocol_filter(tag, &f, id, where);
}

/* --- a protocol family -------------------------------------------------------------- */

static int pr_attach(struct socket *so, int proto, struct proc *p) {
    (void)proto;
    (void)p;
    return soreserve(so, 4096, 4096);
}
static int pr_detach(struct socket *so) {
    (void)so;
    return 0;
}
static struct pr_usrreqs g_usrreqs;
static struct protosw g_dom_proto, g_proto;
static struct domain g_domain;

static int op_add_domain(void) {
    struct prop_agent *a = g_agent;
    memset(&g_domain, 0, sizeof g_domain);
    g_domain.dom_family = a->family;
    g_domain.dom_name = "prop";
    memset(&g_dom_proto, 0, sizeof g_dom_proto);
    g_dom_proto.pr_type = SOCK_DGRAM;
    g_dom_proto.pr_protocol = 1;
    g_dom_proto.pr_flags = PR_ATOMIC | PR_ADDR;
    g_dom_proto.pr_usrreqs = &g_usrreqs;
    g_domain.dom_protosw = &g_dom_proto;
    return net_add_domain(&g_domain);
}
static int op_del_domain(void) { return net_del_domain(&g_domain); }

static int op_add_proto(struct domain *dp) {
    struct prop_agent *a = g_agent;
    memset(&g_proto, 0, sizeof g_proto);
    g_proto.pr_type = SOCK_DGRAM;
    g_proto.pr_protocol = (int16_t)a->protocol;
    g_proto.pr_flags = PR_ATOMIC | PR_ADDR;
    g_proto.pr_usrreqs = &g_usrreqs;
    return net_add_proto(&g_proto, dp);
}
static int op_del_proto(struct domain *dp) {
    return net_del_proto(SOCK_DGRAM, g_agent->protocol, dp);
}

/* --- a socket filter ---------------------------------------------------------------- */

static int sf_create(struct socket *so, struct protosw *pr, struct kextcb *kp) {
    (void)so;
    (void)pr;
    report(PROP_EV_SF_CREATE, (void *)(uintptr_t)kp->e_nfd->nf_handle);
    return 0;
}
static int sf_free(struct socket *so, struct kextcb *kp) {
    (void)so;
    report(PROP_EV_SF_FREE, (void *)(uintptr_t)kp->e_nfd->nf_handle);
    return 0;
}
static struct sockif g_sf_soif;
static struct sockutil g_sf_sout;
static struct NFDescriptor g_sf;

static int op_register_sf(int global, struct protosw *pr, struct NFDescriptor *nfp1, int flags) {
    memset(&g_sf, 0, sizeof g_sf);
    g_sf.nf_handle = g_agent->sf_handle;
    g_sf.nf_flags = global ? NFD_GLOBAL : NFD_PROG;
    g_sf.nf_soif = &g_sf_soif;
    g_sf.nf_soutil = &g_sf_sout;
    return register_sockfilter(&g_sf, nfp1, pr, flags);
}
static int op_unregister_sf(struct protosw *pr) { return unregister_sockfilter(&g_sf, pr, 0); }

/* --- a kernel controller -------------------------------------------------------------- */

static int ctl_conn(kern_ctl_ref ref, void *userdata) {
    (void)userdata;
    report(PROP_EV_CTL_CONNECT, ref);
    return 0;
}
static void ctl_disc(kern_ctl_ref ref, void *userdata) {
    (void)userdata;
    report(PROP_EV_CTL_DISCONNECT, ref);
}
static int op_ctl_register(uint32_t id, uint32_t unit, kern_ctl_ref *ref) {
    struct kern_ctl_reg r;
    memset(&r, 0, sizeof r);
    r.ctl_id = id;
    r.ctl_unit = unit;
    r.ctl_connect = ctl_conn;
    r.ctl_disconnect = ctl_disc;
    return ctl_register(&r, NULL, ref);
}
static int op_ctl_deregister(kern_ctl_ref ref) { return ctl_deregister(ref); }

/* --- start and stop -------------------------------------------------------------- */

static kern_return_t agent_start(struct kmod_info *ki, void *data) {
    struct prop_agent *a = (struct prop_agent *)data;
    (void)ki;
    if (a == NULL || a->version != PROP_AGENT_VERSION) return KMOD_RETURN_FAILURE;
    g_agent = a;
    a->start_calls++;
    a->if_attach = op_if_attach;
    a->attach_proto = op_attach_proto;
    a->attach_if_filter = op_attach_if_filter;
    a->attach_proto_filter = op_attach_proto_filter;
    g_usrreqs.pru_attach = pr_attach;
    g_usrreqs.pru_detach = pr_detach;
    g_sf_soif.sf_socreate = sf_create;
    g_sf_soif.sf_sofree = sf_free;
    a->domain = &g_domain;
    a->dom_proto = &g_dom_proto;
    a->proto = &g_proto;
    a->add_domain = op_add_domain;
    a->del_domain = op_del_domain;
    a->add_proto = op_add_proto;
    a->del_proto = op_del_proto;
    a->sf = &g_sf;
    a->register_sf = op_register_sf;
    a->unregister_sf = op_unregister_sf;
    a->ctl_register = op_ctl_register;
    a->ctl_deregister = op_ctl_deregister;
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t agent_stop(struct kmod_info *ki, void *data) {
    (void)ki;
    (void)data;
    struct prop_agent *a = g_agent;
    if (a == NULL) return KMOD_RETURN_SUCCESS;
    a->stop_calls++;
    /* Whatever is still registered is left to the stack (KMOD-UNLOAD-005). */
    return a->stop_result;
}

#if defined(PROP_AGENT_B)
KMOD_EXPLICIT_DECL(org.opennke.props.agent_b, "1.0", agent_start, agent_stop);
#else
KMOD_EXPLICIT_DECL(org.opennke.props.agent_a, "1.0", agent_start, agent_stop);
#endif
