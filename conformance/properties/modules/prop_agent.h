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

#define PROP_AGENT_VERSION 1

/* What a callback reports through hook(). */
enum prop_agent_event {
    PROP_EV_FILTER_DETACH = 1, /* a DLIL filter's filter_detach: cookie */
    PROP_EV_IF_FREE = 2,       /* an interface's if_free: cookie is the ifnet */
    PROP_EV_FILTER_CALL = 3    /* a DLIL filter's input/output/ioctl/event hook: cookie */
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
};

#endif
