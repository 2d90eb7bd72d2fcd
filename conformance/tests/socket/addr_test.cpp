// spec/socket.md — socket addresses in and out.
#include "sock_helpers.hpp"

#include <cstring>

using namespace nke::test;

namespace {
const struct sockaddr *sa(const void *p) { return static_cast<const struct sockaddr *>(p); }
}  // namespace

NKE_TEST(SockAddr, LengthAndPointerChecksInOrder, "SOCK-ADDR-001") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    char big[300] = {};
    const auto before = counters();
    for (auto call : {+[](int fd, const struct sockaddr *a, socklen_t l) { return nke_bind(fd, a, l); },
                      +[](int fd, const struct sockaddr *a, socklen_t l) { return nke_connect(fd, a, l); },
                      +[](int fd, const struct sockaddr *a, socklen_t l) {
                          return static_cast<int>(nke_sendto(fd, "x", 1, 0, a, l));
                      }}) {
        EXPECT_SYS_ERRNO(call(s, sa(big), 256), ENAMETOOLONG);
        EXPECT_SYS_ERRNO(call(s, nullptr, 256), ENAMETOOLONG);
        EXPECT_SYS_ERRNO(call(s, sa(big), 1), EINVAL);
        EXPECT_SYS_ERRNO(call(s, nullptr, 1), EINVAL);
        EXPECT_SYS_ERRNO(call(s, nullptr, 16), EFAULT);
    }
    EXPECT_SYS_ERRNO(nke_bind(s, sa(big), 0), EINVAL);
    EXPECT_SYS_ERRNO(nke_connect(s, sa(big), 0), EINVAL);
    struct iovec v{const_cast<char *>("x"), 1};
    struct msghdr msg{};
    msg.msg_iov = &v;
    msg.msg_iovlen = 1;
    msg.msg_namelen = 300;
    msg.msg_name = big;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &msg, 0), ENAMETOOLONG);
    msg.msg_name = nullptr;
    msg.msg_namelen = 8;
    EXPECT_SYS_ERRNO(nke_sendmsg(s, &msg, 0), EFAULT);
    EXPECT_EQ(pd.count(probe::bind) + pd.count(probe::connect) + pd.count(probe::send), 0);
    Fixture::expect_unchanged(before, "bad addresses");
    // 255 bytes is the largest length accepted.
    EXPECT_EQ(nke_bind(s, sa(big), 255), 0);
    EXPECT_EQ(pd.last(probe::bind).i, 0);
}

NKE_TEST(SockAddr, SaLenIsTheLengthPassed, "SOCK-ADDR-002") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    std::string got;
    pd.on(probe::bind, [&](probe::Args &a) {
        got.assign(reinterpret_cast<const char *>(a.nam), a.nam->sa_len);
        return 0;
    });
    unsigned char in[10] = {200, probe::kFamily, 1, 2, 3, 4, 5, 6, 7, 8};
    ASSERT_EQ(nke_bind(s, sa(in), 10), 0);
    ASSERT_EQ(got.size(), 10u);
    EXPECT_EQ(static_cast<unsigned char>(got[0]), 10) << "the caller's sa_len (200) is ignored";
    EXPECT_EQ(got.substr(1), std::string(reinterpret_cast<const char *>(in) + 1, 9));
}

NKE_TEST(SockAddr, CopyIsAtLeastSixteenBytesZeroFilled, "SOCK-ADDR-003") {
    probe::ProbeDomain pd;
    Fd s(nke_socket(probe::kFamily, SOCK_DGRAM, 0));
    std::string seen;
    pd.on(probe::connect, [&](probe::Args &a) {
        seen.assign(reinterpret_cast<const char *>(a.nam), sizeof(struct nke_sockaddr));
        return 0;
    });
    unsigned char in[4] = {4, probe::kFamily, 0x55, 0x66};
    ASSERT_EQ(nke_connect(s, sa(in), 4), 0);
    ASSERT_EQ(seen.size(), 16u);
    EXPECT_EQ(seen[2], 0x55);
    EXPECT_EQ(seen[3], 0x66);
    for (size_t i = 4; i < 16; ++i) EXPECT_EQ(seen[i], 0) << "byte " << i;
}

NKE_TEST(SockAddr, ReturnedAddressesAreCutToTheCallersLength, "SOCK-ADDR-004") {
    loop::LoopDomain ld;
    Fd a = loop_dgram(3);
    loop::loop_sockaddr out{};
    socklen_t len = sizeof out;
    ASSERT_EQ(nke_getsockname(a, reinterpret_cast<sockaddr *>(&out), &len), 0);
    EXPECT_EQ(len, loop::kAddrLen);
    EXPECT_EQ(out.sl_port, 3);
    unsigned char small[4] = {0xee, 0xee, 0xee, 0xee};
    len = 3;
    ASSERT_EQ(nke_getsockname(a, reinterpret_cast<sockaddr *>(small), &len), 0);
    EXPECT_EQ(len, 3u);
    EXPECT_EQ(small[0], loop::kAddrLen);
    EXPECT_EQ(small[3], 0xee) << "nothing past the caller's length";
    // Data without an address gives length 0 (recvfrom on a stream).
    Fd l = loop_listener(4);
    auto [c, s] = loop_pair(l, 4);
    ASSERT_EQ(send_str(c, "hi"), 2);
    char b[4];
    len = sizeof out;
    ASSERT_EQ(nke_recvfrom(s, b, sizeof b, 0, reinterpret_cast<sockaddr *>(&out), &len), 2);
    EXPECT_EQ(len, 0u);
}

NKE_TEST(SockAddr, SockaddrDupAndFree, "SOCK-ADDR-005") {
    unsigned char in[6] = {6, 40, 1, 2, 3, 4};
    struct nke_sockaddr *d = nke_sockaddr_dup(reinterpret_cast<const nke_sockaddr *>(in));
    ASSERT_NE(d, nullptr);
    EXPECT_NE(static_cast<void *>(d), static_cast<void *>(in));
    EXPECT_EQ(std::memcmp(d, in, 6), 0);
    EXPECT_EQ(d->sa_data[13], d->sa_data[13]) << "16 bytes are readable";
    nke_sockaddr_free(d);
    nke_sockaddr_free(nullptr);
    EXPECT_EQ(nke_sockaddr_dup(nullptr), nullptr);
    unsigned char tiny[2] = {1, 40};
    EXPECT_EQ(nke_sockaddr_dup(reinterpret_cast<const nke_sockaddr *>(tiny)), nullptr);
}

NKE_TEST(SockAddr, SockaddrDupFailsWithoutMemory, "SOCK-ADDR-005") {
    NKE_REQUIRE_HOOK(fail_alloc);
    unsigned char in[16] = {16, 40};
    nke::test::FailAlloc fail(1, true);
    EXPECT_EQ(nke_sockaddr_dup(reinterpret_cast<const nke_sockaddr *>(in)), nullptr);
}
