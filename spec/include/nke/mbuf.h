/*
 * OpenNKE ABI — memory buffers (mbufs).
 *
 * Normative: spec/mbuf.md (MBUF-*).  The structure layout is public because
 * NKE code reads and writes m_len, m_data, m_next and m_pkthdr directly, as
 * it did in Mac OS X 10.1–10.3.  The numbers are for LP64 and are fixed by
 * the spec, not derived from the historical 32-bit layout:
 *
 *   MSIZE 256, sizeof(struct m_hdr) 32, sizeof(struct pkthdr) 56,
 *   MLEN 224, MHLEN 168, MINCLSIZE 392, MCLBYTES 2048.
 *
 * Warning for C++ authors: like the historical header, this one defines the
 * macros m_next, m_len, m_data, m_type, m_flags, m_nextpkt, m_act, m_pkthdr,
 * m_ext, m_pktdat and m_dat.  Do not use those names for anything else in a
 * file that includes it.
 */
#ifndef NKE_MBUF_H
#define NKE_MBUF_H

#include <nke/types.h>

#define MSIZE 256
#define MCLBYTES 2048
#define MCLSHIFT 11
#define MLEN 224
#define MHLEN 168
#define MINCLSIZE (MHLEN + MLEN)
#define M_MAXCOMPRESS (MHLEN / 2)
#define M_COPYALL 1000000000

/* Allocation mode.  Both may fail (MBUF-ALLOC-003). */
#define M_WAITOK 0x0000
#define M_NOWAIT 0x0001
#define M_WAIT M_WAITOK
#define M_DONTWAIT M_NOWAIT

/* m_flags */
#define M_EXT 0x0001
#define M_PKTHDR 0x0002
#define M_EOR 0x0004
#define M_PROTO1 0x0008
#define M_PROTO2 0x0010
#define M_PROTO3 0x0020
#define M_PROTO4 0x0040
#define M_PROTO5 0x0080
#define M_BCAST 0x0100
#define M_MCAST 0x0200
#define M_FRAG 0x0400
#define M_FIRSTFRAG 0x0800
#define M_LASTFRAG 0x1000
#define M_COPYFLAGS                                                                          \
    (M_PKTHDR | M_EOR | M_PROTO1 | M_PROTO2 | M_PROTO3 | M_PROTO4 | M_PROTO5 | M_BCAST |   \
     M_MCAST | M_FRAG | M_FIRSTFRAG | M_LASTFRAG)

/* m_type */
#define MT_FREE 0
#define MT_DATA 1
#define MT_HEADER 2
#define MT_SOCKET 3
#define MT_PCB 4
#define MT_RTABLE 5
#define MT_HTABLE 6
#define MT_ATABLE 7
#define MT_SONAME 8
#define MT_SOOPTS 10
#define MT_FTABLE 11
#define MT_RIGHTS 12
#define MT_IFADDR 13
#define MT_CONTROL 14
#define MT_OOBDATA 15
#define MT_MAX 32

struct m_hdr {
    struct mbuf *mh_next;    /* next buffer in this chain */
    struct mbuf *mh_nextpkt; /* next chain in a queue of packets */
    char *mh_data;           /* first byte of this buffer's data */
    int32_t mh_len;          /* bytes of data in this buffer */
    int16_t mh_type;         /* MT_* */
    int16_t mh_flags;        /* M_* */
};

struct pkthdr {
    int32_t len;           /* total bytes in the chain (MBUF-PKTHDR-001) */
    int32_t csum_flags;    /* not interpreted by the stack */
    struct ifnet *rcvif;   /* interface the packet arrived on */
    void *header;          /* link-level header of a received frame */
    int32_t csum_data;     /* not interpreted by the stack */
    uint16_t vlan_tag;     /* not interpreted by the stack */
    uint16_t reserved_1;
    struct mbuf *aux;      /* freed with the packet header mbuf */
    void *reserved1;
    void *reserved2;
};

struct m_ext {
    char *ext_buf;                                 /* start of the external buffer */
    void (*ext_free)(char *buf, uint32_t size, char *arg); /* NULL: a stack cluster */
    char *ext_arg;
    uint32_t ext_size;                             /* MCLBYTES for a cluster */
    uint32_t ext_reserved;
    void *ext_refs[2];                             /* implementation-private */
};

struct mbuf {
    struct m_hdr m_hdr;
    union {
        struct {
            struct pkthdr MH_pkthdr;
            union {
                struct m_ext MH_ext;
                char MH_databuf[MHLEN];
            } MH_dat;
        } MH;
        char M_databuf[MLEN];
    } M_dat;
};

/* Pinned here: the m_ext macro below hides the structure tag. */
NKE_STATIC_ASSERT(sizeof(struct m_ext) == 48, "m_ext is 48 bytes");

