/* kmod_unload: EBUSY becomes 0, although nothing was unloaded. */
#include "control.h"

#include <errno.h>

NKE_API int kmod_unload(int id, void *data) {
    const int rc = REAL(kmod_unload)(id, data);
    return rc == EBUSY ? 0 : rc;
}
