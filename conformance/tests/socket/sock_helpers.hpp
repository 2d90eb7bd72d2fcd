// Helpers shared by the domain, socket and sockfilter conformance tests.
// ABI and harness only; the protocol families are the fixtures in
// conformance/fixtures (NKEs written against the public KPI).
#pragma once

#include "nke_test.hpp"

#include <sys/ioctl.h>

#include <string>
#include <thread>
#include <utility>

#include "loopdomain.hpp"
#include "probefilter.hpp"
#include "probeproto.hpp"

namespace nke::test {

namespace loop = nke::test::loop;
namespace probe = nke::test::probe;

// Closes a descriptor at the end of a scope unless released.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd &operator=(Fd &&o) noexcept {
        reset();
        fd_ = std::exchange(o.fd_, -1);
        return *this;
    }
    int get() const { return fd_; }
    operator int() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }
    void reset() {
        if (fd_ >= 0) (void)nke_close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

inline Fd loop_socket(int type) { return Fd(nke_socket(loop::kFamily, type, 0)); }

// A bound, listening loop stream socket.
inline Fd loop_listener(uint16_t port, int backlog = 5) {
    Fd l = loop_socket(SOCK_STREAM);
    const auto a = loop::addr(port);
    EXPECT_EQ(nke_bind(l, loop::sa(a), loop::kAddrLen), 0);
    EXPECT_EQ(nke_listen(l, backlog), 0);
    return l;
}

// A connected loop stream pair through a listener on port: {client, server}.
inline std::pair<Fd, Fd> loop_pair(int listener, uint16_t port) {
    Fd c = loop_socket(SOCK_STREAM);
    const auto a = loop::addr(port);
    EXPECT_EQ(nke_connect(c, loop::sa(a), loop::kAddrLen), 0);
    Fd s(nke_accept(listener, nullptr, nullptr));
    EXPECT_GE(s.get(), NKE_FD_FIRST);
    return {std::move(c), std::move(s)};
}

// A bound loop datagram socket.
inline Fd loop_dgram(uint16_t port) {
    Fd d = loop_socket(SOCK_DGRAM);
    const auto a = loop::addr(port);
    EXPECT_EQ(nke_bind(d, loop::sa(a), loop::kAddrLen), 0);
    return d;
}

inline int set_nbio(int fd, bool on) {
    int v = on ? 1 : 0;
    return nke_ioctl(fd, FIONBIO, &v);
}

inline int readable(int fd) {
    int n = -1;
    EXPECT_EQ(nke_ioctl(fd, FIONREAD, &n), 0);
    return n;
}

inline int get_int_opt(int fd, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    EXPECT_EQ(nke_getsockopt(fd, SOL_SOCKET, name, &v, &len), 0);
    return v;
}

inline ssize_t send_str(int fd, const std::string &s, int flags = 0) {
    return nke_send(fd, s.data(), s.size(), flags);
}

inline std::string recv_str(int fd, size_t max, int flags = 0) {
    std::string buf(max, '\0');
    const ssize_t n = nke_recv(fd, buf.data(), max, flags);
    if (n < 0) return "<error " + std::to_string(errno) + ">";
    buf.resize(static_cast<size_t>(n));
    return buf;
}

// recvmsg into one buffer, returning the data and msg_flags.
inline std::string recvmsg_str(int fd, size_t max, int *msg_flags, int flags = 0) {
    std::string buf(max, '\0');
    struct iovec v{buf.data(), max};
    struct msghdr msg{};
    msg.msg_iov = &v;
    msg.msg_iovlen = 1;
    const ssize_t n = nke_recvmsg(fd, &msg, flags);
    if (n < 0) return "<error " + std::to_string(errno) + ">";
    if (msg_flags) *msg_flags = msg.msg_flags;
    buf.resize(static_cast<size_t>(n));
    return buf;
}

// The counters a socket-side test cares about, for "nothing changed".
struct Refs {
    int dom_refs;
    int pr_refs;
    uint64_t sockets;
    uint64_t descriptors;
    uint64_t kextcbs;
};
inline Refs refs(const struct domain &d, const struct protosw &p) {
    const auto c = nke::test::counters();
    return {d.dom_refs, p.pr_refs, c.sockets, c.descriptors, c.kextcbs};
}
inline bool operator==(const Refs &a, const Refs &b) {
    return a.dom_refs == b.dom_refs && a.pr_refs == b.pr_refs && a.sockets == b.sockets &&
           a.descriptors == b.descriptors && a.kextcbs == b.kextcbs;
}
inline std::ostream &operator<<(std::ostream &os, const Refs &r) {
    return os << "{dom_refs " << r.dom_refs << ", pr_refs " << r.pr_refs << ", sockets " << r.sockets
              << ", descriptors " << r.descriptors << ", kextcbs " << r.kextcbs << "}";
}

}  // namespace nke::test
