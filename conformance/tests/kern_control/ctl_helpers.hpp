// Helpers for the kernel-controller tests: a controller whose callbacks
// record what they see and answer what the test asks, control sockets, and
// addresses.  ABI only.
#pragma once

#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "../kern_event/kev_helpers.hpp"

namespace nke::test {

// A controller id no other test of this process uses (tests may share a
// process in batch mode).  'T','C' in the high bytes; the module tests use
// other ids.
inline uint32_t fresh_ctl_id() {
    static std::atomic<uint32_t> next{0x54430001};
    return next.fetch_add(1);
}

inline sockaddr_ctl ctl_addr(uint32_t id, uint32_t unit = 0) {
    sockaddr_ctl a{};
    a.sc_len = sizeof a;
    a.sc_family = AF_SYSTEM;
    a.ss_sysaddr = AF_SYS_CONTROL;
    a.sc_id = id;
    a.sc_unit = unit;
    return a;
}

inline int connect_ctl(int fd, const sockaddr_ctl &a, socklen_t len = sizeof(sockaddr_ctl)) {
    return nke_connect(fd, reinterpret_cast<const struct sockaddr *>(&a), len);
}

inline int control_socket() { return nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL); }

// The bytes of an mbuf chain.
inline std::string chain_bytes(struct mbuf *m) {
    std::string s;
    for (; m; m = m->m_next) {
        s.append(m->m_data, static_cast<size_t>(m->m_len));
    }
    return s;
}

// A one-record mbuf chain holding `bytes` (a packet header, then clusters).
inline struct mbuf *make_chain(const std::string &bytes) {
    return m_devget(bytes.data(), static_cast<int>(bytes.size()), 0, nullptr);
}

enum CtlCallbacks : unsigned {
    kCbConnect = 1,
    kCbDisconnect = 2,
    kCbWrite = 4,
    kCbSet = 8,
    kCbGet = 16,
    kCbAll = 31,
};

// What the callbacks saw, and what they answer.
struct CtlRecorder {
    // Answers.
    int connect_rc = 0;
    int write_rc = 0;
    int set_rc = 0;
    int get_rc = 0;
    std::string get_reply = "reply";            // what ctl_get writes (up to *len)
    long get_report = -1;                       // if >= 0: the length ctl_get reports
    bool write_frees = true;                    // ctl_write frees m (else it keeps it)
    // Extra actions run inside the callbacks, with the recorder.
    std::function<void()> in_connect, in_disconnect, in_write, in_set, in_get;

    // What was seen.
    int connects = 0, disconnects = 0, writes = 0, sets = 0, gets = 0;
    std::vector<kern_ctl_ref> refs;             // first argument of every call
    std::vector<void *> userdatas;              // second argument of every call
    std::vector<std::string> written;           // payload of each ctl_write
    std::vector<bool> write_shape_ok;           // M_PKTHDR, pkthdr.len == chain, no nextpkt
    std::vector<struct mbuf *> kept;            // chains kept by ctl_write (write_frees false)
    struct Set {
        int opt;
        bool data_null;
        std::string data;
        size_t len;
        const void *ptr;
    };
    std::vector<Set> set_calls;
    struct Get {
        int opt;
        bool data_null;
        size_t len_in;
    };
    std::vector<Get> get_calls;

    ~CtlRecorder() {
        for (struct mbuf *m : kept) m_freem(m);
    }

    void seen(kern_ctl_ref ref, void *ud) {
        refs.push_back(ref);
        userdatas.push_back(ud);
    }

    static CtlRecorder &of(void *ud) { return *static_cast<CtlRecorder *>(ud); }

    static int on_connect(kern_ctl_ref ref, void *ud) {
        auto &r = of(ud);
        r.seen(ref, ud);
        ++r.connects;
        if (r.in_connect) r.in_connect();
        return r.connect_rc;
    }
    static void on_disconnect(kern_ctl_ref ref, void *ud) {
        auto &r = of(ud);
        r.seen(ref, ud);
        ++r.disconnects;
        if (r.in_disconnect) r.in_disconnect();
    }
    static int on_write(kern_ctl_ref ref, void *ud, struct mbuf *m) {
        auto &r = of(ud);
        r.seen(ref, ud);
        ++r.writes;
        bool ok = m != nullptr && (m->m_flags & M_PKTHDR) && m->m_nextpkt == nullptr;
        if (ok) {
            long total = 0;
            for (struct mbuf *n = m; n; n = n->m_next) total += n->m_len;
            ok = total == m->m_pkthdr.len;
        }
        r.write_shape_ok.push_back(ok);
        r.written.push_back(chain_bytes(m));
        if (r.in_write) r.in_write();
        if (r.write_frees) m_freem(m);
        else r.kept.push_back(m);
        return r.write_rc;
    }
    static int on_set(kern_ctl_ref ref, void *ud, int opt, void *data, size_t len) {
        auto &r = of(ud);
        r.seen(ref, ud);
        ++r.sets;
        r.set_calls.push_back({opt, data == nullptr,
                               data ? std::string(static_cast<const char *>(data), len) : "", len,
                               data});
        if (r.in_set) r.in_set();
        return r.set_rc;
    }
    static int on_get(kern_ctl_ref ref, void *ud, int opt, void *data, size_t *len) {
        auto &r = of(ud);
        r.seen(ref, ud);
        ++r.gets;
        r.get_calls.push_back({opt, data == nullptr, *len});
        if (r.in_get) r.in_get();
        if (r.get_rc == 0 || r.get_rc == EJUSTRETURN) {
            if (data) {
                std::memcpy(data, r.get_reply.data(), std::min(*len, r.get_reply.size()));
            }
            *len = r.get_report >= 0 ? static_cast<size_t>(r.get_report) : r.get_reply.size();
        }
        return r.get_rc;
    }
};

