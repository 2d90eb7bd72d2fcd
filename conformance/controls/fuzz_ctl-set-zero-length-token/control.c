/* ctl_register wraps the controller's ctl_set: a zero-length option reaches
 * it with data = 0xFADEDFAD (xnu's _MALLOC(0) token) instead of NULL
 * (CTL-OPT-007). */
#include "control.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define MAX_CTLS 256
static struct {
    kern_ctl_ref ref;
    int (*set)(kern_ctl_ref, void *, int, void *, size_t);
} g_set[MAX_CTLS];
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

static int wrapped_set(kern_ctl_ref ref, void *userdata, int opt, void *data, size_t len) {
    int (*real)(kern_ctl_ref, void *, int, void *, size_t) = NULL;
    pthread_mutex_lock(&g_mu);
    for (int i = 0; i < MAX_CTLS; ++i)
        if (g_set[i].ref == ref) real = g_set[i].set;
    pthread_mutex_unlock(&g_mu);
    if (real == NULL) return EINVAL;
    if (len == 0) data = (void *)(uintptr_t)0xFADEDFADu;
    return real(ref, userdata, opt, data, len);
}

NKE_API int ctl_register(struct kern_ctl_reg *userctl, void *userdata, kern_ctl_ref *ctlref) {
    if (userctl == NULL || ctlref == NULL || userctl->ctl_set == NULL)
        return REAL(ctl_register)(userctl, userdata, ctlref);
    struct kern_ctl_reg copy;
    memcpy(&copy, userctl, sizeof copy);
    copy.ctl_set = wrapped_set;
    const int rc = REAL(ctl_register)(&copy, userdata, ctlref);
    if (rc == 0) {
        pthread_mutex_lock(&g_mu);
        for (int i = 0; i < MAX_CTLS; ++i) {
            if (g_set[i].ref == NULL) {
                g_set[i].ref = *ctlref;
                g_set[i].set = userctl->ctl_set;
                break;
            }
        }
        pthread_mutex_unlock(&g_mu);
    }
    return rc;
}
