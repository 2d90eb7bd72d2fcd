/* SIOCSKEVFILT keeps the requested subclass for SIOCGKEVFILT to report, but
 * installs KEV_ANY_SUBCLASS, so the subclass filter is never applied
 * (KEV-FILT-005).  Other ioctls are forwarded unchanged. */
#include "control.h"

#include <pthread.h>

static uint32_t g_subclass[NKE_OPEN_MAX];
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

NKE_API int nke_ioctl(int s, unsigned long request, void *argp) {
    if (s < 0 || s >= NKE_OPEN_MAX || argp == NULL) return REAL(nke_ioctl)(s, request, argp);
    if (request == SIOCSKEVFILT) {
        struct kev_request r = *(struct kev_request *)argp;
        const uint32_t wanted = r.kev_subclass;
        r.kev_subclass = KEV_ANY_SUBCLASS;
        const int rc = REAL(nke_ioctl)(s, request, &r);
        if (rc == 0) {
            pthread_mutex_lock(&g_mu);
            g_subclass[s] = wanted;
            pthread_mutex_unlock(&g_mu);
        }
        return rc;
    }
    if (request == SIOCGKEVFILT) {
        const int rc = REAL(nke_ioctl)(s, request, argp);
        if (rc == 0) {
            pthread_mutex_lock(&g_mu);
            ((struct kev_request *)argp)->kev_subclass = g_subclass[s];
            pthread_mutex_unlock(&g_mu);
        }
        return rc;
    }
    return REAL(nke_ioctl)(s, request, argp);
}

NKE_API int nke_close(int s) {
    if (s >= 0 && s < NKE_OPEN_MAX) {
        pthread_mutex_lock(&g_mu);
        g_subclass[s] = KEV_ANY_SUBCLASS;  /* a reused descriptor starts afresh */
        pthread_mutex_unlock(&g_mu);
    }
    return REAL(nke_close)(s);
}