// A registered controller, deregistered on destruction.  Not movable: its
// recorder is the controller's userdata.
class TestController {
public:
    struct Options {
        uint32_t id = 0;        // 0: a fresh id
        uint32_t unit = 0;
        uint32_t flags = 0;
        uint32_t sendsize = 0;
        uint32_t recvsize = 0;
        unsigned callbacks = kCbAll;
    };
    TestController() : TestController(Options{}) {}
    explicit TestController(const Options &o) {
        reg_.ctl_id = o.id ? o.id : fresh_ctl_id();
        reg_.ctl_unit = o.unit;
        reg_.ctl_flags = o.flags;
        reg_.ctl_sendsize = o.sendsize;
        reg_.ctl_recvsize = o.recvsize;
        if (o.callbacks & kCbConnect) reg_.ctl_connect = CtlRecorder::on_connect;
        if (o.callbacks & kCbDisconnect) reg_.ctl_disconnect = CtlRecorder::on_disconnect;
        if (o.callbacks & kCbWrite) reg_.ctl_write = CtlRecorder::on_write;
        if (o.callbacks & kCbSet) reg_.ctl_set = CtlRecorder::on_set;
        if (o.callbacks & kCbGet) reg_.ctl_get = CtlRecorder::on_get;
        rc_ = ctl_register(&reg_, &rec, &ref_);
        EXPECT_EQ(rc_, 0) << "ctl_register";
    }
    ~TestController() {
        if (rc_ == 0 && ref_) {
            EXPECT_EQ(ctl_deregister(ref_), 0) << "cleanup ctl_deregister";
        }
    }
    TestController(const TestController &) = delete;
    TestController &operator=(const TestController &) = delete;

    int rc() const { return rc_; }
    kern_ctl_ref ref() const { return ref_; }
    uint32_t id() const { return reg_.ctl_id; }
    uint32_t unit() const { return reg_.ctl_unit; }
    sockaddr_ctl addr() const { return ctl_addr(reg_.ctl_id, reg_.ctl_unit); }
    // Deregister now (the destructor then does nothing).
    int deregister() {
        const int rc = ctl_deregister(ref_);
        if (rc == 0) ref_ = nullptr;
        return rc;
    }
    // Forget the registration (the test deregistered it some other way).
    void forget() { ref_ = nullptr; }

    CtlRecorder rec;

private:
    kern_ctl_reg reg_{};
    kern_ctl_ref ref_ = nullptr;
    int rc_ = -1;
};

// A control socket connected to `c` (asserting success through EXPECTs).
inline Fd connected_client(const TestController &c) {
    Fd fd(control_socket());
    EXPECT_GE(fd.get(), NKE_FD_FIRST) << std::strerror(errno);
    const sockaddr_ctl a = c.addr();
    EXPECT_EQ(connect_ctl(fd.get(), a), 0) << "connect: " << std::strerror(errno);
    return fd;
}

// Receive one record without blocking; the bytes, or nullopt on EWOULDBLOCK.
inline std::optional<std::string> recv_record(int fd, size_t cap = 65536, int *msg_flags = nullptr,
                                              int flags = MSG_DONTWAIT) {
    std::string buf(cap, '\0');
    iovec iov{buf.data(), buf.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    const ssize_t n = nke_recvmsg(fd, &msg, flags);
    if (n < 0) {
        EXPECT_EQ(errno, EWOULDBLOCK) << "recvmsg: " << std::strerror(errno);
        return std::nullopt;
    }
    if (msg_flags) *msg_flags = msg.msg_flags;
    buf.resize(static_cast<size_t>(n));
    return buf;
}

inline int sockopt_int(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    EXPECT_EQ(nke_getsockopt(fd, level, name, &v, &len), 0) << std::strerror(errno);
    return v;
}

}  // namespace nke::test
