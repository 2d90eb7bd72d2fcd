// The exported domain/protosw functions (spec/include/nke/domain.h,
// protosw.h): thin shims that take the funnel over domain_table.
#include "domain/domain_table.hpp"
#include "socket/funnel.hpp"

using nke::ref::FunnelGuard;
namespace dom = nke::ref::dom;

extern "C" {

NKE_API int net_add_domain(struct domain *dp) {
    FunnelGuard funnel;
    return dom::add_domain(dp);
}

NKE_API int net_del_domain(struct domain *dp) {
    FunnelGuard funnel;
    return dom::del_domain(dp);
}

NKE_API struct domain *pffinddomain(int family) {
    FunnelGuard funnel;
    return dom::find_domain(family);
}

NKE_API int net_add_proto(struct protosw *pp, struct domain *dp) {
    FunnelGuard funnel;
    return dom::add_proto(pp, dp);
}

NKE_API int net_del_proto(int type, int protocol, struct domain *dp) {
    FunnelGuard funnel;
    return dom::del_proto(type, protocol, dp);
}

NKE_API struct protosw *pffindproto(int family, int protocol, int type) {
    FunnelGuard funnel;
    return dom::find_proto(family, protocol, type);
}

NKE_API struct protosw *pffindtype(int family, int type) {
    FunnelGuard funnel;
    return dom::find_type(family, type);
}

}  // extern "C"
