/*
 * OpenNKE ABI — socket NKEs (socket filters).
 *
 * Normative: spec/sockfilter.md (SF-*).  A socket NKE supplies an
 * NFDescriptor with two dispatch vectors, sockif (socket operations) and
 * sockutil (socket-buffer utilities).  Every hook receives the filter's
 * kextcb for that socket last.  A hook returns 0 to let the operation go on,
 * an errno to stop it with that error, or EJUSTRETURN to stop it and report
 * success (the filter then owns whatever mbufs were handed to it).
 */
#ifndef NKE_KEXT_NET_H
#define NKE_KEXT_NET_H

#include <nke/types.h>

/* nf_flags */
#define NFD_GLOBAL 0x01          /* attach to every new socket of its protosw */
#define NFD_PROG 0x02            /* may be attached with SO_NKE */
#define NFD_VISIBLE 0x80000000u  /* no meaning; kept for source compatibility */

/* Placement flags for register_sockfilter and struct so_nke. */
#define NFF_BEFORE 0x01
#define NFF_AFTER 0x02

#define NKE_OK 0
#define NKE_REMOVE (-1)

/* One filter on one socket.  Allocated and linked by the stack; e_fcb is the
 * filter's own per-socket state and starts NULL. */
struct kextcb {
    struct kextcb *e_next;       /* next filter on this socket (towards the protocol) */
    void *e_fcb;                 /* filter-owned */
    struct NFDescriptor *e_nfd;
    struct sockif *e_soif;
    struct sockutil *e_sout;
};

struct sockif {
    int (*sf_soabort)(struct socket *, struct kextcb *);
    int (*sf_soaccept)(struct socket *, struct nke_sockaddr **, struct kextcb *);
    int (*sf_sobind)(struct socket *, struct nke_sockaddr *, struct kextcb *);
    int (*sf_soclose)(struct socket *, struct kextcb *);
    int (*sf_soconnect)(struct socket *, struct nke_sockaddr *, struct kextcb *);
    int (*sf_soconnect2)(struct socket *, struct socket *, struct kextcb *);
    int (*sf_socontrol)(struct socket *, struct sockopt *, struct kextcb *);
    int (*sf_socreate)(struct socket *, struct protosw *, struct kextcb *);
    int (*sf_sodisconnect)(struct socket *, struct kextcb *);
    int (*sf_sofree)(struct socket *, struct kextcb *);
    int (*sf_sogetopt)(struct socket *, int, int, struct mbuf **, struct kextcb *);
    int (*sf_sohasoutofband)(struct socket *, struct kextcb *);
    int (*sf_solisten)(struct socket *, struct kextcb *);
    int (*sf_soreceive)(struct socket *, struct nke_sockaddr **, struct uio **, struct mbuf **,
                        struct mbuf **, int *, struct kextcb *);
    int (*sf_sorflush)(struct socket *, struct kextcb *);
    int (*sf_sosend)(struct socket *, struct nke_sockaddr **, struct uio **, struct mbuf **,
                     struct mbuf **, int *, struct kextcb *);
    int (*sf_sosetopt)(struct socket *, int, int, struct mbuf *, struct kextcb *);
    int (*sf_soshutdown)(struct socket *, int, struct kextcb *);
    int (*sf_socantrcvmore)(struct socket *, struct kextcb *);
    int (*sf_socantsendmore)(struct socket *, struct kextcb *);
    int (*sf_soisconnected)(struct socket *, struct kextcb *);
    int (*sf_soisconnecting)(struct socket *, struct kextcb *);
    int (*sf_soisdisconnected)(struct socket *, struct kextcb *);
    int (*sf_soisdisconnecting)(struct socket *, struct kextcb *);
    int (*sf_sonewconn)(struct socket *, int, struct kextcb *);
    int (*sf_soqinsque)(struct socket *, struct socket *, int, struct kextcb *);
    int (*sf_soqremque)(struct socket *, int, struct kextcb *);
    int (*sf_soreserve)(struct socket *, uint32_t, uint32_t, struct kextcb *);
    int (*sf_sowakeup)(struct socket *, struct sockbuf *, struct kextcb *);
    uintptr_t reserved[4];
};

