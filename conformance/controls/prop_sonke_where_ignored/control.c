/* SO_NKE ignores nke_where: the filter always goes to the head ("before")
 * or the tail ("after") of the socket's chain. */
#include "control.h"

#include <string.h>

NKE_API int nke_setsockopt(int s, int level, int optname, const void *optval, socklen_t optlen) {
    if (level == SOL_SOCKET && optname == SO_NKE && optval != NULL && optlen >= sizeof(struct so_nke)) {
        struct so_nke req;
        memcpy(&req, optval, sizeof req);
        req.nke_where = 0;
        return REAL(nke_setsockopt)(s, level, optname, &req, sizeof req);
    }
    return REAL(nke_setsockopt)(s, level, optname, optval, optlen);
}
