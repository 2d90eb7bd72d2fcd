/*
 * A module that attaches one DLIL interface filter in its start routine
 * and never detaches it (its stop routine "forgets"): the loader must refuse
 * to unload it while a thread is inside the filter (KMOD-UNLOAD-004), and
 * must detach it, with its filter_detach notification, before unmapping the
 * module (KMOD-UNLOAD-005).
 */
#define _DEFAULT_SOURCE /* usleep */
#include "kmod_probe.h"

#include <nke/dlil.h>
#include <unistd.h>

static int dl_input(void *cookie, struct ifnet **ifp, struct mbuf **m, char **frame) {
    struct kmod_probe *p = cookie;
    (void)ifp;
    (void)m;
    (void)frame;
    __atomic_store_n(&p->entered, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&p->block, __ATOMIC_SEQ_CST)) usleep(1000);
    return 0;
}

static int dl_detach(void *cookie) {
    struct kmod_probe *p = cookie;
    __atomic_add_fetch(&p->detached, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static kern_return_t dlfilter_start(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    struct dlil_if_flt_str f = {0};
    (void)ki;
    if (!p || !p->ifp) return KMOD_RETURN_SUCCESS;
    p->start_calls++;
    f.cookie = p;
    f.filter_if_input = dl_input;
    f.filter_detach = dl_detach;
    p->attach_rc = dlil_attach_interface_filter(p->ifp, &f, &p->filter_id, DLIL_LAST_FILTER);
    return p->attach_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

static kern_return_t dlfilter_stop(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    (void)ki;
    if (p) p->stop_calls++;
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.test.dlfilter, "1.0", dlfilter_start, dlfilter_stop);
