// The exported socket-filter functions (spec/include/nke/kext_net.h).
#include "socket/funnel.hpp"
#include "sockfilter/registry.hpp"

using nke::ref::FunnelGuard;
namespace sf = nke::ref::sf;

extern "C" {

NKE_API int register_sockfilter(struct NFDescriptor *nfp, struct NFDescriptor *nfp1, struct protosw *pr,
                                int flags) {
    FunnelGuard funnel;
    return sf::register_filter(nfp, nfp1, pr, flags);
}

NKE_API int unregister_sockfilter(struct NFDescriptor *nfp, struct protosw *pr, int flags) {
    FunnelGuard funnel;
    return sf::unregister_filter(nfp, pr, flags);
}

NKE_API struct NFDescriptor *find_nke(unsigned int handle) {
    FunnelGuard funnel;
    return sf::find(handle);
}

}  // extern "C"
