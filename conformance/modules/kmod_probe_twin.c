/* Another object that claims the name of kmod_probe.c. */
#include "kmod_probe.h"

static kern_return_t twin_start(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    (void)ki;
    if (p) p->start_calls++;
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.test.probe, "9.9", twin_start, 0);
