/* nke_setsockopt(SOL_SOCKET, SO_NKE): a value shorter than struct so_nke is
 * zero-padded to its size and accepted (a copy-in without the minimum length,
 * SF-SONKE-001).  Every other option is forwarded unchanged. */
#include "control.h"

#include <string.h>

NKE_API int nke_setsockopt(int s, int level, int optname, const void *optval, socklen_t optlen) {
    if (level == SOL_SOCKET && optname == SO_NKE && optval != NULL && optlen > 0 &&
        optlen < sizeof(struct so_nke)) {
        struct so_nke padded;
        memset(&padded, 0, sizeof padded);
        memcpy(&padded, optval, optlen);
        return REAL(nke_setsockopt)(s, level, optname, &padded, sizeof padded);
    }
    return REAL(nke_setsockopt)(s, level, optname, optval, optlen);
}
