// spec/mbuf.md — the mbuf macros used from a C NKE module
// (conformance/modules/mbuf_macros.c), and mbufs handed from a module to
// its caller (MBUF-LAYOUT-006, MBUF-LAYOUT-008).
#include "mbuf_helpers.hpp"

extern "C" {
#include "mbuf_macros.h"
}

NKE_TEST(MbufModule, MacrosWorkFromACModule, "MBUF-LAYOUT-008", "MBUF-LAYOUT-006") {
    mbuf_macros_probe probe{};
    probe.failed_check = -1;
    int id = 0;
    ASSERT_EQ(kmod_load(nke::test::module_path("mbuf_macros").c_str(), &probe, &id), 0);
    EXPECT_EQ(probe.failed_check, 0) << "the module's check number " << probe.failed_check << " failed";
    EXPECT_EQ(kmod_unload(id, nullptr), 0);
    // The packet outlives the module that built it; the test owns it now.
    struct mbuf *m = probe.packet;
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(m->m_pkthdr.len, MBUF_MACROS_PACKET_LEN + MBUF_MACROS_PACKET_HDR);
    const auto got = mbt::bytes(m);
    ASSERT_EQ(got.size(), static_cast<size_t>(MBUF_MACROS_PACKET_LEN + MBUF_MACROS_PACKET_HDR));
    for (int i = 0; i < MBUF_MACROS_PACKET_HDR; ++i) EXPECT_EQ(got[static_cast<size_t>(i)], 'H');
    for (int i = 0; i < MBUF_MACROS_PACKET_LEN; ++i)
        ASSERT_EQ(got[static_cast<size_t>(MBUF_MACROS_PACKET_HDR + i)], static_cast<uint8_t>(i * 3 + 1))
            << "byte " << i;
    m_freem(m);
}
