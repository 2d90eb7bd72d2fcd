/* Both DLIL filter attach calls ignore insertion_point and append. */
#include "control.h"

NKE_API int dlil_attach_interface_filter(struct ifnet *ifp, struct dlil_if_flt_str *if_filter,
                                         unsigned long *filter_id, int insertion_point) {
    (void)insertion_point;
    return REAL(dlil_attach_interface_filter)(ifp, if_filter, filter_id, DLIL_LAST_FILTER);
}

NKE_API int dlil_attach_protocol_filter(unsigned long dl_tag, struct dlil_pr_flt_str *proto_filter,
                                        unsigned long *filter_id, int insertion_point) {
    (void)insertion_point;
    return REAL(dlil_attach_protocol_filter)(dl_tag, proto_filter, filter_id, DLIL_LAST_FILTER);
}
