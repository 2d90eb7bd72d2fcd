/* dlil_attach_interface_filter wraps the filter so that an error from its
 * filter_if_input reaches the stack as EJUSTRETURN: the frame the stack
 * should free (and count in ifi_iqdrops) leaks instead (DLIL-INPUT-010,
 * DLIL-OWN-001).  Everything else is forwarded unchanged. */
#include "control.h"

#include <errno.h>
#include <stdlib.h>

struct wrapped {
    struct dlil_if_flt_str real; /* the NKE's filter, cookie included */
};

static int wrap_input(void *cookie, struct ifnet **ifp, struct mbuf **m, char **frame) {
    struct wrapped *w = cookie;
    if (w->real.filter_if_input == NULL) return 0;
    const int rc = w->real.filter_if_input(w->real.cookie, ifp, m, frame);
    return (rc != 0 && rc != EJUSTRETURN) ? EJUSTRETURN : rc;
}

static int wrap_event(void *cookie, struct ifnet **ifp, struct kern_event_msg **ev) {
    struct wrapped *w = cookie;
    return w->real.filter_if_event ? w->real.filter_if_event(w->real.cookie, ifp, ev) : 0;
}

static int wrap_output(void *cookie, struct ifnet **ifp, struct mbuf **m) {
    struct wrapped *w = cookie;
    return w->real.filter_if_output ? w->real.filter_if_output(w->real.cookie, ifp, m) : 0;
}

static int wrap_ioctl(void *cookie, struct ifnet *ifp, unsigned long cmd, void *arg) {
    struct wrapped *w = cookie;
    return w->real.filter_if_ioctl ? w->real.filter_if_ioctl(w->real.cookie, ifp, cmd, arg) : 0;
}

static int wrap_free(void *cookie, struct ifnet *ifp) {
    struct wrapped *w = cookie;
    return w->real.filter_if_free ? w->real.filter_if_free(w->real.cookie, ifp) : 0;
}

static int wrap_detach(void *cookie) {
    struct wrapped *w = cookie;
    const int rc = w->real.filter_detach ? w->real.filter_detach(w->real.cookie) : 0;
    free(w);
    return rc;
}

NKE_API int dlil_attach_interface_filter(struct ifnet *ifp, struct dlil_if_flt_str *if_filter,
                                         unsigned long *filter_id, int insertion_point) {
    if (if_filter == NULL) return REAL(dlil_attach_interface_filter)(ifp, if_filter, filter_id, insertion_point);
    struct wrapped *w = malloc(sizeof *w);
    if (w == NULL) return ENOBUFS;
    w->real = *if_filter;
    struct dlil_if_flt_str shim = *if_filter;
    shim.cookie = w;
    shim.filter_if_input = if_filter->filter_if_input ? wrap_input : NULL;
    shim.filter_if_event = if_filter->filter_if_event ? wrap_event : NULL;
    shim.filter_if_output = if_filter->filter_if_output ? wrap_output : NULL;
    shim.filter_if_ioctl = if_filter->filter_if_ioctl ? wrap_ioctl : NULL;
    shim.filter_if_free = if_filter->filter_if_free ? wrap_free : NULL;
    shim.filter_detach = wrap_detach;
    const int rc = REAL(dlil_attach_interface_filter)(ifp, &shim, filter_id, insertion_point);
    if (rc != 0) free(w);
    return rc;
}
