/* Arguments the DLIL tests pass to the dl_testmod module (kmod_load data). */
#ifndef DL_MOD_ARGS_H
#define DL_MOD_ARGS_H

#include <nke/dlil.h>

enum dl_mod_mode {
    DL_MOD_FILTER = 1,  /* attach an interface filter to args->ifp */
    DL_MOD_DRIVER = 2,  /* attach the module's own interface "mdr<unit>" */
    DL_MOD_FAMILY = 3   /* register family args->family */
};

struct dl_mod_args {
    int mode;
    int leave_attached;        /* stop leaves the registration for the loader */
    struct ifnet *ifp;         /* DL_MOD_FILTER: the interface */
    int16_t unit;              /* DL_MOD_DRIVER: unit of mdr */
    uint32_t family;           /* DL_MOD_FAMILY */
    int detach_calls;          /* filter_detach calls seen */
    int input_calls;           /* filter_if_input calls seen */
    unsigned long filter_id;
};

#endif
