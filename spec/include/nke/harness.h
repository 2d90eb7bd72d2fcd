/*
 * OpenNKE ABI — the conformance harness interface.
 *
 * Normative: spec/harness.md (HARN-*).  Every implementation exports
 * nke_harness_v1(), which returns a table of test-support hooks.  The
 * conformance suite uses these hooks and nothing else beyond the public ABI.
 * A NULL optional hook makes the tests that need it NOT_SUPPORTED.
 */
#ifndef NKE_HARNESS_H
#define NKE_HARNESS_H

#include <nke/types.h>

/* Resource counters.  "Live" counters go up on creation and down on
 * destruction; the suite checks after every test that they are back where
 * the test started (HARN-COUNT-*). */
struct nke_counters {
    uint32_t size;              /* set by the caller to sizeof(struct nke_counters) */
    uint32_t reserved0;
    uint64_t mbufs;             /* live mbufs */
    uint64_t clusters;          /* live clusters (a shared cluster counts once) */
    uint64_t mbuf_double_frees; /* frees of an already free mbuf, refused (monotonic) */
    uint64_t sockets;           /* live sockets, including ones without a descriptor */
    uint64_t descriptors;       /* open descriptors */
    uint64_t domains;           /* registered domains, built-ins included */
    uint64_t protosws;          /* registered protocol handlers, built-ins included */
    uint64_t sockfilters;       /* registered socket filters */
    uint64_t kextcbs;           /* socket-filter attachments on live sockets */
    uint64_t controllers;       /* registered kernel controllers */
    uint64_t ctl_clients;       /* connected control sockets */
    uint64_t event_sockets;     /* open SYSPROTO_EVENT sockets */
    uint64_t events_posted;     /* kernel events posted (monotonic) */
    uint64_t events_dropped;    /* event copies dropped on a full queue (monotonic) */
    uint64_t if_families;       /* registered interface-family modules, built-ins included */
    uint64_t interfaces;        /* attached interfaces, detaching ones included */
    uint64_t dl_protos;         /* protocols attached to interfaces */
    uint64_t dl_filters;        /* attached DLIL filters, both kinds */
    uint64_t modules;           /* loaded modules */
    uint64_t allocs;            /* allocation attempts through the failure point (monotonic) */
    uint64_t allocs_failed;     /* allocations failed by injection (monotonic) */
};

struct nke_harness {
    uint32_t size;              /* sizeof(struct nke_harness) of the implementation */
    uint32_t abi_version;       /* NKE_ABI_VERSION it was built against */
    const char *impl_name;
    const char *impl_version;
    /* Required.  Fills *out up to min(out->size, its own size); 0 or EINVAL. */
    int (*get_counters)(struct nke_counters *out);
    /* Optional.  Make the nth allocation attempt from now fail (1 = the next
     * one); with persistent != 0, every later attempt fails too; nth == 0
     * cancels.  Applies to all threads.  0 or EINVAL. */
    int (*fail_alloc)(uint64_t nth, int persistent);
    /* Optional.  Set the credentials of the calling thread (the default of
     * every thread is uid 0, euid 0).  0 or EINVAL. */
    int (*set_credentials)(uint32_t uid, uint32_t euid);
    /* Optional.  Return the instance to the state it had when the process
     * started; EBUSY if something still refers to it (used by batch mode). */
    int (*reset)(void);
    void *reserved[8];
};

NKE_BEGIN_DECLS

NKE_API const struct nke_harness *nke_harness_v1(void);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(struct nke_counters) == 176, "struct nke_counters is 176 bytes");
NKE_STATIC_ASSERT(sizeof(struct nke_harness) == 120, "struct nke_harness is 120 bytes");

#endif /* NKE_HARNESS_H */
