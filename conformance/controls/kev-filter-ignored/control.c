/* nke_ioctl(SIOCSKEVFILT): whatever the caller asks for, match everything. */
#include "control.h"

NKE_API int nke_ioctl(int s, unsigned long request, void *argp) {
    if (request == SIOCSKEVFILT && argp != NULL) {
        struct kev_request everything = {KEV_ANY_VENDOR, KEV_ANY_CLASS, KEV_ANY_SUBCLASS};
        return REAL(nke_ioctl)(s, request, &everything);
    }
    return REAL(nke_ioctl)(s, request, argp);
}
