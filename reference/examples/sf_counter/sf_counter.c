/*
 * sf_counter — an example programmatic socket NKE (see sf_counter.h and
 * README.md).
 *
 * What it shows:
 *   - a filter registered without NFD_GLOBAL, attached by a program with
 *     SO_NKE, which the stack announces with sf_socreate;
 *   - per-socket state allocated in sf_socreate, kept in kextcb->e_fcb and
 *     freed in sf_sofree;
 *   - sf_sosend seeing each outgoing chain, and the sockutil hooks seeing
 *     what the protocol queues for the socket (returning 0: they only look);
 *   - sf_socontrol answering the filter's own socket options: EJUSTRETURN
 *     ends the option call with success after sooptcopyout, so the
 *     protocol never sees the option.
 */
#include <errno.h>
#include <stdlib.h>

#include <nke/nke.h>

#include "sf_counter.h"

static int chain_len(struct mbuf *m) {
    int n = 0;
    for (; m; m = m->m_next)
        if (m->m_type != MT_SONAME && m->m_type != MT_CONTROL) n += m->m_len;
    return n;
}

static struct sf_counter_stats *stats(struct kextcb *kp) { return kp->e_fcb; }

static int c_socreate(struct socket *so, struct protosw *pr, struct kextcb *kp) {
    (void)so;
    (void)pr;
    kp->e_fcb = calloc(1, sizeof(struct sf_counter_stats));
    return 0;  /* ignored by the stack anyway */
}

static int c_sofree(struct socket *so, struct kextcb *kp) {
    (void)so;
    free(kp->e_fcb);
    kp->e_fcb = NULL;
    return 0;
}

static int c_sosend(struct socket *so, struct nke_sockaddr **addr, struct uio **uio, struct mbuf **top,
                    struct mbuf **control, int *flags, struct kextcb *kp) {
    (void)so;
    (void)addr;
    (void)uio;
    (void)control;
    (void)flags;
    if (stats(kp)) {
        stats(kp)->bytes_out += (uint64_t)chain_len(*top);
        stats(kp)->messages_out++;
    }
    return 0;
}

static void incoming(struct kextcb *kp, struct mbuf *m) {
    if (stats(kp) == NULL) return;
    stats(kp)->bytes_in += (uint64_t)chain_len(m);
    stats(kp)->messages_in++;
}

static int c_sbappend(struct sockbuf *sb, struct mbuf *m, struct kextcb *kp) {
    /* Only the receive buffer is counted. */
    if (sb == so_getrcv(sb_getsocket(sb))) incoming(kp, m);
    return 0;
}

static int c_sbappendaddr(struct sockbuf *sb, const struct nke_sockaddr *asa, struct mbuf *m,
                          struct mbuf *control, struct kextcb *kp) {
    (void)asa;
    (void)control;
    return c_sbappend(sb, m, kp);
}

static int c_sbappendcontrol(struct sockbuf *sb, struct mbuf *m, struct mbuf *control, struct kextcb *kp) {
    (void)control;
    return c_sbappend(sb, m, kp);
}

static int c_socontrol(struct socket *so, struct sockopt *sopt, struct kextcb *kp) {
    (void)so;
    if (sopt->sopt_level != SF_COUNTER_LEVEL) return 0;  /* not ours: go on */
    if (stats(kp) == NULL) return ENOMEM;
    if (sopt->sopt_dir == SOPT_GET && sopt->sopt_name == SF_COUNTER_STATS) {
        int error = sooptcopyout(sopt, stats(kp), sizeof(struct sf_counter_stats));
        return error ? error : EJUSTRETURN;
    }
    if (sopt->sopt_dir == SOPT_SET && sopt->sopt_name == SF_COUNTER_RESET) {
        struct sf_counter_stats zero = {0, 0, 0, 0};
        *stats(kp) = zero;
        return EJUSTRETURN;
    }
    return ENOPROTOOPT;
}

static struct sockif g_soif = {
    .sf_socontrol = c_socontrol,
    .sf_socreate = c_socreate,
    .sf_sofree = c_sofree,
    .sf_sosend = c_sosend,
};

static struct sockutil g_sout = {
    .su_sbappend = c_sbappend,
    .su_sbappendaddr = c_sbappendaddr,
    .su_sbappendcontrol = c_sbappendcontrol,
    .su_sbappendrecord = c_sbappend,
};

static struct NFDescriptor g_nfd = {
    .nf_handle = SF_COUNTER_HANDLE,
    .nf_flags = NFD_PROG,
    .nf_soif = &g_soif,
    .nf_soutil = &g_sout,
};

static kern_return_t sf_counter_start(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    return register_sockfilter(&g_nfd, NULL, NULL, 0) == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

static kern_return_t sf_counter_stop(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    /* EBUSY while a socket still carries the filter: refuse to stop. */
    return unregister_sockfilter(&g_nfd, NULL, 0) == 0 ? KMOD_RETURN_SUCCESS : KMOD_RETURN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.opennke.example.sf_counter, "1.0", sf_counter_start, sf_counter_stop);
