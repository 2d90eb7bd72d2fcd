// spec/mbuf.md — layout and constants (MBUF-LAYOUT-*).
#include <cstddef>
#include <cstdint>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufLayout, SizeConstantsHaveTheLp64Values, "MBUF-LAYOUT-001") {
    EXPECT_EQ(MSIZE, 256);
    EXPECT_EQ(sizeof(struct m_hdr), 32u);
    EXPECT_EQ(sizeof(struct pkthdr), 56u);
    EXPECT_EQ(sizeof(struct mbuf), static_cast<size_t>(MSIZE));
    EXPECT_EQ(MLEN, 224);
    EXPECT_EQ(MHLEN, 168);
    EXPECT_EQ(MINCLSIZE, 392);
    EXPECT_EQ(M_MAXCOMPRESS, 84);
    EXPECT_EQ(MCLBYTES, 2048);
    EXPECT_EQ(MCLSHIFT, 11);
    EXPECT_EQ(1 << MCLSHIFT, MCLBYTES);
    EXPECT_EQ(M_COPYALL, 1000000000);
}

NKE_TEST(MbufLayout, FieldOffsetsAreTheOpenNkeOnes, "MBUF-LAYOUT-002") {
    EXPECT_EQ(offsetof(struct m_hdr, mh_next), 0u);
    EXPECT_EQ(offsetof(struct m_hdr, mh_nextpkt), 8u);
    EXPECT_EQ(offsetof(struct m_hdr, mh_data), 16u);
    EXPECT_EQ(offsetof(struct m_hdr, mh_len), 24u);
    EXPECT_EQ(offsetof(struct m_hdr, mh_type), 28u);
    EXPECT_EQ(offsetof(struct m_hdr, mh_flags), 30u);
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    const auto base = reinterpret_cast<uintptr_t>(m);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(m->m_dat) - base, 32u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(&m->m_pkthdr) - base, 32u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(m->m_pktdat) - base, 88u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(&m->m_ext) - base, 88u);
    m_free(m);
}

NKE_TEST(MbufLayout, FlagValuesAreThoseOf10_2, "MBUF-LAYOUT-003") {
    EXPECT_EQ(M_EXT, 0x0001);
    EXPECT_EQ(M_PKTHDR, 0x0002);
    EXPECT_EQ(M_EOR, 0x0004);
    EXPECT_EQ(M_PROTO1, 0x0008);
    EXPECT_EQ(M_PROTO2, 0x0010);
    EXPECT_EQ(M_PROTO3, 0x0020);
    EXPECT_EQ(M_PROTO4, 0x0040);
    EXPECT_EQ(M_PROTO5, 0x0080);
    EXPECT_EQ(M_BCAST, 0x0100);
    EXPECT_EQ(M_MCAST, 0x0200);
    EXPECT_EQ(M_FRAG, 0x0400);
    EXPECT_EQ(M_FIRSTFRAG, 0x0800);
    EXPECT_EQ(M_LASTFRAG, 0x1000);
}

NKE_TEST(MbufLayout, CopyFlagsIncludeTheFragmentPositionFlags, "MBUF-LAYOUT-004") {
    EXPECT_EQ(M_COPYFLAGS, 0x1ffe);
    EXPECT_EQ(M_COPYFLAGS & M_EXT, 0);
}

NKE_TEST(MbufLayout, TypeAndModeValues, "MBUF-LAYOUT-005") {
    EXPECT_EQ(MT_FREE, 0);
    EXPECT_EQ(MT_DATA, 1);
    EXPECT_EQ(MT_HEADER, 2);
    EXPECT_EQ(MT_SOCKET, 3);
    EXPECT_EQ(MT_PCB, 4);
    EXPECT_EQ(MT_RTABLE, 5);
    EXPECT_EQ(MT_HTABLE, 6);
    EXPECT_EQ(MT_ATABLE, 7);
    EXPECT_EQ(MT_SONAME, 8);
    EXPECT_EQ(MT_SOOPTS, 10);
    EXPECT_EQ(MT_FTABLE, 11);
    EXPECT_EQ(MT_RIGHTS, 12);
    EXPECT_EQ(MT_IFADDR, 13);
    EXPECT_EQ(MT_CONTROL, 14);
    EXPECT_EQ(MT_OOBDATA, 15);
    EXPECT_EQ(MT_MAX, 32);
    EXPECT_EQ(M_WAITOK, 0);
    EXPECT_EQ(M_WAIT, 0);
    EXPECT_EQ(M_NOWAIT, 1);
    EXPECT_EQ(M_DONTWAIT, 1);
}

