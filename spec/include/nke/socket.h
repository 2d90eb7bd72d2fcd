/*
 * OpenNKE ABI — the kernel side of sockets: what protocol handlers and
 * socket filters may call.
 *
 * Normative: spec/socket.md (SOCK-*).  struct socket and struct sockbuf are
 * opaque (SOCK-OPAQUE-001): an NKE reaches their fields through the
 * accessors below, so that implementations are free in their layout and
 * locking.  The calls that change socket state (soisconnected, sbappend, ...)
 * are the call sites at which the socket filters' sockif/sockutil hooks run
 * (spec/sockfilter.md).
 */
#ifndef NKE_SOCKET_H
#define NKE_SOCKET_H

#include <nke/types.h>

/* so_state bits (SOCK-STATE-001). */
#define SS_NOFDREF 0x0001         /* no file descriptor refers to this socket */
#define SS_ISCONNECTED 0x0002
#define SS_ISCONNECTING 0x0004
#define SS_ISDISCONNECTING 0x0008
#define SS_CANTSENDMORE 0x0010
#define SS_CANTRCVMORE 0x0020
#define SS_RCVATMARK 0x0040
#define SS_PRIV 0x0080            /* created by a superuser */
#define SS_NBIO 0x0100            /* non-blocking */
#define SS_ASYNC 0x0200
#define SS_ISCONFIRMING 0x0400
#define SS_INCOMP 0x0800          /* on a listener's incomplete queue */
#define SS_COMP 0x1000            /* on a listener's completed queue */
#define SS_ISDISCONNECTED 0x2000

/* Socket option bits as seen by so_getoptions (named apart from the host's
 * SO_* option names, which are option *names*, not bits). */
#define SOF_ACCEPTCONN 0x0002     /* listening */
#define SOF_DONTTRUNC 0x2000      /* keep the unread part of an atomic record */

/* sockopt direction */
#define SOPT_GET 0
#define SOPT_SET 1

/* A socket option request as handed to pr_ctloutput and to the filters'
 * sf_socontrol hook.  sopt_val is a kernel copy (never user memory). */
struct sockopt {
    int sopt_dir;        /* SOPT_GET or SOPT_SET */
    int sopt_level;
    int sopt_name;
    int sopt_reserved;
    void *sopt_val;      /* NULL when sopt_valsize is 0 */
    size_t sopt_valsize;
    struct proc *sopt_p;
};

NKE_BEGIN_DECLS

/* --- accessors ----------------------------------------------------------- */
NKE_API void *so_getpcb(struct socket *so);
NKE_API void so_setpcb(struct socket *so, void *pcb);
NKE_API struct protosw *so_getproto(struct socket *so);
NKE_API int so_gettype(struct socket *so);
NKE_API int so_getstate(struct socket *so);
NKE_API int so_getoptions(struct socket *so);
NKE_API int so_geterror(struct socket *so);
NKE_API void so_seterror(struct socket *so, int error);
NKE_API struct kextcb *so_getext(struct socket *so);
NKE_API struct socket *so_gethead(struct socket *so);
NKE_API struct sockbuf *so_getrcv(struct socket *so);
NKE_API struct sockbuf *so_getsnd(struct socket *so);
NKE_API struct socket *sb_getsocket(struct sockbuf *sb);
NKE_API uint32_t sb_getcc(struct sockbuf *sb);
NKE_API uint32_t sb_gethiwat(struct sockbuf *sb);
NKE_API long sbspace(struct sockbuf *sb);

/* --- state changes made by protocols (hook call sites) -------------------- */
NKE_API void soisconnecting(struct socket *so);
NKE_API void soisconnected(struct socket *so);
NKE_API void soisdisconnecting(struct socket *so);
NKE_API void soisdisconnected(struct socket *so);
NKE_API void socantsendmore(struct socket *so);
NKE_API void socantrcvmore(struct socket *so);
NKE_API struct socket *sonewconn(struct socket *head, int connstatus);
NKE_API int soreserve(struct socket *so, uint32_t sndcc, uint32_t rcvcc);
NKE_API void sorwakeup(struct socket *so);
NKE_API void sowwakeup(struct socket *so);

/* --- socket buffers ------------------------------------------------------ */
/* sbappend and sbappendrecord always take the chain (SOCK-SB-*). */
NKE_API void sbappend(struct sockbuf *sb, struct mbuf *m);
NKE_API void sbappendrecord(struct sockbuf *sb, struct mbuf *m0);
/* 1: the mbufs are no longer the caller's; 0: no space, the caller keeps
 * them (the historical convention, SOCK-SB-006). */
NKE_API int sbappendaddr(struct sockbuf *sb, const struct nke_sockaddr *asa, struct mbuf *m0,
                         struct mbuf *control);
NKE_API int sbappendcontrol(struct sockbuf *sb, struct mbuf *m0, struct mbuf *control);
NKE_API void sbflush(struct sockbuf *sb);
NKE_API void sbdrop(struct sockbuf *sb, int len);
NKE_API void sbdroprecord(struct sockbuf *sb);

/* --- socket options ------------------------------------------------------ */
NKE_API int sooptcopyin(struct sockopt *sopt, void *buf, size_t len, size_t minlen);
NKE_API int sooptcopyout(struct sockopt *sopt, const void *buf, size_t len);

/* --- user I/O descriptors (sf_sosend / sf_soreceive) ---------------------- */
NKE_API long uio_resid(struct uio *uio);
NKE_API int uiomove(const void *cp, int n, struct uio *uio);

/* --- socket addresses owned by the stack --------------------------------- */
/* pru_accept, pru_peeraddr and pru_sockaddr return an address allocated with
 * nke_sockaddr_dup; the socket layer frees it with nke_sockaddr_free. */
NKE_API struct nke_sockaddr *nke_sockaddr_dup(const struct nke_sockaddr *sa);
NKE_API void nke_sockaddr_free(struct nke_sockaddr *sa);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(struct sockopt) == 40, "struct sockopt is 40 bytes");

#endif /* NKE_SOCKET_H */
