/* The agent test module of the property tests (prop_agent.h). */
#include <errno.h>
#include <string.h>

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