NKE_TEST(MbufLayout, EveryMbufIsMsizeAlignedSoDtomWorks, "MBUF-LAYOUT-006") {
    std::vector<struct mbuf *> v;
    for (int i = 0; i < 64; ++i) {
        struct mbuf *m = (i % 2) ? m_get(M_DONTWAIT, MT_DATA) : m_gethdr(M_DONTWAIT, MT_HEADER);
        ASSERT_NE(m, nullptr);
        v.push_back(m);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(m) % MSIZE, 0u);
        EXPECT_EQ(dtom(mtod(m, char *)), m);
        EXPECT_EQ(dtom(reinterpret_cast<char *>(m) + MSIZE - 1), m);
    }
    for (auto *m : v) m_free(m);
}

NKE_TEST(MbufLayout, ClustersAreMclbytesAlignedStackClusters, "MBUF-LAYOUT-007") {
    std::vector<struct mbuf *> v;
    for (int i = 0; i < 16; ++i) {
        struct mbuf *m = m_getpacket();
        ASSERT_NE(m, nullptr);
        v.push_back(m);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(m->m_ext.ext_buf) % MCLBYTES, 0u);
        EXPECT_EQ(m->m_ext.ext_size, static_cast<uint32_t>(MCLBYTES));
        EXPECT_EQ(m->m_ext.ext_free, nullptr);
    }
    for (auto *m : v) m_freem(m);
}

NKE_TEST(MbufLayout, MacrosExpandToTheFunctions, "MBUF-LAYOUT-008") {
    struct mbuf *m = nullptr;
    MGETHDR(m, M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    EXPECT_TRUE(m->m_flags & M_PKTHDR);
    MCLGET(m, M_DONTWAIT);
    ASSERT_TRUE(m->m_flags & M_EXT);
    EXPECT_EQ(mtod(m, char *), m->m_ext.ext_buf);
    EXPECT_EQ(M_TRAILINGSPACE(m), MCLBYTES);
    m->m_data += 64;
    EXPECT_EQ(M_LEADINGSPACE(m), 64);
    M_PREPEND(m, 16, M_DONTWAIT);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->m_len, 16);
    EXPECT_EQ(m->m_pkthdr.len, 16);
    struct mbuf *c = m_copy(m, 0, M_COPYALL);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(MCLHASREFERENCE(m), 1);
    m_freem(c);
    EXPECT_EQ(MCLHASREFERENCE(m), 0);
    struct mbuf *p = nullptr;
    MGET(p, M_DONTWAIT, MT_DATA);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->m_flags, 0);
    M_ALIGN(p, 10);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p->m_data) % sizeof(long), 0u);
    EXPECT_LE(p->m_dat + MLEN - (p->m_data + 10), static_cast<ptrdiff_t>(sizeof(long) - 1));
    EXPECT_GE(p->m_dat + MLEN - (p->m_data + 10), 0);
    m_freem(p);
    MGETHDR(p, M_DONTWAIT, MT_DATA);
    ASSERT_NE(p, nullptr);
    MH_ALIGN(p, 10);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p->m_data) % sizeof(long), 0u);
    EXPECT_LE(p->m_dat + MLEN - (p->m_data + 10), static_cast<ptrdiff_t>(sizeof(long) - 1));
    EXPECT_GE(p->m_data, p->m_pktdat);
    m_freem(p);
    m_freem(m);
}
