// Hand-made domains and protosws for the registration tests: static
// callbacks that log their calls, so a test can check what ran and when.
#pragma once

#include "sock_helpers.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace nke::test::domtest {

inline std::mutex &log_mu() {
    static std::mutex m;
    return m;
}
inline std::vector<std::string> &init_log() {
    static std::vector<std::string> v;
    return v;
}
inline void note(const std::string &s) {
    std::lock_guard lk(log_mu());
    init_log().push_back(s);
}
inline std::vector<std::string> take_log() {
    std::lock_guard lk(log_mu());
    return std::exchange(init_log(), {});
}

inline int attach_ok(struct socket *so, int, struct proc *) { return soreserve(so, 4096, 4096); }

inline struct pr_usrreqs &basic_usrreqs() {
    static struct pr_usrreqs u = [] {
        struct pr_usrreqs x{};
        x.pru_attach = attach_ok;
        return x;
    }();
    return u;
}

// A domain of `family` with protosws chained on dom_protosw.
struct TestDomain {
    struct domain d{};
    struct protosw p[4]{};
    explicit TestDomain(int family, int nprotos = 0, void (*init)() = nullptr) {
        d.dom_family = family;
        d.dom_name = "test";
        d.dom_init = init;
        for (int i = 0; i < nprotos; ++i) {
            p[i].pr_type = SOCK_DGRAM;
            p[i].pr_protocol = static_cast<int16_t>(i + 1);
            p[i].pr_usrreqs = &basic_usrreqs();
            p[i].pr_next = i + 1 < nprotos ? &p[i + 1] : nullptr;
        }
        d.dom_protosw = nprotos ? &p[0] : nullptr;
    }
    ~TestDomain() {
        if (pffinddomain(d.dom_family) == &d) (void)net_del_domain(&d);
    }
    TestDomain(const TestDomain &) = delete;
    TestDomain &operator=(const TestDomain &) = delete;
};

// A stand-alone protosw for net_add_proto.
struct TestProto {
    struct protosw p{};
    explicit TestProto(int type, int protocol, void (*init)() = nullptr) {
        p.pr_type = static_cast<int16_t>(type);
        p.pr_protocol = static_cast<int16_t>(protocol);
        p.pr_usrreqs = &basic_usrreqs();
        p.pr_init = init;
    }
};

}  // namespace nke::test::domtest
