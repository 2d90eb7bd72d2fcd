// The exported socket accessors (spec/include/nke/socket.h; spec/socket.md
// SOCK-OPAQUE-001, SOCK-ACC-*): struct socket and struct sockbuf are opaque,
// so protocols and filters read them through these.  Each takes the funnel
// (recursively inside a callback), and accepts NULL with a 0/NULL answer, so
// a protocol probing a socket it is not sure of cannot crash the stack.
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

}  // extern "C"