struct sockutil {
    int (*su_sb_lock)(struct sockbuf *, struct kextcb *);
    int (*su_sbappend)(struct sockbuf *, struct mbuf *, struct kextcb *);
    int (*su_sbappendaddr)(struct sockbuf *, const struct nke_sockaddr *, struct mbuf *,
                           struct mbuf *, struct kextcb *);
    int (*su_sbappendcontrol)(struct sockbuf *, struct mbuf *, struct mbuf *, struct kextcb *);
    int (*su_sbappendrecord)(struct sockbuf *, struct mbuf *, struct kextcb *);
    int (*su_sbcompress)(struct sockbuf *, struct mbuf *, struct mbuf *, struct kextcb *);
    int (*su_sbdrop)(struct sockbuf *, int, struct kextcb *);
    int (*su_sbdroprecord)(struct sockbuf *, struct kextcb *);
    int (*su_sbflush)(struct sockbuf *, struct kextcb *);
    int (*su_sbinsertoob)(struct sockbuf *, struct mbuf *, struct kextcb *);
    int (*su_sbrelease)(struct sockbuf *, struct kextcb *);
    int (*su_sbreserve)(struct sockbuf *, uint32_t, struct kextcb *);
    int (*su_sbwait)(struct sockbuf *, struct kextcb *);
    uintptr_t reserved[4];
};

/* The filter descriptor, owned by the NKE.  nf_next and nf_list are
 * stack-owned link storage while the descriptor is registered. */
struct NFDescriptor {
    void *nf_next[2];            /* historically the protosw chain */
    void *nf_list[2];            /* historically the global list */
    unsigned int nf_handle;      /* unique among registered filters (SF-REG-004) */
    int nf_flags;                /* NFD_xxx */
    /* "PF_FILTER control" entry points: never called by the stack (SF-HOOK-020). */
    int (*nf_connect)(void);
    void (*nf_disconnect)(void);
    int (*nf_read)(void);
    int (*nf_write)(void);
    int (*nf_get)(void);
    int (*nf_set)(void);
    struct sockif *nf_soif;
    struct sockutil *nf_soutil;
    uintptr_t reserved[4];
};

/* Argument of setsockopt(SOL_SOCKET, SO_NKE), exactly the seed's three
 * fields (SF-SONKE-001).  A longer option is accepted and the bytes past
 * sizeof(struct so_nke) are ignored (historical 28-byte form). */
struct so_nke {
    unsigned int nke_handle;
    unsigned int nke_where;
    int nke_flags;
};

NKE_BEGIN_DECLS

NKE_API int register_sockfilter(struct NFDescriptor *nfp, struct NFDescriptor *nfp1,
                                struct protosw *pr, int flags);
NKE_API int unregister_sockfilter(struct NFDescriptor *nfp, struct protosw *pr, int flags);
NKE_API struct NFDescriptor *find_nke(unsigned int handle);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(struct kextcb) == 40, "struct kextcb is 40 bytes");
NKE_STATIC_ASSERT(sizeof(struct sockif) == 33 * sizeof(void *), "sockif: 29 hooks + 4 reserved");
NKE_STATIC_ASSERT(sizeof(struct sockutil) == 17 * sizeof(void *), "sockutil: 13 hooks + 4 reserved");
NKE_STATIC_ASSERT(sizeof(struct NFDescriptor) == 136, "struct NFDescriptor is 136 bytes");
NKE_STATIC_ASSERT(offsetof(struct NFDescriptor, nf_handle) == 32, "nf_handle offset");
NKE_STATIC_ASSERT(sizeof(struct so_nke) == 12, "struct so_nke is 12 bytes");

#endif /* NKE_KEXT_NET_H */
