/* A programmatic socket filter for the sockfilter tests: registered without
 * NFD_GLOBAL under probe->handle, reached with setsockopt(SO_NKE); it counts
 * sf_socreate, sf_sofree and sf_sosend in the probe. */
#include "sf_probe_hooks.h"

static struct sockif p_soif = SF_PROBE_SOCKIF;

static struct NFDescriptor p_nfd = {
    .nf_handle = 0x73667031, /* 'sfp1' */
    .nf_flags = NFD_PROG,
    .nf_soif = &p_soif,
};

static kern_return_t sf_prog_start(kmod_info_t *ki, void *data) {
    (void)ki;
    g_probe = data;
    if (g_probe == NULL) return KMOD_RETURN_FAILURE;
    bump(&g_probe->start_calls);
    if (g_probe->handle) p_nfd.nf_handle = g_probe->handle;
    g_probe->nfd = &p_nfd;
    g_probe->start_rc = register_sockfilter(&p_nfd, NULL, NULL, 0);
    return g_probe->start_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

static kern_return_t sf_prog_stop(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    bump(&g_probe->stop_calls);
    if (g_probe->leave_registered) return KMOD_RETURN_SUCCESS;
    g_probe->stop_rc = unregister_sockfilter(&p_nfd, NULL, 0);
    return g_probe->stop_rc == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.opennke.test.sf_prog, "1.0", sf_prog_start, sf_prog_stop);
