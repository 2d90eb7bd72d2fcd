/* ctl_register with a check-then-act race: a registration that starts while
 * another one is running waits for it and then answers 0 with that
 * registration's reference, as if it had registered the controller itself.
 * One call at a time behaves exactly like the reference, so only concurrent
 * callers can tell (CTL-REG-016: exactly one of them must succeed). */
#define _POSIX_C_SOURCE 200809L
#include "control.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_done = PTHREAD_COND_INITIALIZER;
static int g_inflight;
static unsigned long g_generation;
static kern_ctl_ref g_last_ref;

NKE_API int ctl_register(struct kern_ctl_reg *userctl, void *userdata, kern_ctl_ref *ctlref) {
    pthread_mutex_lock(&g_mu);
    if (g_inflight) {
        const unsigned long gen = g_generation;
        while (g_generation == gen) pthread_cond_wait(&g_done, &g_mu);
        if (ctlref) *ctlref = g_last_ref;
        pthread_mutex_unlock(&g_mu);
        return 0;
    }
    g_inflight = 1;
    pthread_mutex_unlock(&g_mu);
    /* Widen the window in which another caller finds a registration running. */
    const struct timespec pause = {0, 2000000};
    nanosleep(&pause, NULL);
    kern_ctl_ref ref = NULL;
    const int rc = REAL(ctl_register)(userctl, userdata, ctlref ? &ref : NULL);
    if (rc == 0 && ctlref) *ctlref = ref;
    pthread_mutex_lock(&g_mu);
    g_inflight = 0;
    g_last_ref = ref;
    ++g_generation;
    pthread_cond_broadcast(&g_done);
    pthread_mutex_unlock(&g_mu);
    return rc;
}
