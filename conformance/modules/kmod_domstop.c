/*
 * A module that registers a protocol family in start and whose stop routine
 * can be held until the test says so (KMOD-UNLOAD-007: a reference that
 * appears while stop runs must still refuse the unload).  Stop never
 * deregisters: the loader removes the domain once nothing refers to it.
 */
#define _DEFAULT_SOURCE /* usleep */
#include "kmod_probe.h"

#include <nke/domain.h>
#include <nke/protosw.h>
#include <unistd.h>

static int ds_attach(struct socket *so, int proto, struct proc *p) {
    (void)so;
    (void)proto;
    (void)p;
    return 0;
}

static int ds_detach(struct socket *so) {
    (void)so;
    return 0;
}

static struct pr_usrreqs ds_usrreqs = {.pru_attach = ds_attach, .pru_detach = ds_detach};
static struct protosw ds_proto = {.pr_type = 2 /* SOCK_DGRAM */, .pr_usrreqs = &ds_usrreqs};
static struct domain ds_domain = {.dom_name = "domstop", .dom_protosw = &ds_proto};

static kern_return_t domstop_start(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    (void)ki;
    if (!p) return KMOD_RETURN_FAILURE;
    p->start_calls++;
    ds_domain.dom_family = p->domain_family;
    return net_add_domain(&ds_domain) == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

static kern_return_t domstop_stop(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    int spins = 0;
    (void)ki;
    if (!p) return KMOD_RETURN_SUCCESS;
    p->stop_calls++;
    if (__atomic_load_n(&p->stop_waits, __ATOMIC_SEQ_CST)) {
        __atomic_store_n(&p->in_stop, 1, __ATOMIC_SEQ_CST);
        while (!__atomic_load_n(&p->released, __ATOMIC_SEQ_CST) && spins++ < 10000) usleep(1000);
    }
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.test.domstop, "1.0", domstop_start, domstop_stop);
