/* ctl_register forgets CTL_FLAG_PRIVILEGED, so the privilege check never
 * refuses a connect (CTL-CONNECT-008). */
#include "control.h"

#include <string.h>

NKE_API int ctl_register(struct kern_ctl_reg *userctl, void *userdata, kern_ctl_ref *ctlref) {
    if (userctl == NULL) return REAL(ctl_register)(userctl, userdata, ctlref);
    struct kern_ctl_reg copy;
    memcpy(&copy, userctl, sizeof copy);
    copy.ctl_flags &= ~(uint32_t)CTL_FLAG_PRIVILEGED;
    return REAL(ctl_register)(&copy, userdata, ctlref);
}
