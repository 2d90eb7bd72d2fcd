/* nke_connect: any PF_SYSTEM address length is made 32 bytes. */
#include "control.h"

#include <string.h>

NKE_API int nke_connect(int s, const struct sockaddr *name, socklen_t namelen) {
    const unsigned char *bytes = (const unsigned char *)name;
    if (name != NULL && namelen >= 2 && namelen != sizeof(struct sockaddr_ctl) && bytes[1] == AF_SYSTEM) {
        struct sockaddr_ctl padded;
        memset(&padded, 0, sizeof padded);
        memcpy(&padded, name, namelen < sizeof padded ? namelen : sizeof padded);
        return REAL(nke_connect)(s, (const struct sockaddr *)&padded, sizeof padded);
    }
    return REAL(nke_connect)(s, name, namelen);
}
