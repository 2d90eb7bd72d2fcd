// The exported kernel-side socket KPI (spec/include/nke/socket.h): thin
// shims that take the funnel and call the socket layer.  Accessors accept
// NULL and answer 0/NULL (SOCK-ACC-002), so a protocol probing a socket it
// is not sure of cannot crash the stack.
#include "socket/funnel.hpp"
#include "socket/socket_impl.hpp"

using nke::ref::FunnelGuard;
namespace sock = nke::ref::sock;

extern "C" {

// --- accessors ---------------------------------------------------------------

NKE_API void *so_getpcb(struct socket *so) {
    FunnelGuard f;
    return so ? so->so_pcb : nullptr;
}

NKE_API void so_setpcb(struct socket *so, void *pcb) {
    FunnelGuard f;
    if (so) so->so_pcb = pcb;
}

NKE_API struct protosw *so_getproto(struct socket *so) {
    FunnelGuard f;
    return so ? so->so_proto : nullptr;
}

NKE_API int so_gettype(struct socket *so) {
    FunnelGuard f;
    return so ? so->so_type : 0;
}

NKE_API int so_getstate(struct socket *so) {
    FunnelGuard f;
    return so ? so->so_state : 0;
}

NKE_API int so_getoptions(struct socket *so) {
    FunnelGuard f;
    return so ? so->so_options : 0;
}

NKE_API int so_geterror(struct socket *so) {
    FunnelGuard f;
    return so ? so->so_error : 0;
}

NKE_API void so_seterror(struct socket *so, int error) {
    FunnelGuard f;
    if (so == nullptr) return;
    so->so_error = error;
    // A sleeper on the socket must see the error (connect, receive, accept).
    sock::wakeup(so);
}

NKE_API struct kextcb *so_getext(struct socket *so) {
    FunnelGuard f;
    return so ? so->so_ext : nullptr;
}

NKE_API struct socket *so_gethead(struct socket *so) {
    FunnelGuard f;
    return so ? so->so_head : nullptr;
}

NKE_API struct sockbuf *so_getrcv(struct socket *so) {
    FunnelGuard f;
    return so ? &so->so_rcv : nullptr;
}

NKE_API struct sockbuf *so_getsnd(struct socket *so) {
    FunnelGuard f;
    return so ? &so->so_snd : nullptr;
}

NKE_API struct socket *sb_getsocket(struct sockbuf *sb) {
    FunnelGuard f;
    return sb ? sb->sb_so : nullptr;
}

NKE_API uint32_t sb_getcc(struct sockbuf *sb) {
    FunnelGuard f;
    return sb ? sb->sb_cc : 0;
}

NKE_API uint32_t sb_gethiwat(struct sockbuf *sb) {
    FunnelGuard f;
    return sb ? sb->sb_hiwat : 0;
}

NKE_API long sbspace(struct sockbuf *sb) {
    FunnelGuard f;
    return sb ? sock::sb_space(*sb) : 0;
}

// --- state changes -----------------------------------------------------------------

NKE_API void soisconnecting(struct socket *so) {
    FunnelGuard f;
    if (so) sock::isconnecting(so);
}

NKE_API void soisconnected(struct socket *so) {
    FunnelGuard f;
    if (so) sock::isconnected(so);
}

NKE_API void soisdisconnecting(struct socket *so) {
    FunnelGuard f;
    if (so) sock::isdisconnecting(so);
}

NKE_API void soisdisconnected(struct socket *so) {
    FunnelGuard f;
    if (so) sock::isdisconnected(so);
}

NKE_API void socantsendmore(struct socket *so) {
    FunnelGuard f;
    if (so) sock::cantsendmore(so);
}

NKE_API void socantrcvmore(struct socket *so) {
    FunnelGuard f;
    if (so) sock::cantrcvmore(so);
}

NKE_API struct socket *sonewconn(struct socket *head, int connstatus) {
    FunnelGuard f;
    return sock::so_newconn(head, connstatus);
}

NKE_API int soreserve(struct socket *so, uint32_t sndcc, uint32_t rcvcc) {
    FunnelGuard f;
    if (so == nullptr) return EINVAL;
    return sock::so_reserve(so, sndcc, rcvcc);
}

NKE_API void sorwakeup(struct socket *so) {
    FunnelGuard f;
    if (so) sock::wakeup(so);
}

NKE_API void sowwakeup(struct socket *so) {
    FunnelGuard f;
    if (so) sock::wakeup(so);
}

// --- socket buffers ----------------------------------------------------------------

NKE_API void sbappend(struct sockbuf *sb, struct mbuf *m) {
    FunnelGuard f;
    sock::sb_append(sb, m);
}

NKE_API void sbappendrecord(struct sockbuf *sb, struct mbuf *m0) {
    FunnelGuard f;
    sock::sb_append_record(sb, m0);
}

NKE_API int sbappendaddr(struct sockbuf *sb, const struct nke_sockaddr *asa, struct mbuf *m0,
                         struct mbuf *control) {
    FunnelGuard f;
    return sock::sb_append_addr(sb, asa, m0, control);
}

NKE_API int sbappendcontrol(struct sockbuf *sb, struct mbuf *m0, struct mbuf *control) {
    FunnelGuard f;
    return sock::sb_append_control(sb, m0, control);
}

NKE_API void sbflush(struct sockbuf *sb) {
    FunnelGuard f;
    sock::sb_flush(sb);
}

NKE_API void sbdrop(struct sockbuf *sb, int len) {
    FunnelGuard f;
    sock::sb_drop(sb, len);
}

NKE_API void sbdroprecord(struct sockbuf *sb) {
    FunnelGuard f;
    sock::sb_drop_record(sb);
}

// --- options ------------------------------------------------------------------------

NKE_API int sooptcopyin(struct sockopt *sopt, void *buf, size_t len, size_t minlen) {
    return sock::sopt_copyin(sopt, buf, len, minlen);
}

NKE_API int sooptcopyout(struct sockopt *sopt, const void *buf, size_t len) {
    return sock::sopt_copyout(sopt, buf, len);
}

// --- user I/O -----------------------------------------------------------------------

NKE_API long uio_resid(struct uio *uio) {
    if (uio == nullptr) return 0;
    return static_cast<long>(uio->uio_resid);
}

NKE_API int uiomove(const void *cp, int n, struct uio *uio) {
    if (n < 0) return EINVAL;
    return sock::uio_move(cp, static_cast<size_t>(n), uio);
}

// --- addresses ----------------------------------------------------------------------

NKE_API struct nke_sockaddr *nke_sockaddr_dup(const struct nke_sockaddr *sa) {
    return sock::sockaddr_dup(sa);
}

NKE_API void nke_sockaddr_free(struct nke_sockaddr *sa) { sock::sockaddr_free(sa); }

}  // extern "C"
