/* A module whose start and stop routines try a user-side call
 * (nke_socket in family probe->family): kernel code must be refused with
 * EDEADLK (spec/socket.md SOCK-SYS-002). */
#include <errno.h>
#include <sys/socket.h>

#include "dom_probe.h"

static struct nke_mod_probe *g_probe;

static kern_return_t sock_syscall_start(kmod_info_t *ki, void *data) {
    (void)ki;
    g_probe = data;
    if (g_probe == NULL) return KMOD_RETURN_FAILURE;
    g_probe->start_calls++;
    errno = 0;
    g_probe->sys_rc = nke_socket(g_probe->family, SOCK_DGRAM, 0);
    g_probe->sys_errno = errno;
    if (g_probe->sys_rc >= 0) nke_close(g_probe->sys_rc);
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t sock_syscall_stop(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    g_probe->stop_calls++;
    errno = 0;
    g_probe->stop_sys_rc = nke_socket(g_probe->family, SOCK_DGRAM, 0);
    g_probe->stop_sys_errno = errno;
    if (g_probe->stop_sys_rc >= 0) nke_close(g_probe->stop_sys_rc);
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.test.sock_syscall, "1.0", sock_syscall_start, sock_syscall_stop);
