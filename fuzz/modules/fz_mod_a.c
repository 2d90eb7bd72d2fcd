/* A test NKE for fuzz/call_sequence: depending on its arguments its start
 * routine registers an interface family, attaches a driver interface and an
 * interface filter; its stop routine removes them, refuses, or leaves them to
 * the loader (spec/module.md KMOD-UNLOAD-005, spec/dlil.md DLIL-MOD-003).
 * Only the ABI is used.  fz_mod_b.c is the same module under another name. */
#include <errno.h>
#include <string.h>

#include <nke/dlil.h>
#include <nke/kern_control.h>
#include <nke/kmod.h>
#include <nke/mbuf.h>

#include "fz_mod.h"

static struct ifnet g_ifp;
static struct fz_mod_args *g_args;

static int flt_input(void *cookie, struct ifnet **ifp, struct mbuf **m, char **frame) {
    (void)ifp;
    (void)m;
    (void)frame;
    ((struct fz_mod_args *)cookie)->filter_input_calls++;
    return 0;
}

static int flt_output(void *cookie, struct ifnet **ifp, struct mbuf **m) {
    (void)ifp;
    (void)m;
    ((struct fz_mod_args *)cookie)->filter_output_calls++;
    return 0;
}

static int flt_detach(void *cookie) {
    ((struct fz_mod_args *)cookie)->filter_detach_calls++;
    return 0;
}

static int drv_output(struct ifnet *ifp, struct mbuf *m) {
    (void)ifp;
    m_freem(m);
    return 0;
}

static void drv_free(struct ifnet *ifp) {
    (void)ifp;
    if (g_args) g_args->if_free_calls++;
}

static int fam_add_if(struct ifnet *ifp) { (void)ifp; return 0; }
static int fam_del_if(struct ifnet *ifp) { (void)ifp; return 0; }
static int fam_add_proto(struct ddesc_head_str *h, struct if_proto *p, unsigned long t) {
    (void)h;
    (void)p;
    (void)t;
    return 0;
}
static int fam_del_proto(struct if_proto *p, unsigned long t) {
    (void)p;
    (void)t;
    return 0;
}
static int fam_shutdown(void) {
    if (g_args) g_args->shutdown_calls++;
    return 0;
}

static kern_return_t fz_start(struct kmod_info *ki, void *data) {
    struct fz_mod_args *a = (struct fz_mod_args *)data;
    (void)ki;
    if (a == NULL) return KMOD_RETURN_FAILURE;
    g_args = a;
    a->start_calls++;
    a->start_rc[0] = a->start_rc[1] = a->start_rc[2] = 0;
    a->ifp = NULL;
    if (a->what & FZ_MOD_FAMILY) {
        struct dlil_ifmod_reg_str r;
        memset(&r, 0, sizeof r);
        r.add_if = fam_add_if;
        r.del_if = fam_del_if;
        r.add_proto = fam_add_proto;
        r.del_proto = fam_del_proto;
        r.shutdown = fam_shutdown;
        a->start_rc[0] = dlil_reg_if_modules(a->family, &r);
        if (a->start_rc[0] != 0) return KMOD_RETURN_FAILURE;
    }
    if (a->what & FZ_MOD_DRIVER) {
        memset(&g_ifp, 0, sizeof g_ifp);
        strcpy(g_ifp.if_name, "fzm");
        g_ifp.if_unit = a->unit;
        g_ifp.if_family = (a->what & FZ_MOD_FAMILY) ? a->family : APPLE_IF_FAM_ETHERNET;
        g_ifp.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING;
        g_ifp.if_mtu = 1500;
        g_ifp.if_output = drv_output;
        g_ifp.if_free = drv_free;
        a->start_rc[1] = dlil_if_attach(&g_ifp);
        if (a->start_rc[1] != 0) return KMOD_RETURN_FAILURE;
        a->ifp = &g_ifp;
    }
    if (a->what & FZ_MOD_FILTER) {
        struct dlil_if_flt_str f;
        struct ifnet *on = (a->what & FZ_MOD_FILTER_HOST) ? a->host : &g_ifp;
        memset(&f, 0, sizeof f);
        f.cookie = a;
        f.filter_if_input = flt_input;
        f.filter_if_output = flt_output;
        f.filter_detach = flt_detach;
        a->start_rc[2] = dlil_attach_interface_filter(on, &f, &a->filter_id, DLIL_LAST_FILTER);
        if (a->start_rc[2] != 0) return KMOD_RETURN_FAILURE;
    }
    if (a->what & FZ_MOD_CTL) {
        struct kern_ctl_reg r;
        memset(&r, 0, sizeof r);
        r.ctl_id = a->ctl_id;
        if (ctl_register(&r, a, &a->ctl_ref) != 0) return KMOD_RETURN_FAILURE;
    }
    return (a->what & FZ_MOD_FAIL_START) ? KMOD_RETURN_FAILURE : KMOD_RETURN_SUCCESS;
}

static kern_return_t fz_stop(struct kmod_info *ki, void *data) {
    struct fz_mod_args *a = (struct fz_mod_args *)data;
    (void)ki;
    if (a == NULL) return KMOD_RETURN_FAILURE;
    a->stop_calls++;
    if (a->what & FZ_MOD_REFUSE_STOP) return KMOD_RETURN_FAILURE;
    if (a->what & FZ_MOD_LEAVE) return KMOD_RETURN_SUCCESS;
    if ((a->what & FZ_MOD_CTL) && ctl_deregister(a->ctl_ref) != 0) return KMOD_RETURN_FAILURE;
    if (a->what & FZ_MOD_FILTER) {
        /* ENOENT: the filter went away with the interface it was on. */
        const int rc = dlil_detach_filter(a->filter_id);
        if (rc != 0 && rc != ENOENT) return KMOD_RETURN_FAILURE;
    }
    if ((a->what & FZ_MOD_DRIVER) && dlil_if_detach(&g_ifp) != 0) return KMOD_RETURN_FAILURE;
    a->ifp = NULL;
    if ((a->what & FZ_MOD_FAMILY) && dlil_dereg_if_modules(a->family) != 0) return KMOD_RETURN_FAILURE;
    return KMOD_RETURN_SUCCESS;
}

#if defined(FZ_MOD_B)
KMOD_EXPLICIT_DECL(org.opennke.fuzz.fz_mod_b, "1.0", fz_start, fz_stop);
#else
KMOD_EXPLICIT_DECL(org.opennke.fuzz.fz_mod_a, "1.0", fz_start, fz_stop);
#endif