#define m_next m_hdr.mh_next
#define m_len m_hdr.mh_len
#define m_data m_hdr.mh_data
#define m_type m_hdr.mh_type
#define m_flags m_hdr.mh_flags
#define m_nextpkt m_hdr.mh_nextpkt
#define m_act m_nextpkt
#define m_pkthdr M_dat.MH.MH_pkthdr
#define m_ext M_dat.MH.MH_dat.MH_ext
#define m_pktdat M_dat.MH.MH_dat.MH_databuf
#define m_dat M_dat.M_databuf

/* The cast-based macros use C++ casts in C++, so C++ NKEs can build with
 * -Wold-style-cast. */
#ifdef __cplusplus
#define mtod(m, t) (reinterpret_cast<t>((m)->m_data))
#define dtom(x) \
    (reinterpret_cast<struct mbuf *>(reinterpret_cast<uintptr_t>(x) & ~static_cast<uintptr_t>(MSIZE - 1)))
#define NKE_M_ALIGN_MASK_ (~static_cast<int>(sizeof(long) - 1))
#else
#define mtod(m, t) ((t)((m)->m_data))
#define dtom(x) ((struct mbuf *)((uintptr_t)(x) & ~(uintptr_t)(MSIZE - 1)))
#define NKE_M_ALIGN_MASK_ (~(int)(sizeof(long) - 1))
#endif

/* Place an object of size len at the end of a fresh mbuf (M_ALIGN) or fresh
 * packet-header mbuf (MH_ALIGN), aligned to sizeof(long). */
#define M_ALIGN(m, len) \
    do { (m)->m_data += (MLEN - (len)) & NKE_M_ALIGN_MASK_; } while (0)
#define MH_ALIGN(m, len) \
    do { (m)->m_data += (MHLEN - (len)) & NKE_M_ALIGN_MASK_; } while (0)

NKE_BEGIN_DECLS

NKE_API struct mbuf *m_get(int how, int type);
NKE_API struct mbuf *m_gethdr(int how, int type);
NKE_API struct mbuf *m_getclr(int how, int type);
NKE_API struct mbuf *m_getpacket(void);
NKE_API struct mbuf *m_mclget(struct mbuf *m, int how);
NKE_API int m_mclhasreference(struct mbuf *m);
NKE_API struct mbuf *m_free(struct mbuf *m);
NKE_API void m_freem(struct mbuf *m);
NKE_API int m_freem_list(struct mbuf *m);
NKE_API struct mbuf *m_pullup(struct mbuf *m, int len);
NKE_API int m_copydata(struct mbuf *m, int off, int len, void *cp);
NKE_API int m_copyback(struct mbuf *m, int off, int len, const void *cp);
NKE_API struct mbuf *m_copym(struct mbuf *m, int off, int len, int how);
NKE_API void m_adj(struct mbuf *mp, int req_len);
NKE_API struct mbuf *m_prepend(struct mbuf *m, int len, int how);
NKE_API struct mbuf *m_prepend_2(struct mbuf *m, int len, int how);
NKE_API void m_cat(struct mbuf *m, struct mbuf *n);
NKE_API struct mbuf *m_split(struct mbuf *m0, int len0, int how);
NKE_API struct mbuf *m_devget(const char *buf, int totlen, int off0, struct ifnet *ifp);
NKE_API int m_length(struct mbuf *m);
NKE_API int m_leadingspace(struct mbuf *m);
NKE_API int m_trailingspace(struct mbuf *m);

NKE_END_DECLS

#define m_copy(m, o, l) m_copym((m), (o), (l), M_DONTWAIT)
#define MGET(m, how, type) ((m) = m_get((how), (type)))
#define MGETHDR(m, how, type) ((m) = m_gethdr((how), (type)))
#define MCLGET(m, how) ((m) = m_mclget((m), (how)))
#define M_PREPEND(m, plen, how) ((m) = m_prepend_2((m), (plen), (how)))
#define M_LEADINGSPACE(m) m_leadingspace(m)
#define M_TRAILINGSPACE(m) m_trailingspace(m)
#define MCLHASREFERENCE(m) m_mclhasreference(m)

NKE_STATIC_ASSERT(sizeof(struct m_hdr) == 32, "m_hdr is 32 bytes");
NKE_STATIC_ASSERT(sizeof(struct pkthdr) == 56, "pkthdr is 56 bytes");
NKE_STATIC_ASSERT(sizeof(struct mbuf) == MSIZE, "an mbuf is MSIZE bytes");
NKE_STATIC_ASSERT(MLEN == MSIZE - sizeof(struct m_hdr), "MLEN");
NKE_STATIC_ASSERT(MHLEN == MLEN - sizeof(struct pkthdr), "MHLEN");
NKE_STATIC_ASSERT(offsetof(struct mbuf, M_dat) == 32, "data follows m_hdr");
NKE_STATIC_ASSERT(offsetof(struct m_hdr, mh_len) == 24, "mh_len offset");
NKE_STATIC_ASSERT(offsetof(struct pkthdr, rcvif) == 8, "rcvif offset");
NKE_STATIC_ASSERT(offsetof(struct pkthdr, header) == 16, "header offset");

#endif /* NKE_MBUF_H */
