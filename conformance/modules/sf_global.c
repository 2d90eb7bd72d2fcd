/* A global socket filter for the sockfilter tests: attaches to every new
 * socket of probe->target_pr and counts sf_socreate, sf_sofree and sf_sosend
 * in the probe.  Its stop routine unregisters it, and refuses to stop while
 * the stack says it is still in use. */
#include "sf_probe_hooks.h"

static struct sockif g_soif = SF_PROBE_SOCKIF;

static struct sockutil g_sout;

static struct NFDescriptor g_nfd = {
    .nf_handle = 0x73666731, /* 'sfg1' */
    .nf_flags = NFD_GLOBAL,
    .nf_soif = &g_soif,
    .nf_soutil = &g_sout,
};

static kern_return_t sf_global_start(kmod_info_t *ki, void *data) {
    (void)ki;
    g_probe = data;
    if (g_probe == NULL || g_probe->target_pr == NULL) return KMOD_RETURN_FAILURE;
    bump(&g_probe->start_calls);
    if (g_probe->handle) g_nfd.nf_handle = g_probe->handle;
    g_probe->nfd = &g_nfd;
    g_probe->start_rc = register_sockfilter(&g_nfd, NULL, g_probe->target_pr, 0);
    return g_probe->start_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

static kern_return_t sf_global_stop(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    bump(&g_probe->stop_calls);
    if (g_probe->leave_registered) return KMOD_RETURN_SUCCESS;
    g_probe->stop_rc = unregister_sockfilter(&g_nfd, g_probe->target_pr, 0);
    return g_probe->stop_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.opennke.test.sf_global, "1.0", sf_global_start, sf_global_stop);
