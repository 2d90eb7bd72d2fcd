/* ctl_register crashes with SIGSEGV. */
#include "control.h"

#include <stddef.h>

NKE_API int ctl_register(struct kern_ctl_reg *userctl, void *userdata, kern_ctl_ref *ctlref) {
    (void)userctl;
    (void)userdata;
    (void)ctlref;
    volatile int *nowhere = NULL;
    *nowhere = 1;
    return 0;
}
