// spec/abi.md — the implementation honours the layouts the headers pin.
#include "nke_test.hpp"

NKE_TEST(AbiLayout, PlainMbufHasMlenBytesAfterItsHeader, "ABI-LAYOUT-002", "ABI-COMPAT-003") {
    struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(reinterpret_cast<char *>(m) + 32, m->m_data);
    EXPECT_EQ(m->m_data, m->m_dat);
    EXPECT_EQ(mtod(m, char *), m->m_data);
    EXPECT_EQ(M_TRAILINGSPACE(m), MLEN);
    EXPECT_EQ(dtom(m->m_data + 17), m);
    m_free(m);
}

NKE_TEST(AbiLayout, PacketHeaderMbufHasMhlenBytes, "ABI-LAYOUT-002") {
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(reinterpret_cast<char *>(m) + 32 + 56, m->m_data);
    EXPECT_EQ(m->m_data, m->m_pktdat);
    EXPECT_EQ(M_TRAILINGSPACE(m), MHLEN);
    m_free(m);
}

NKE_TEST(AbiLayout, ClusterHasMclbytes, "ABI-LAYOUT-002") {
    struct mbuf *m = m_getpacket();
    ASSERT_NE(m, nullptr);
    EXPECT_TRUE(m->m_flags & M_EXT);
    EXPECT_EQ(m->m_ext.ext_size, static_cast<uint32_t>(MCLBYTES));
    EXPECT_EQ(M_TRAILINGSPACE(m), MCLBYTES);
    m_freem(m);
}

NKE_TEST(AbiLayout, ErrnoValuesAreTheHosts, "ABI-CONST-003") {
    // The spec names errors by host name; ENOTSUP and EOPNOTSUPP are one
    // value on this host, as they were on Mac OS X 10.1-10.3.
    EXPECT_EQ(ENOTSUP, EOPNOTSUPP);
    EXPECT_EQ(kmod_unload(-1, nullptr), ENOENT);
    EXPECT_EQ(proc_suser(nullptr), EINVAL);
}
