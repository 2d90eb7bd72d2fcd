/* A module that calls a function nobody provides: it cannot be loaded. */
#include <nke/kmod.h>

int nke_test_no_such_function(void);

static kern_return_t unresolved_start(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    return nke_test_no_such_function() ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.opennke.test.unresolved, "1.0", unresolved_start, 0);
