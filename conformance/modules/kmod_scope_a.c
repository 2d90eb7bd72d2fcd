/* KMOD-LOAD-009: this module and its twin both export kmod_scope_helper();
 * each must see its own. */
#include "kmod_probe.h"

__attribute__((visibility("default"))) int kmod_scope_helper(void);
__attribute__((visibility("default"))) int kmod_scope_helper(void) { return 111; }

static kern_return_t scope_start(kmod_info_t *ki, void *data) {
    struct kmod_probe *p = data;
    (void)ki;
    if (!p) return KMOD_RETURN_SUCCESS;
    p->start_calls++;
    p->helper_value = kmod_scope_helper();
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.test.scope_a, "1.0", scope_start, 0);
