/* A module whose start and stop routines record their calls in the
 * struct kmod_probe passed as data, and return what it asks. */
#include "kmod_probe.h"

static kern_return_t probe_start(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    if (!p) return KMOD_RETURN_SUCCESS;
    p->start_calls++;
    p->seen_id = ki->id;
    p->seen_address = ki->address;
    p->seen_size = ki->size;
    p->start_fn_address = (uintptr_t)&probe_start;
    p->seen_data = data;
    return p->start_result;
}

static kern_return_t probe_stop(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    (void)ki;
    if (!p) return KMOD_RETURN_SUCCESS;
    p->stop_calls++;
    p->seen_data = data;
    return p->stop_result;
}

KMOD_EXPLICIT_DECL(com.opennke.test.probe, "1.2.3", probe_start, probe_stop);
