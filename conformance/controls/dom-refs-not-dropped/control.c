/* nke_close: the domain's dom_refs is raised back after the stack dropped
 * it.  The shim remembers each descriptor's family when it is created. */
#include "control.h"

#include <pthread.h>

static int g_family[NKE_OPEN_MAX];  /* 0: unknown */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

static void remember(int fd, int family) {
    if (fd < 0 || fd >= NKE_OPEN_MAX) return;
    pthread_mutex_lock(&g_mu);
    g_family[fd] = family;
    pthread_mutex_unlock(&g_mu);
}

NKE_API int nke_socket(int domain, int type, int protocol) {
    const int fd = REAL(nke_socket)(domain, type, protocol);
    if (fd >= 0) remember(fd, domain);
    return fd;
}

NKE_API int nke_socketpair(int domain, int type, int protocol, int sv[2]) {
    const int rc = REAL(nke_socketpair)(domain, type, protocol, sv);
    if (rc == 0) {
        remember(sv[0], domain);
        remember(sv[1], domain);
    }
    return rc;
}

NKE_API int nke_close(int s) {
    int family = 0;
    if (s >= 0 && s < NKE_OPEN_MAX) {
        pthread_mutex_lock(&g_mu);
        family = g_family[s];
        g_family[s] = 0;
        pthread_mutex_unlock(&g_mu);
    }
    const int rc = REAL(nke_close)(s);
    if (rc == 0 && family != 0) {
        struct domain *d = REAL(pffinddomain)(family);
        if (d != NULL) __atomic_add_fetch(&d->dom_refs, 1, __ATOMIC_SEQ_CST);
    }
    return rc;
}
