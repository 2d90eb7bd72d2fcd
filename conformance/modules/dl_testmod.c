/* A test NKE for the DLIL chapter: depending on its arguments it attaches an
 * interface filter, a driver interface, or an interface-family module.
 * Only the ABI is used. */
#include <string.h>

#include <nke/dlil.h>
#include <nke/kmod.h>
#include <nke/mbuf.h>

#include "dl_mod_args.h"

static struct ifnet g_ifp;
static struct dlil_if_flt_str g_flt;

static int flt_input(void *cookie, struct ifnet **ifp, struct mbuf **m, char **frame) {
    (void)ifp;
    (void)m;
    (void)frame;
    ((struct dl_mod_args *)cookie)->input_calls++;
    return 0;
}

static int flt_detach(void *cookie) {
    ((struct dl_mod_args *)cookie)->detach_calls++;
    return 0;
}

static int drv_output(struct ifnet *ifp, struct mbuf *m) {
    (void)ifp;
    m_freem(m);
    return 0;
}

static int fam_add_if(struct ifnet *ifp) { (void)ifp; return 0; }
static int fam_del_if(struct ifnet *ifp) { (void)ifp; return 0; }
static int fam_add_proto(struct ddesc_head_str *h, struct if_proto *p, unsigned long t) {
    (void)h; (void)p; (void)t;
    return 0;
}
static int fam_del_proto(struct if_proto *p, unsigned long t) { (void)p; (void)t; return 0; }

static kern_return_t dl_testmod_start(struct kmod_info *ki, void *data) {
    struct dl_mod_args *a = (struct dl_mod_args *)data;
    (void)ki;
    if (a == NULL) return KMOD_RETURN_FAILURE;
    switch (a->mode) {
    case DL_MOD_FILTER:
        memset(&g_flt, 0, sizeof g_flt);
        g_flt.cookie = a;
        g_flt.filter_if_input = flt_input;
        g_flt.filter_detach = flt_detach;
        return dlil_attach_interface_filter(a->ifp, &g_flt, &a->filter_id, DLIL_LAST_FILTER) == 0
                   ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
    case DL_MOD_DRIVER:
        memset(&g_ifp, 0, sizeof g_ifp);
        strcpy(g_ifp.if_name, "mdr");
        g_ifp.if_unit = a->unit;
        g_ifp.if_family = APPLE_IF_FAM_ETHERNET;
        g_ifp.if_output = drv_output;
        return dlil_if_attach(&g_ifp) == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
    case DL_MOD_FAMILY: {
        struct dlil_ifmod_reg_str r;
        memset(&r, 0, sizeof r);
        r.add_if = fam_add_if;
        r.del_if = fam_del_if;
        r.add_proto = fam_add_proto;
        r.del_proto = fam_del_proto;
        return dlil_reg_if_modules(a->family, &r) == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
    }
    default:
        return KMOD_RETURN_FAILURE;
    }
}

static kern_return_t dl_testmod_stop(struct kmod_info *ki, void *data) {
    struct dl_mod_args *a = (struct dl_mod_args *)data;
    (void)ki;
    if (a == NULL || a->leave_attached) return KMOD_RETURN_SUCCESS;
    switch (a->mode) {
    case DL_MOD_FILTER:
        return dlil_detach_filter(a->filter_id) == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
    case DL_MOD_DRIVER:
        return dlil_if_detach(&g_ifp) == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
    case DL_MOD_FAMILY:
        return dlil_dereg_if_modules(a->family) == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
    default:
        return KMOD_RETURN_FAILURE;
    }
}

#if defined(DL_TESTMOD_B)
KMOD_EXPLICIT_DECL(org.opennke.test.dl_testmod_b, "1.0", dl_testmod_start, dl_testmod_stop);
#elif defined(DL_TESTMOD_C)
KMOD_EXPLICIT_DECL(org.opennke.test.dl_testmod_c, "1.0", dl_testmod_start, dl_testmod_stop);
#else
KMOD_EXPLICIT_DECL(org.opennke.test.dl_testmod, "1.0", dl_testmod_start, dl_testmod_stop);
#endif
