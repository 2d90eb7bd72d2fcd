// spec/mbuf.md — m_copydata (MBUF-COPYDATA-*).
#include <climits>
#include <cstring>

#include "mbuf_helpers.hpp"

NKE_TEST(MbufCopydata, CopiesAcrossMbufsClustersAndEmptyMbufs, "MBUF-COPYDATA-001") {
    struct mbuf *m = mbt::make_chain({10, 0, 1200, 0, 30, 200});
    ASSERT_NE(m, nullptr);
    const auto old = mbt::shape(m);
    const auto all = mbt::pattern(1440);
    for (auto [off, len] : {std::pair{0, 1440}, {5, 10}, {10, 1200}, {9, 2}, {1209, 40}, {1439, 1}, {700, 700}}) {
        std::vector<uint8_t> out(static_cast<size_t>(len) + 1, 0xcc);
        ASSERT_EQ(m_copydata(m, off, len, out.data()), 0) << off << "+" << len;
        EXPECT_TRUE(std::equal(out.begin(), out.end() - 1, all.begin() + off)) << off << "+" << len;
        EXPECT_EQ(out.back(), 0xcc) << "wrote past len";
    }
    EXPECT_EQ(mbt::shape(m), old);
    m_freem(m);
}

NKE_TEST(MbufCopydata, NegativeOffsetOrLengthIsEinval, "MBUF-COPYDATA-002") {
    struct mbuf *m = mbt::make_chain({100});
    char out[16];
    std::memset(out, 0x77, sizeof out);
    EXPECT_EQ(m_copydata(m, -1, 4, out), EINVAL);
    EXPECT_EQ(m_copydata(m, 0, -1, out), EINVAL);
    EXPECT_EQ(m_copydata(m, INT_MIN, 4, out), EINVAL);
    for (char c : out) EXPECT_EQ(c, 0x77);
    m_freem(m);
}

NKE_TEST(MbufCopydata, RangeBeyondTheChainIsEinval, "MBUF-COPYDATA-003") {
    struct mbuf *m = mbt::make_chain({100, 50});
    std::vector<char> out(200, 0x77);
    EXPECT_EQ(m_copydata(m, 0, 151, out.data()), EINVAL);
    EXPECT_EQ(m_copydata(m, 140, 11, out.data()), EINVAL);
    EXPECT_EQ(m_copydata(m, 151, 0, out.data()), EINVAL);
    EXPECT_EQ(m_copydata(m, 1, INT_MAX, out.data()), EINVAL) << "off + len overflows int";
    EXPECT_EQ(m_copydata(nullptr, 0, 1, out.data()), EINVAL);
    for (char c : out) ASSERT_EQ(c, 0x77) << "bytes written on error";
    m_freem(m);
}

NKE_TEST(MbufCopydata, ZeroLengthIsFineAndNullDestinationIsNot, "MBUF-COPYDATA-004") {
    struct mbuf *m = mbt::make_chain({100});
    EXPECT_EQ(m_copydata(m, 0, 0, nullptr), 0);
    EXPECT_EQ(m_copydata(m, 100, 0, nullptr), 0);
    EXPECT_EQ(m_copydata(m, 0, 1, nullptr), EINVAL);
    m_freem(m);
}
