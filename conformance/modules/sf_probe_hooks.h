/* The counting hooks of the sockfilter test modules (sf_global.c, sf_prog.c):
 * sf_socreate, sf_sofree and sf_sosend add one to the probe's creates, frees
 * and sends and let the call go on.  Static definitions in a header, because
 * each module is a shared object of its own. */
#ifndef SF_PROBE_HOOKS_H
#define SF_PROBE_HOOKS_H

#include "dom_probe.h"

/* The probe handed to the module's start routine. */
static struct nke_mod_probe *g_probe;

static void bump(int *counter) { __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED); }

static int probe_socreate(struct socket *so, struct protosw *pr, struct kextcb *kp) {
    (void)so;
    (void)pr;
    (void)kp;
    bump(&g_probe->creates);
    return 0;
}

static int probe_sofree(struct socket *so, struct kextcb *kp) {
    (void)so;
    (void)kp;
    bump(&g_probe->frees);
    return 0;
}

static int probe_sosend(struct socket *so, struct nke_sockaddr **a, struct uio **u, struct mbuf **top,
                        struct mbuf **control, int *flags, struct kextcb *kp) {
    (void)so;
    (void)a;
    (void)u;
    (void)top;
    (void)control;
    (void)flags;
    (void)kp;
    bump(&g_probe->sends);
    return 0;
}

/* A struct sockif initialiser with the three hooks. */
#define SF_PROBE_SOCKIF {.sf_socreate = probe_socreate, .sf_sofree = probe_sofree, .sf_sosend = probe_sosend}

#endif /* SF_PROBE_HOOKS_H */
