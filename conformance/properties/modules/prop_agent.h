/* The "agent" test module of the property tests.
 *
 * kmod_load(path, &agent, &id) hands the module a struct prop_agent; its
 * start routine fills in the operations below.  Each operation makes a
 * registration from the module's own code, with callbacks that live in the
 * module's image, so that the stack attributes the registration to the
 * module (KMOD-OWN-001).  The callbacks report to the test through `hook`.
 * Two copies are built under different module names (prop_agent_a,
 * prop_agent_b) so a test can load two independent owners.  Only the ABI is
 * used. */
#ifndef PROP_AGENT_H
#define PROP_AGENT_H

#include <nke/nke.h>

#define PROP_AGENT_VERSION 2

/* What a callback reports through hook(). */
enum prop_agent_event {
    PROP_EV_FILTER_DETACH = 1, /* a DLIL filter's filter_detach: cookie */
    PROP_EV_IF_FREE = 2,       /* an interface's if_free: cookie is the ifnet */
    PROP_EV_FILTER_CALL = 3,   /* a DLIL filter's input/output/ioctl/event hook: cookie */
    PROP_EV_SF_CREATE = 4,     /* the socket filter's sf_socreate: cookie is the handle */
    PROP_EV_SF_FREE = 5,       /* the socket filter's sf_sofree: cookie is the handle */
    PROP_EV_CTL_CONNECT = 6,   /* the controller's ctl_connect: cookie is the ctl_ref */
    PROP_EV_CTL_DISCONNECT = 7 /* the controller's ctl_disconnect: cookie is the ctl_ref */
};

struct prop_agent {
    int version;                /* PROP_AGENT_VERSION, set by the test */
    int stop_result;            /* what the stop routine returns (set by the test) */
    int start_calls;            /* counted by the module */
    int stop_calls;
    void (*hook)(void *ctx, int event, void *cookie); /* set by the test; may be NULL */
    void *hook_ctx;

    /* Filled by the start routine. */
    /* dlil_if_attach of an Ethernet interface the test filled in (name, unit,
     * lladdr); the module sets the driver callbacks. */
    int (*if_attach)(struct ifnet *ifp);
    /* dlil_attach_protocol with no demux descriptors and the module's input. */
    int (*attach_proto)(uint32_t if_family, int16_t unit, uint32_t proto_family,
                        unsigned long *dl_tag);
    int (*attach_if_filter)(struct ifnet *ifp, void *cookie, int where, unsigned long *id);
    int (*attach_proto_filter)(unsigned long dl_tag, void *cookie, int where, unsigned long *id);

    /* Protocol families: the module's own domain (family set by the test in
     * `family` before load) with one SOCK_DGRAM protosw of protocol 1
     * chained on it, and a second SOCK_DGRAM protosw (protocol `protocol`)
     * that it can add to any domain.  Both only attach and detach sockets. */
    int family;
    int protocol;
    struct domain *domain;     /* the module's struct domain (read dom_refs) */
    struct protosw *dom_proto; /* the protosw chained on it */
    struct protosw *proto;     /* the protosw added with add_proto */
    int (*add_domain)(void);   /* net_add_domain, the chain reset first */
    int (*del_domain)(void);   /* net_del_domain */
    int (*add_proto)(struct domain *dp);
    int (*del_proto)(struct domain *dp);

    /* A socket filter (handle set by the test in `sf_handle` before load)
     * with sf_socreate and sf_sofree. */
    unsigned int sf_handle;
    struct NFDescriptor *sf;
    int (*register_sf)(int global, struct protosw *pr, struct NFDescriptor *nfp1, int flags);
    int (*unregister_sf)(struct protosw *pr);

    /* A kernel controller with ctl_connect and ctl_disconnect. */
    int (*ctl_register)(uint32_t id, uint32_t unit, kern_ctl_ref *ref);
    int (*ctl_deregister)(kern_ctl_ref ref);
};

#endif
