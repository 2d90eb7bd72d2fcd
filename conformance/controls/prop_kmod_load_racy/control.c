#define _POSIX_C_SOURCE 200809L
/* kmod_load with a check-then-act race: a load that starts while another
 * load is running waits for it and then answers 0 with that load's id, as
 * if it had loaded the module itself.  One load at a time behaves exactly
 * like the reference, so only concurrent callers can tell. */
#include "control.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_done = PTHREAD_COND_INITIALIZER;
static int g_inflight;
static unsigned long g_generation;
static int g_last_id;

NKE_API int kmod_load(const char *path, void *data, int *id) {
    pthread_mutex_lock(&g_mu);
    if (g_inflight) {
        const unsigned long gen = g_generation;
        while (g_generation == gen) pthread_cond_wait(&g_done, &g_mu);
        if (id) *id = g_last_id;
        pthread_mutex_unlock(&g_mu);
        return 0;
    }
    g_inflight = 1;
    pthread_mutex_unlock(&g_mu);
    /* Widen the window in which another caller finds a load running. */
    const struct timespec pause = {0, 2000000};
    nanosleep(&pause, NULL);
    int got = 0;
    const int rc = REAL(kmod_load)(path, data, &got);
    if (rc == 0 && id) *id = got;
    pthread_mutex_lock(&g_mu);
    g_inflight = 0;
    g_last_id = got;
    ++g_generation;
    pthread_cond_broadcast(&g_done);
    pthread_mutex_unlock(&g_mu);
    return rc;
}
