/*
 * Shared between the kernel-controller tests (conformance/tests/kern_control)
 * and the test module ctl_module.c: the test passes a struct ctl_module_probe
 * as the data of kmod_load and kmod_unload; the module registers the
 * controller it describes and records what its callbacks saw.
 */
#ifndef NKE_TEST_CTL_MODULE_PROBE_H
#define NKE_TEST_CTL_MODULE_PROBE_H

#include <nke/kern_control.h>
#include <nke/kmod.h>

struct ctl_module_probe {
    /* Set by the test. */
    uint32_t id;
    uint32_t unit;
    uint32_t flags;
    int deregister_in_stop;     /* stop calls ctl_deregister */
    kern_return_t start_result; /* what start returns after registering */
    /* Recorded by the module. */
    int register_rc;
    int deregister_rc;
    int start_calls;
    int stop_calls;
    int connects;
    int disconnects;
    int writes;
};

#endif
