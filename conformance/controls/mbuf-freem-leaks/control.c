/* m_freem frees the first mbuf only: the rest of the chain leaks. */
#include "control.h"

NKE_API void m_freem(struct mbuf *m) {
    if (m != NULL) (void)REAL(m_free)(m);
}
