/* A controller module: start registers the controller described by the
 * struct ctl_module_probe passed as data (its callbacks live in this
 * image, so the controller belongs to this module); ctl_write echoes the
 * message back; stop deregisters it if the probe asks. */
#include "ctl_module_probe.h"

#include <nke/mbuf.h>

static struct ctl_module_probe *g_probe;
static kern_ctl_ref g_ref;
static struct kern_ctl_reg g_reg;

static int mod_connect(kern_ctl_ref ref, void *ud) {
    (void)ref;
    ((struct ctl_module_probe *)ud)->connects++;
    return 0;
}

static void mod_disconnect(kern_ctl_ref ref, void *ud) {
    (void)ref;
    ((struct ctl_module_probe *)ud)->disconnects++;
}

static int mod_write(kern_ctl_ref ref, void *ud, struct mbuf *m) {
    ((struct ctl_module_probe *)ud)->writes++;
    /* Echo: the chain becomes the client's record (or is freed). */
    if (ctl_enqueuembuf(ref, m, 0) != 0) m_freem(m);
    return 0;
}

static kern_return_t ctl_module_start(kmod_info_t *ki, void *data) {
    (void)ki;
    g_probe = data;
    if (!g_probe) return KMOD_RETURN_FAILURE;
    g_probe->start_calls++;
    g_reg.ctl_id = g_probe->id;
    g_reg.ctl_unit = g_probe->unit;
    g_reg.ctl_flags = g_probe->flags;
    g_reg.ctl_connect = mod_connect;
    g_reg.ctl_disconnect = mod_disconnect;
    g_reg.ctl_write = mod_write;
    g_probe->register_rc = ctl_register(&g_reg, g_probe, &g_ref);
    if (g_probe->register_rc != 0) return KMOD_RETURN_FAILURE;
    return g_probe->start_result;
}

static kern_return_t ctl_module_stop(kmod_info_t *ki, void *data) {
    struct ctl_module_probe *p = data ? data : g_probe;
    (void)ki;
    p->stop_calls++;
    if (p->deregister_in_stop) {
        p->deregister_rc = ctl_deregister(g_ref);
        if (p->deregister_rc != 0) return KMOD_RETURN_FAILURE;
    }
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.test.ctl_module, "1.0", ctl_module_start, ctl_module_stop);
