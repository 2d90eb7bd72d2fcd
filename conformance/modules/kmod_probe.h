/*
 * Shared between the module tests (conformance/tests/module) and the test
 * modules kmod_*.c: the test passes a struct kmod_probe as the `data`
 * argument of kmod_load/kmod_unload, and the module's routines record what
 * they saw in it.
 */
#ifndef NKE_TEST_KMOD_PROBE_H
#define NKE_TEST_KMOD_PROBE_H

#include <nke/kmod.h>

struct kmod_probe {
    int start_calls;
    int stop_calls;
    kern_return_t start_result;   /* what start returns */
    kern_return_t stop_result;    /* what stop returns */
    int32_t seen_id;              /* kmod_info fields seen by start */
    uintptr_t seen_address;
    size_t seen_size;
    uintptr_t start_fn_address;   /* where start lives, to check address/size */
    void *seen_data;
    const char *path;             /* for the re-entrancy module */
    int reenter_load_rc;
    int reenter_unload_rc;
    int helper_value;             /* for the symbol-scope modules */
    /* kmod_dlfilter: an interface filter that can be held inside its callback.
     * Shared with another thread: accessed with __atomic builtins. */
    struct ifnet *ifp;
    int block;                    /* filter_if_input spins while non-zero */
    int entered;                  /* set when filter_if_input was entered */
    int detached;                 /* filter_detach calls */
    unsigned long filter_id;
    int attach_rc;
};

#endif
