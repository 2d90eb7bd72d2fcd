/* NFF_BEFORE and NFF_AFTER swapped, for global registration and for SO_NKE. */
#include "control.h"

#include <string.h>

/* before <-> after; 0 means "after", so it becomes "before"; both bits (an
 * error the stack must report) stay as they are. */
static int swapped(int flags) {
    const int where = flags & (NFF_BEFORE | NFF_AFTER);
    if (where == (NFF_BEFORE | NFF_AFTER)) return flags;
    return (flags & ~(NFF_BEFORE | NFF_AFTER)) | (where == NFF_BEFORE ? NFF_AFTER : NFF_BEFORE);
}

NKE_API int register_sockfilter(struct NFDescriptor *nfp, struct NFDescriptor *nfp1, struct protosw *pr, int flags) {
    return REAL(register_sockfilter)(nfp, nfp1, pr, swapped(flags));
}

NKE_API int nke_setsockopt(int s, int level, int optname, const void *optval, socklen_t optlen) {
    if (level == SOL_SOCKET && optname == SO_NKE && optval != NULL && optlen >= sizeof(struct so_nke) &&
        optlen <= 256) {
        unsigned char copy[256];
        memcpy(copy, optval, optlen);
        struct so_nke req;
        memcpy(&req, copy, sizeof req);
        if (req.nke_flags == 0 || req.nke_flags == NFF_AFTER) req.nke_flags = NFF_BEFORE;
        else if (req.nke_flags == NFF_BEFORE) req.nke_flags = NFF_AFTER;
        memcpy(copy, &req, sizeof req);
        return REAL(nke_setsockopt)(s, level, optname, copy, optlen);
    }
    return REAL(nke_setsockopt)(s, level, optname, optval, optlen);
}
