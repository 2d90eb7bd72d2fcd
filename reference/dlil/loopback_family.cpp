// The built-in loopback family (spec/dlil.md, DLIL-LOOP-*): the link header
// is the 4-byte protocol family in host order; demux picks the attached
// protocol of that family, the framer prepends it.
#include <cerrno>
#include <cstring>

#include "dlil/dlil.hpp"

namespace nke::ref::dlil {
namespace {

constexpr int kLoopHdr = 4;

int loop_add_if(ifnet *ifp) {
    ifp->if_demux = [](ifnet *ifp2, mbuf *, char *frame_header, if_proto **proto) -> int {
        uint32_t pf;
        std::memcpy(&pf, frame_header, sizeof pf);
        Proto *p = proto_by_family(static_cast<Iface *>(ifp2->if_dlil), pf);
        if (!p) return ENOENT;
        *proto = p;
        return 0;
    };
    ifp->if_framer = [](ifnet *, mbuf **m, const nke_sockaddr *, const char *,
                        const char *frame_type) -> int {
        mbuf *n = mb::prepend_2(*m, kLoopHdr, M_DONTWAIT);
        *m = n;
        if (n == nullptr) return ENOBUFS;  // m_prepend_2 freed the chain
        std::memcpy(n->m_data, frame_type, kLoopHdr);
        return 0;
    };
    if (ifp->if_hdrlen == 0) ifp->if_hdrlen = kLoopHdr;
    return 0;
}

int loop_del_if(ifnet *) { return 0; }
int loop_add_proto(ddesc_head_str *, if_proto *, unsigned long) { return 0; }
int loop_del_proto(if_proto *, unsigned long) { return 0; }

}  // namespace

const dlil_ifmod_reg_str loopback_module = {
    loop_add_if, loop_del_if, loop_add_proto, loop_del_proto, nullptr, nullptr, nullptr, {},
};

}  // namespace nke::ref::dlil
