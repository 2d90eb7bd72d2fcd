/* A module that uses the mbuf macros of <nke/mbuf.h> from C: MGETHDR,
 * MCLGET, mtod, dtom, M_PREPEND, M_LEADINGSPACE, M_TRAILINGSPACE,
 * MCLHASREFERENCE, m_copy, MGET, M_ALIGN.  Its start routine stops at the
 * first check that fails and reports its number; it hands the packet it
 * built to the test, which owns it from then on. */
#include "mbuf_macros.h"

#include <nke/kmod.h>

#define CHECK(n, cond)                  \
    do {                                \
        if (!(cond)) {                  \
            p->failed_check = (n);      \
            goto out;                   \
        }                               \
    } while (0)

static kern_return_t macros_start(kmod_info_t *ki, void *data) {
    struct mbuf_macros_probe *p = data;
    struct mbuf *m = NULL, *c = NULL, *s = NULL;
    char *d;
    int i;
    (void)ki;
    if (p == NULL) return KMOD_RETURN_SUCCESS;
    p->failed_check = 0;
    p->packet = NULL;

    MGETHDR(m, M_DONTWAIT, MT_DATA);
    CHECK(1, m != NULL && (m->m_flags & M_PKTHDR) && m->m_pkthdr.len == 0);
    CHECK(2, dtom(mtod(m, char *)) == m);
    MCLGET(m, M_DONTWAIT);
    CHECK(3, m->m_flags & M_EXT);
    CHECK(4, M_TRAILINGSPACE(m) == MCLBYTES && M_LEADINGSPACE(m) == 0);
    m->m_data += 64; /* room for the header */
    d = mtod(m, char *);
    for (i = 0; i < MBUF_MACROS_PACKET_LEN; i++) d[i] = (char)(i * 3 + 1);
    m->m_len = m->m_pkthdr.len = MBUF_MACROS_PACKET_LEN;
    M_PREPEND(m, MBUF_MACROS_PACKET_HDR, M_DONTWAIT);
    CHECK(5, m != NULL && m->m_pkthdr.len == MBUF_MACROS_PACKET_LEN + MBUF_MACROS_PACKET_HDR);
    CHECK(6, M_LEADINGSPACE(m) == 64 - MBUF_MACROS_PACKET_HDR);
    for (i = 0; i < MBUF_MACROS_PACKET_HDR; i++) mtod(m, char *)[i] = 'H';
    c = m_copy(m, 0, M_COPYALL);
    CHECK(7, c != NULL && MCLHASREFERENCE(m) && MCLHASREFERENCE(c));
    CHECK(8, M_LEADINGSPACE(m) == 0 && M_TRAILINGSPACE(c) == 0);
    m_freem(c);
    c = NULL;
    CHECK(9, !MCLHASREFERENCE(m));
    MGET(s, M_DONTWAIT, MT_DATA);
    CHECK(10, s != NULL && s->m_flags == 0 && s->m_len == 0);
    M_ALIGN(s, 12);
    CHECK(11, (uintptr_t)s->m_data % sizeof(long) == 0 && s->m_data + 12 <= s->m_dat + MLEN &&
                  s->m_dat + MLEN - (s->m_data + 12) < (long)sizeof(long));
    p->packet = m;
    m = NULL;
out:
    m_freem(s);
    m_freem(c);
    m_freem(m);
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.test.mbuf_macros, "1.0", macros_start, NULL);
