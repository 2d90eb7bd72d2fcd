/* A check-then-act race for the racy negative controls
 * (prop_kmod_load_racy, prop_ctl_register_racy): a call that starts while
 * another call of the same kind is running waits for it and then reports that
 * call's result as its own, as if it had done the work itself.  One call at a
 * time behaves exactly like the reference, so only concurrent callers can
 * tell. */
#ifndef NKE_CONTROL_COALESCE_H
#define NKE_CONTROL_COALESCE_H

#include <pthread.h>
#include <stddef.h>

struct nke_coalesce {
    pthread_mutex_t mu;
    pthread_cond_t done;
    int inflight;
    unsigned long generation;
    unsigned char last[16]; /* the result of the last call that did the work */
};
#define NKE_COALESCE_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, {0}}

/* Returns 1 when another call was running: this one waited until it finished
 * and *result holds what that call published.  Returns 0 when this call is to
 * do the work (after a short pause that widens the window for the next
 * caller); it must then end with nke_coalesce_finish.  size <= 16. */
int nke_coalesce_join(struct nke_coalesce *c, void *result, size_t size);

/* Publish this call's result to the callers that joined it and wake them. */
void nke_coalesce_finish(struct nke_coalesce *c, const void *result, size_t size);

#endif /* NKE_CONTROL_COALESCE_H */
