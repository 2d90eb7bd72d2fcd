// Injection (spec/dlil.md, DLIL-INJECT-*): a filter that kept a frame
// (EJUSTRETURN) hands it back to resume the walk just after itself.  One
// ownership rule, the same as dlil_output: every error frees m (settles
// hist §9.2 #15).
#include <cerrno>

#include "dlil/datapath.hpp"

namespace nke::ref::dlil {
namespace {

// The live filter `id` of the wanted kind, or null.
Filter *named(unsigned long id, bool is_if) noexcept {
    Filter *f = find_filter_id(id);
    if (!f || f->is_if != is_if || f->dead.load(std::memory_order_acquire)) return nullptr;
    return f;
}

int refuse(mbuf *m, int err) noexcept {
    mb::free_chain(m);
    return err;
}

int inject_if_input(mbuf *m, char *frame, unsigned long from_id) noexcept {
    if (m == nullptr) return EINVAL;
    ReadSection rs;
    CallbackScope in_dlil(nullptr);  // see OwnerScope
    Filter *f = named(from_id, true);
    if (!f) return refuse(m, ENOENT);
    if (!(m->m_flags & M_PKTHDR)) return refuse(m, EINVAL);
    Iface *i = f->iface;
    if (frame == nullptr) frame = static_cast<char *>(m->m_pkthdr.header);
    m->m_pkthdr.rcvif = i->ifp;
    const size_t at = index_of(i->filters.get(), f);
    if (at == i->filters.get().size()) return refuse(m, ENOENT);  // detached meanwhile
    // Input walks tail->head: resume with the filters nearer the head.
    input_from_if_filters(i, m, frame, at, 0);
    return 0;
}

int inject_pr_input(mbuf *m, char *frame, unsigned long from_id) noexcept {
    if (m == nullptr) return EINVAL;
    ReadSection rs;
    CallbackScope in_dlil(nullptr);  // see OwnerScope
    Filter *f = named(from_id, false);
    if (!f) return refuse(m, ENOENT);
    if (!(m->m_flags & M_PKTHDR)) return refuse(m, EINVAL);
    Iface *i = f->iface;
    if (frame == nullptr) frame = static_cast<char *>(m->m_pkthdr.header);
    m->m_pkthdr.rcvif = i->ifp;
    const size_t at = index_of(f->proto->filters.get(), f);
    if (at == f->proto->filters.get().size()) return refuse(m, ENOENT);
    input_from_proto_filters(i, f->proto, m, frame, at, 0);
    return 0;
}

int inject_pr_output(mbuf *m, nke_sockaddr *dest, int raw, char *frame_type, char *dst_linkaddr,
                     unsigned long from_id) noexcept {
    if (m == nullptr) return EINVAL;
    ReadSection rs;
    CallbackScope in_dlil(nullptr);  // see OwnerScope
    Filter *f = named(from_id, false);
    if (!f) return refuse(m, ENOENT);
    if (raw == 0 && (frame_type == nullptr || dst_linkaddr == nullptr)) return refuse(m, EINVAL);
    const std::vector<Filter *> &list = f->proto->filters.get();
    const size_t at = index_of(list, f);
    if (at == list.size()) return refuse(m, ENOENT);
    // Output walks head->tail: resume with the filters nearer the tail.
    return output_from_proto_filters(f->iface, f->proto, m, dest, raw, frame_type, dst_linkaddr,
                                     at + 1);
}

int inject_if_output(mbuf *m, unsigned long from_id) noexcept {
    if (m == nullptr) return EINVAL;
    ReadSection rs;
    CallbackScope in_dlil(nullptr);  // see OwnerScope
    Filter *f = named(from_id, true);
    if (!f) return refuse(m, ENOENT);
    const std::vector<Filter *> &list = f->iface->filters.get();
    const size_t at = index_of(list, f);
    if (at == list.size()) return refuse(m, ENOENT);
    return output_from_if_filters(f->iface, m, at + 1);
}

}  // namespace
}  // namespace nke::ref::dlil

using namespace nke::ref::dlil;

extern "C" {

NKE_API int dlil_inject_if_input(struct mbuf *m, char *frame_header, unsigned long from_id) {
    return inject_if_input(m, frame_header, from_id);
}

NKE_API int dlil_inject_pr_input(struct mbuf *m, char *frame_header, unsigned long from_id) {
    return inject_pr_input(m, frame_header, from_id);
}

NKE_API int dlil_inject_pr_output(struct mbuf *m, struct nke_sockaddr *dest, int raw,
                                  char *frame_type, char *dst_linkaddr, unsigned long from_id) {
    return inject_pr_output(m, dest, raw, frame_type, dst_linkaddr, from_id);
}

NKE_API int dlil_inject_if_output(struct mbuf *m, unsigned long from_id) {
    return inject_if_output(m, from_id);
}

}  // extern "C"
