/* ctl_register with a check-then-act race: a registration that starts while
 * another one is running waits for it and then answers 0 with that
 * registration's reference, as if it had registered the controller itself
 * (common/coalesce.h).  CTL-REG-016: of concurrent registrations of one
 * address, exactly one must succeed. */
#include "coalesce.h"
#include "control.h"

static struct nke_coalesce g_registrations = NKE_COALESCE_INIT;

NKE_API int ctl_register(struct kern_ctl_reg *userctl, void *userdata, kern_ctl_ref *ctlref) {
    kern_ctl_ref ref = NULL;
    if (nke_coalesce_join(&g_registrations, &ref, sizeof ref)) {
        if (ctlref) *ctlref = ref;
        return 0;
    }
    const int rc = REAL(ctl_register)(userctl, userdata, ctlref ? &ref : NULL);
    if (rc == 0 && ctlref) *ctlref = ref;
    nke_coalesce_finish(&g_registrations, &ref, sizeof ref);
    return rc;
}
