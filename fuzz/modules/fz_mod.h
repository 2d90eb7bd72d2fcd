/* Arguments call_sequence passes to its test modules (kmod_load data).  The
 * harness owns the structure; it outlives the module. */
#ifndef NKE_FUZZ_FZ_MOD_H
#define NKE_FUZZ_FZ_MOD_H

#include <nke/dlil.h>
#include <nke/kern_control.h>
#include <nke/kmod.h>

enum {
    FZ_MOD_FAMILY = 0x01,      /* register interface family `family` */
    FZ_MOD_DRIVER = 0x02,      /* attach the module's interface "fzm<unit>" */
    FZ_MOD_FILTER = 0x04,      /* attach an interface filter (on its own interface, or on `host`) */
    FZ_MOD_FILTER_HOST = 0x08, /* ... on `host` (an interface the harness owns) */
    FZ_MOD_FAIL_START = 0x10,  /* start registers what it was asked to, then fails */
    FZ_MOD_REFUSE_STOP = 0x20, /* stop refuses (KMOD_RETURN_FAILURE) */
    FZ_MOD_LEAVE = 0x40,       /* stop succeeds and leaves everything for the loader */
    FZ_MOD_CTL = 0x80          /* register a kernel controller (ctl_id, unit 0, no callbacks) */
};

struct fz_mod_args {
    unsigned what;             /* FZ_MOD_* */
    uint32_t family;           /* FZ_MOD_FAMILY; also the family of fzm when set */
    int16_t unit;              /* fzm's unit */
    uint32_t ctl_id;           /* FZ_MOD_CTL */
    void *ctl_ref;
    struct ifnet *host;        /* FZ_MOD_FILTER_HOST */
    /* what the module saw */
    int start_calls, stop_calls;
    int start_rc[3];           /* results of its family / driver / filter registrations */
    int filter_input_calls, filter_output_calls, filter_detach_calls;
    int if_free_calls, shutdown_calls;
    unsigned long filter_id;
    struct ifnet *ifp;         /* the module's interface while attached */
};

#endif
