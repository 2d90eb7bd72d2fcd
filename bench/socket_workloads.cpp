// Socket and kernel-control workloads (spec/socket.md, spec/sockfilter.md,
// spec/kern_control.md):
//
//  - sock/dgram_sendrecv_fN: one 64-byte datagram sent to the socket's own
//    port and received back (nke_sendto + nke_recv) on the loopback test
//    family (conformance/fixtures/loopdomain), with N pass-through global
//    socket filters on its protosw.  Each filter implements the hooks the
//    send/receive path reaches (sf_sosend, sf_soreceive, su_sbappendaddr,
//    su_sbappendrecord, su_sbdroprecord, sf_sowakeup) and returns 0.  The
//    baseline of f1 and f4 is f0, so the ratio is the cost the filters add.
//  - ctl/enqueuedata_recv: a controller's ctl_enqueuedata of 64 bytes and
//    the client's nke_recv of them; ctl/send_write: the client's nke_send of
//    64 bytes, delivered to ctl_write.  Baseline: a host
//    socketpair(AF_UNIX, SOCK_DGRAM) send + recv of 64 bytes.
#include "workload.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopdomain.hpp"  // last: <nke/nke.h> defines m_* macros

namespace nke::bench {
namespace {

namespace loop = nke::test::loop;

constexpr size_t kMsg = 64;

void check(bool ok, const char *what) {
    if (!ok) throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// --- the host baseline ------------------------------------------------------------

class UnixPair final : public Case {
public:
    UnixPair() { check(::socketpair(AF_UNIX, SOCK_DGRAM, 0, sv_) == 0, "socketpair"); }
    ~UnixPair() override {
        ::close(sv_[0]);
        ::close(sv_[1]);
    }
    void run(int64_t n) override {
        for (int64_t i = 0; i < n; ++i) {
            (void)::send(sv_[0], buf_, kMsg, 0);
            (void)::recv(sv_[1], buf_, kMsg, 0);
        }
    }

private:
    int sv_[2] = {-1, -1};
    char buf_[kMsg] = {};
};

const Register unix_pair{{"baseline/unix_dgram_sendrecv", "", 0, 1,
                          [] { return std::make_unique<UnixPair>(); },
                          "host socketpair(AF_UNIX, SOCK_DGRAM): send + recv of 64 bytes"}};

// --- socket filters ------------------------------------------------------------------

std::atomic<uint64_t> g_hook_calls{0};
inline int pass() {
    g_hook_calls.fetch_add(1, std::memory_order_relaxed);
    return 0;
}
int f_sosend(struct socket *, nke_sockaddr **, struct uio **, struct mbuf **, struct mbuf **, int *,
             struct kextcb *) {
    return pass();
}
int f_soreceive(struct socket *, nke_sockaddr **, struct uio **, struct mbuf **, struct mbuf **,
                int *, struct kextcb *) {
    return pass();
}
int f_sowakeup(struct socket *, struct sockbuf *, struct kextcb *) { return pass(); }
int f_sbappendaddr(struct sockbuf *, const nke_sockaddr *, struct mbuf *, struct mbuf *,
                   struct kextcb *) {
    return pass();
}
int f_sbappendrecord(struct sockbuf *, struct mbuf *, struct kextcb *) { return pass(); }
int f_sbdroprecord(struct sockbuf *, struct kextcb *) { return pass(); }

// N global filters on the loop family's datagram protosw.
class Filters {
public:
    explicit Filters(int n) : nfd_(static_cast<size_t>(n)) {
        static unsigned handle = 0x6e6b6200;  // 'nkb'
        soif_.sf_sosend = f_sosend;
        soif_.sf_soreceive = f_soreceive;
        soif_.sf_sowakeup = f_sowakeup;
        sout_.su_sbappendaddr = f_sbappendaddr;
        sout_.su_sbappendrecord = f_sbappendrecord;
        sout_.su_sbdroprecord = f_sbdroprecord;
        for (NFDescriptor &d : nfd_) {
            d.nf_handle = ++handle;
            d.nf_flags = NFD_GLOBAL;
            d.nf_soif = &soif_;
            d.nf_soutil = &sout_;
            check(register_sockfilter(&d, nullptr, &loop::LoopDomain::dgram(), 0) == 0,
                  "register_sockfilter");
        }
    }
    ~Filters() {
        for (NFDescriptor &d : nfd_) unregister_sockfilter(&d, &loop::LoopDomain::dgram(), 0);
    }

private:
    sockif soif_{};
    sockutil sout_{};
    std::vector<NFDescriptor> nfd_;
};

class DgramSelf final : public Case {
public:
    explicit DgramSelf(int filters) : filters_(filters) {
        static uint16_t port = 4000;
        addr_ = loop::addr(++port);
        check(dom_.rc() == 0, "net_add_domain(loop)");
        fd_ = nke_socket(loop::kFamily, SOCK_DGRAM, loop::kDgramProto);
        check(fd_ >= 0, "nke_socket");
        check(nke_bind(fd_, loop::sa(addr_), loop::kAddrLen) == 0, "nke_bind");
    }
    ~DgramSelf() override { nke_close(fd_); }
    void run(int64_t n) override {
        for (int64_t i = 0; i < n; ++i) {
            (void)nke_sendto(fd_, buf_, kMsg, 0, loop::sa(addr_), loop::kAddrLen);
            (void)nke_recv(fd_, buf_, kMsg, 0);
        }
    }

private:
    loop::LoopDomain dom_;  // first in, last out: sockets and filters go before it
    Filters filters_;
    loop::loop_sockaddr addr_{};
    int fd_ = -1;
    char buf_[kMsg] = {};
};

const Register dgram0{{"sock/dgram_sendrecv_f0", "baseline/unix_dgram_sendrecv", 0, 1,
                       [] { return std::make_unique<DgramSelf>(0); },
                       "loop family datagram to self: nke_sendto + nke_recv, no socket filter"}};
const Register dgram1{{"sock/dgram_sendrecv_f1", "sock/dgram_sendrecv_f0", 0, 1,
                       [] { return std::make_unique<DgramSelf>(1); },
                       "the same with 1 pass-through global socket filter"}};
const Register dgram4{{"sock/dgram_sendrecv_f4", "sock/dgram_sendrecv_f0", 0, 1,
                       [] { return std::make_unique<DgramSelf>(4); },
                       "the same with 4 pass-through global socket filters"}};

// --- kernel controllers ---------------------------------------------------------------

int ctl_write_free(kern_ctl_ref, void *, struct mbuf *m) {
    m_freem(m);
    return 0;
}

class Controller {
public:
    Controller() {
        static uint32_t id = 0x6e6b6200;  // 'nkb'
        reg_.ctl_id = ++id;
        reg_.ctl_write = ctl_write_free;
        check(ctl_register(&reg_, nullptr, &ref_) == 0, "ctl_register");
        fd_ = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
        check(fd_ >= 0, "nke_socket(PF_SYSTEM)");
        sockaddr_ctl sc{};
        sc.sc_len = sizeof sc;
        sc.sc_family = AF_SYSTEM;
        sc.ss_sysaddr = AF_SYS_CONTROL;
        sc.sc_id = reg_.ctl_id;
        check(nke_connect(fd_, reinterpret_cast<const struct sockaddr *>(&sc), sizeof sc) == 0,
              "nke_connect");
    }
    ~Controller() {
        nke_close(fd_);
        ctl_deregister(ref_);
    }
    kern_ctl_ref ref() const { return ref_; }
    int fd() const { return fd_; }

private:
    kern_ctl_reg reg_{};
    kern_ctl_ref ref_ = nullptr;
    int fd_ = -1;
};

class CtlEnqueueRecv final : public Case {
public:
    void run(int64_t n) override {
        for (int64_t i = 0; i < n; ++i) {
            (void)ctl_enqueuedata(c_.ref(), buf_, kMsg, 0);
            (void)nke_recv(c_.fd(), buf_, kMsg, 0);
        }
    }

private:
    Controller c_;
    char buf_[kMsg] = {};
};

class CtlSendWrite final : public Case {
public:
    void run(int64_t n) override {
        for (int64_t i = 0; i < n; ++i) (void)nke_send(c_.fd(), buf_, kMsg, 0);
    }

private:
    Controller c_;
    char buf_[kMsg] = {};
};

const Register ctl_rt{{"ctl/enqueuedata_recv", "baseline/unix_dgram_sendrecv", 0, 1,
                       [] { return std::make_unique<CtlEnqueueRecv>(); },
                       "ctl_enqueuedata(64 B) by the controller + nke_recv by its client"}};
const Register ctl_wr{{"ctl/send_write", "baseline/unix_dgram_sendrecv", 0, 1,
                       [] { return std::make_unique<CtlSendWrite>(); },
                       "nke_send(64 B) by the client, delivered to ctl_write (which frees it)"}};

}  // namespace
}  // namespace nke::bench
