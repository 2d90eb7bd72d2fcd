/*
 * OpenNKE ABI — protocol handlers (protosw) and their user requests.
 *
 * Normative: spec/domain.md (PROTO-*) for registration and pr_refs,
 * spec/socket.md (SOCK-*) for when each user request is called.
 */
#ifndef NKE_PROTOSW_H
#define NKE_PROTOSW_H

#include <nke/types.h>

/* pr_flags */
#define PR_ATOMIC 0x01       /* exchange atomic messages only */
#define PR_ADDR 0x02         /* addresses given with messages */
#define PR_CONNREQUIRED 0x04 /* connection required by protocol */
#define PR_WANTRCVD 0x08     /* want pru_rcvd calls */
#define PR_RIGHTS 0x10       /* passes capabilities */
#define PR_IMPLOPCL 0x20     /* implied open/close */
#define PR_LASTHDR 0x40      /* enforce ipsec policy; last header */

/* Protocol user requests.  A NULL entry means "not supported": the socket
 * layer answers EOPNOTSUPP without calling anything (PROTO-USRREQ-002),
 * except pru_attach, whose absence makes the protocol unusable for sockets
 * (EPROTONOSUPPORT), and pru_detach/pru_abort/pru_rcvd, which are optional. */
struct pr_usrreqs {
    int (*pru_abort)(struct socket *so);
    int (*pru_accept)(struct socket *so, struct nke_sockaddr **nam);
    int (*pru_attach)(struct socket *so, int proto, struct proc *p);
    int (*pru_bind)(struct socket *so, struct nke_sockaddr *nam, struct proc *p);
    int (*pru_connect)(struct socket *so, struct nke_sockaddr *nam, struct proc *p);
    int (*pru_connect2)(struct socket *so1, struct socket *so2);
    int (*pru_control)(struct socket *so, unsigned long cmd, void *data, struct ifnet *ifp,
                       struct proc *p);
    int (*pru_detach)(struct socket *so);
    int (*pru_disconnect)(struct socket *so);
    int (*pru_listen)(struct socket *so, struct proc *p);
    int (*pru_peeraddr)(struct socket *so, struct nke_sockaddr **nam);
    int (*pru_rcvd)(struct socket *so, int flags);
    int (*pru_rcvoob)(struct socket *so, struct mbuf *m, int flags);
    int (*pru_send)(struct socket *so, int flags, struct mbuf *m, struct nke_sockaddr *addr,
                    struct mbuf *control, struct proc *p);
    int (*pru_sense)(struct socket *so, void *sb);
    int (*pru_shutdown)(struct socket *so);
    int (*pru_sockaddr)(struct socket *so, struct nke_sockaddr **nam);
    void *pru_reserved[3]; /* historically pru_sosend/soreceive/sopoll; must be NULL */
};

/* pru_send flags */
#define PRUS_OOB 0x1
#define PRUS_EOF 0x2
#define PRUS_MORETOCOME 0x4

struct protosw {
    int16_t pr_type;                /* SOCK_xxx */
    int16_t pr_protocol;            /* protocol number */
    unsigned int pr_flags;          /* PR_xxx */
    struct domain *pr_domain;       /* set by net_add_proto / net_add_domain */
    void (*pr_input)(struct mbuf *m, int len);            /* not called by the stack */
    int (*pr_output)(struct mbuf *m, struct socket *so);  /* not called by the stack */
    void (*pr_ctlinput)(int cmd, struct nke_sockaddr *sa, void *arg); /* not called */
    int (*pr_ctloutput)(struct socket *so, struct sockopt *sopt);
    void *pr_ousrreq;               /* must be NULL */
    void (*pr_init)(void);          /* called once at registration */
    void (*pr_fasttimo)(void);      /* not called (spec/scope.md) */
    void (*pr_slowtimo)(void);      /* not called (spec/scope.md) */
    void (*pr_drain)(void);         /* not called (spec/scope.md) */
    int (*pr_sysctl)(void);         /* not called (spec/scope.md) */
    struct pr_usrreqs *pr_usrreqs;  /* required */
    struct {
        void *opaque[2];
    } pr_sfilter;                   /* implementation-private (historically a TAILQ head) */
    struct protosw *pr_next;        /* chain within the domain; stack-owned while registered */
    int pr_refs;                    /* live sockets using this protocol (seed; PROTO-REFS-*) */
    int pr_reserved0;
    uintptr_t reserved[4];
};

NKE_BEGIN_DECLS

NKE_API int net_add_proto(struct protosw *pp, struct domain *dp);
NKE_API int net_del_proto(int type, int protocol, struct domain *dp);
NKE_API struct protosw *pffindproto(int family, int protocol, int type);
NKE_API struct protosw *pffindtype(int family, int type);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(struct pr_usrreqs) == 20 * sizeof(void *), "pr_usrreqs size");
NKE_STATIC_ASSERT(sizeof(struct protosw) == 168, "struct protosw is 168 bytes");
NKE_STATIC_ASSERT(offsetof(struct protosw, pr_usrreqs) == 96, "pr_usrreqs offset");
NKE_STATIC_ASSERT(offsetof(struct protosw, pr_refs) == 128, "pr_refs offset");

#endif /* NKE_PROTOSW_H */
