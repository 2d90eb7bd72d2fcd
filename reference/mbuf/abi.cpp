// The exported mbuf functions of the ABI (spec/include/nke/mbuf.h): thin
// shims over nke::ref::mb, which the rest of the reference calls directly.
#include "mbuf/mbuf_internal.hpp"  // includes <nke/mbuf.h> last

namespace mb = nke::ref::mb;

extern "C" {

NKE_API struct mbuf *m_get(int how, int type) { return mb::get(how, type); }
NKE_API struct mbuf *m_gethdr(int how, int type) { return mb::gethdr(how, type); }
NKE_API struct mbuf *m_getclr(int how, int type) { return mb::getclr(how, type); }
NKE_API struct mbuf *m_getpacket(void) { return mb::getpacket(); }
NKE_API struct mbuf *m_mclget(struct mbuf *m, int how) { return mb::mclget(m, how); }
NKE_API int m_mclhasreference(struct mbuf *m) { return mb::cluster_shared(m) ? 1 : 0; }
NKE_API struct mbuf *m_free(struct mbuf *m) { return mb::free_one(m); }
NKE_API void m_freem(struct mbuf *m) { mb::free_chain(m); }
NKE_API int m_freem_list(struct mbuf *m) { return mb::free_packets(m); }
NKE_API struct mbuf *m_pullup(struct mbuf *m, int len) { return mb::pullup(m, len); }
NKE_API int m_copydata(struct mbuf *m, int off, int len, void *cp) {
    return mb::copydata(m, off, len, cp);
}
NKE_API int m_copyback(struct mbuf *m, int off, int len, const void *cp) {
    return mb::copyback(m, off, len, cp);
}
NKE_API struct mbuf *m_copym(struct mbuf *m, int off, int len, int how) {
    return mb::copym(m, off, len, how);
}
NKE_API void m_adj(struct mbuf *mp, int req_len) { mb::adj(mp, req_len); }
NKE_API struct mbuf *m_prepend(struct mbuf *m, int len, int how) { return mb::prepend(m, len, how); }
NKE_API struct mbuf *m_prepend_2(struct mbuf *m, int len, int how) {
    return mb::prepend_2(m, len, how);
}
NKE_API void m_cat(struct mbuf *m, struct mbuf *n) { mb::cat(m, n); }
NKE_API struct mbuf *m_split(struct mbuf *m0, int len0, int how) { return mb::split(m0, len0, how); }
NKE_API struct mbuf *m_devget(const char *buf, int totlen, int off0, struct ifnet *ifp) {
    return mb::devget(buf, totlen, off0, ifp);
}
NKE_API int m_length(struct mbuf *m) { return mb::length(m); }
NKE_API int m_leadingspace(struct mbuf *m) { return mb::leading_space(m); }
NKE_API int m_trailingspace(struct mbuf *m) { return mb::trailing_space(m); }

}  // extern "C"
