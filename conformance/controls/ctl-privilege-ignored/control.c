/* nke_connect: connect as the superuser, then restore the caller's credentials. */
#include "control.h"

#include <errno.h>

NKE_API int nke_connect(int s, const struct sockaddr *name, socklen_t namelen) {
    const struct nke_harness *real_table = REAL(nke_harness_v1)();
    struct proc *p = REAL(current_proc)();
    const uint32_t uid = REAL(proc_getuid)(p), euid = REAL(proc_geteuid)(p);
    if (real_table->set_credentials == NULL || euid == 0) return REAL(nke_connect)(s, name, namelen);
    real_table->set_credentials(uid, 0);
    const int rc = REAL(nke_connect)(s, name, namelen);
    const int saved = errno;
    real_table->set_credentials(uid, euid);
    errno = saved;
    return rc;
}
