/* A module whose start and stop routines try to use the loader. */
#include "kmod_probe.h"

static kern_return_t reenter_start(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    int id = 0;
    if (!p) return KMOD_RETURN_SUCCESS;
    p->start_calls++;
    p->reenter_load_rc = kmod_load(p->path, 0, &id);
    p->reenter_unload_rc = kmod_unload(ki->id, 0);
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t reenter_stop(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    int id = 0;
    if (!p) return KMOD_RETURN_SUCCESS;
    p->stop_calls++;
    p->reenter_load_rc = kmod_load(p->path, 0, &id);
    p->reenter_unload_rc = kmod_unload(ki->id, 0);
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.test.reenter, "1.0", reenter_start, reenter_stop);
