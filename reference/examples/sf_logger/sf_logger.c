/*
 * sf_logger — an example global socket NKE (see sf_logger.h and README.md).
 *
 * What it shows:
 *   - an NFDescriptor with NFD_GLOBAL registered on one protosw, so that it
 *     attaches to every new socket of that protocol (sf_socreate);
 *   - hooks that observe and return 0 ("go on"), so the socket behaves as
 *     if the filter were not there;
 *   - per-socket state in kextcb->e_fcb (a socket number), freed in
 *     sf_sofree, which the stack calls exactly once per attachment;
 *   - a stop routine that unregisters and refuses to stop while sockets
 *     still carry the filter (unregister_sockfilter returns EBUSY).
 */
#include <errno.h>
#include <stdlib.h>

#include <nke/nke.h>

#include "sf_logger.h"

static struct sf_logger_config g_default = {0, 0, 0, 0, 0, 0, 0, 0, 0};
static struct sf_logger_config *g_cfg = &g_default;
static struct protosw *g_pr;
static uint32_t g_next_id;

static void count(uint32_t *c, uint32_t n) { __atomic_fetch_add(c, n, __ATOMIC_RELAXED); }

/* The socket number kept in e_fcb. */
static unsigned long id_of(struct kextcb *kp) { return kp->e_fcb ? *(uint32_t *)kp->e_fcb : 0; }

static void event(const char *what, struct kextcb *kp) {
    count(&g_cfg->events, 1);
    nke_log(NKE_LOG_INFO, "sf_logger: socket %lu: %s", id_of(kp), what);
}

static int l_socreate(struct socket *so, struct protosw *pr, struct kextcb *kp) {
    (void)so;
    (void)pr;
    uint32_t *id = malloc(sizeof *id);
    if (id) *id = __atomic_add_fetch(&g_next_id, 1, __ATOMIC_RELAXED);
    kp->e_fcb = id;
    count(&g_cfg->sockets_created, 1);
    event("created", kp);
    return 0;
}

static int l_sofree(struct socket *so, struct kextcb *kp) {
    (void)so;
    count(&g_cfg->sockets_freed, 1);
    event("freed", kp);
    free(kp->e_fcb);
    kp->e_fcb = NULL;
    return 0;
}

static int l_sosend(struct socket *so, struct nke_sockaddr **addr, struct uio **uio, struct mbuf **top,
                    struct mbuf **control, int *flags, struct kextcb *kp) {
    (void)so;
    (void)addr;
    (void)uio;
    (void)control;
    (void)flags;
    count(&g_cfg->sends, 1);
    if (*top && ((*top)->m_flags & M_PKTHDR)) count(&g_cfg->bytes_sent, (uint32_t)(*top)->m_pkthdr.len);
    event("send", kp);
    return 0;
}

static int l_soreceive(struct socket *so, struct nke_sockaddr **addr, struct uio **uio, struct mbuf **mp0,
                       struct mbuf **control, int *flags, struct kextcb *kp) {
    (void)so;
    (void)addr;
    (void)uio;
    (void)mp0;
    (void)control;
    (void)flags;
    count(&g_cfg->receives, 1);
    event("receive", kp);
    return 0;
}

#define LOG_HOOK1(name)                                       \
    static int l_##name(struct socket *so, struct kextcb *kp) { \
        (void)so;                                             \
        event(#name, kp);                                     \
        return 0;                                             \
    }
LOG_HOOK1(soclose)
LOG_HOOK1(solisten)
LOG_HOOK1(sodisconnect)
LOG_HOOK1(soisconnected)
LOG_HOOK1(soisdisconnected)

static int l_sobind(struct socket *so, struct nke_sockaddr *nam, struct kextcb *kp) {
    (void)so;
    (void)nam;
    event("bind", kp);
    return 0;
}

static int l_soconnect(struct socket *so, struct nke_sockaddr *nam, struct kextcb *kp) {
    (void)so;
    (void)nam;
    event("connect", kp);
    return 0;
}

static int l_socontrol(struct socket *so, struct sockopt *sopt, struct kextcb *kp) {
    (void)so;
    nke_log(NKE_LOG_INFO, "sf_logger: socket %lu: %s option level %d name %d", id_of(kp),
            sopt->sopt_dir == SOPT_SET ? "set" : "get", sopt->sopt_level, sopt->sopt_name);
    count(&g_cfg->events, 1);
    return 0;
}

static int l_soshutdown(struct socket *so, int how, struct kextcb *kp) {
    (void)so;
    (void)how;
    event("shutdown", kp);
    return 0;
}

static struct sockif g_soif = {
    .sf_sobind = l_sobind,
    .sf_soclose = l_soclose,
    .sf_soconnect = l_soconnect,
    .sf_socontrol = l_socontrol,
    .sf_socreate = l_socreate,
    .sf_sodisconnect = l_sodisconnect,
    .sf_sofree = l_sofree,
    .sf_solisten = l_solisten,
    .sf_soreceive = l_soreceive,
    .sf_sosend = l_sosend,
    .sf_soshutdown = l_soshutdown,
    .sf_soisconnected = l_soisconnected,
    .sf_soisdisconnected = l_soisdisconnected,
};

static struct sockutil g_sout; /* no socket-buffer hooks */

static struct NFDescriptor g_nfd = {
    .nf_handle = SF_LOGGER_HANDLE,
    .nf_flags = NFD_GLOBAL,
    .nf_soif = &g_soif,
    .nf_soutil = &g_sout,
};

static kern_return_t sf_logger_start(kmod_info_t *ki, void *data) {
    (void)ki;
    if (data) g_cfg = data;
    g_pr = g_cfg->protocol ? pffindproto(g_cfg->family, g_cfg->protocol, g_cfg->type)
                           : pffindtype(g_cfg->family, g_cfg->type);
    if (g_pr == NULL) {
        nke_log(NKE_LOG_ERR, "sf_logger: no protocol %d/%d/%d", g_cfg->family, g_cfg->type, g_cfg->protocol);
        return KMOD_RETURN_FAILURE;
    }
    int error = register_sockfilter(&g_nfd, NULL, g_pr, NFF_AFTER);
    if (error) {
        nke_log(NKE_LOG_ERR, "sf_logger: register_sockfilter: %d", error);
        return KMOD_RETURN_FAILURE;
    }
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t sf_logger_stop(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    int error = unregister_sockfilter(&g_nfd, g_pr, 0);
    if (error) {
        nke_log(NKE_LOG_ERR, "sf_logger: still attached (%d)", error);
        return KMOD_RETURN_FAILURE;
    }
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.example.sf_logger, "1.0", sf_logger_start, sf_logger_stop);
