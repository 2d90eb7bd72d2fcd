/* dlil_output: on an error the frame's mbufs are not freed.  The shim cannot
 * reach inside the reference, so it allocates as many mbufs as the frame has
 * before the call and frees them only when the call succeeds: an error leaks
 * exactly one frame's worth of mbufs. */
#include "control.h"

#include <stddef.h>

NKE_API int dlil_output(unsigned long dl_tag, struct mbuf *m, void *route, const struct nke_sockaddr *dest,
                        int raw) {
    struct mbuf *shadow = NULL;
    for (struct mbuf *n = m; n != NULL; n = n->m_next) {
        struct mbuf *s = REAL(m_get)(M_DONTWAIT, MT_DATA);
        if (s == NULL) break;
        s->m_next = shadow;
        shadow = s;
    }
    const int rc = REAL(dlil_output)(dl_tag, m, route, dest, raw);
    if (rc == 0) REAL(m_freem)(shadow);
    return rc;
}
