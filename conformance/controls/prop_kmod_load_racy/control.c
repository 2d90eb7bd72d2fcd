/* kmod_load with a check-then-act race: a load that starts while another
 * load is running waits for it and then answers 0 with that load's id, as
 * if it had loaded the module itself (common/coalesce.h). */
#include "coalesce.h"
#include "control.h"

static struct nke_coalesce g_loads = NKE_COALESCE_INIT;

NKE_API int kmod_load(const char *path, void *data, int *id) {
    int got = 0;
    if (nke_coalesce_join(&g_loads, &got, sizeof got)) {
        if (id) *id = got;
        return 0;
    }
    const int rc = REAL(kmod_load)(path, data, &got);
    if (rc == 0 && id) *id = got;
    nke_coalesce_finish(&g_loads, &got, sizeof got);
    return rc;
}
