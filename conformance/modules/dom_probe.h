/*
 * Shared between the domain/socket/sockfilter conformance tests and the test
 * modules dom_*.c, sock_*.c, sf_*.c: the test passes a struct nke_mod_probe as
 * the `data` argument of kmod_load and kmod_unload, and the module reads its
 * instructions from it and records what happened.
 */
#ifndef NKE_TEST_DOM_PROBE_H
#define NKE_TEST_DOM_PROBE_H

#include <nke/nke.h>

struct nke_mod_probe {
    /* in */
    int family;                  /* dom_family: the family to register */
    struct domain *target;       /* dom_proto: the domain to add a protocol to */
    struct protosw *target_pr;   /* sf_global: the protosw to filter */
    unsigned int handle;         /* sf_*: the filter's handle */
    int leave_registered;        /* stop: return success without deregistering */
    /* out */
    int start_calls;
    int stop_calls;
    int start_rc;                /* what the registration call returned in start */
    int stop_rc;                 /* what the deregistration call returned in stop */
    struct domain *domain;       /* dom_family: the module's domain */
    struct protosw *protosw;     /* dom_*: the module's protosw */
    struct NFDescriptor *nfd;    /* sf_*: the module's descriptor */
    int creates, frees;          /* sf_*: sf_socreate / sf_sofree calls */
    int sends;                   /* sf_*: sf_sosend calls */
};

#endif
