#include "fz_domain.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "fuzz_common.hpp"

namespace nke::fuzz {
namespace {

thread_local struct socket *t_last = nullptr;

int fz_attach(struct socket *so, int, struct proc *) {
    const int rc = soreserve(so, 4096, 8192);
    if (rc == 0) t_last = so;
    return rc;
}
int fz_detach(struct socket *) { return 0; }

struct pr_usrreqs g_usrreqs = [] {
    struct pr_usrreqs u{};
    u.pru_attach = fz_attach;
    u.pru_detach = fz_detach;
    return u;
}();

struct protosw g_pr = [] {
    struct protosw p{};
    p.pr_type = SOCK_DGRAM;
    p.pr_protocol = kFzProto;
    p.pr_flags = PR_ATOMIC | PR_ADDR;
    p.pr_usrreqs = &g_usrreqs;
    return p;
}();

struct domain g_dom = [] {
    struct domain d{};
    d.dom_family = kFzFamily;
    d.dom_name = "fuzz";
    d.dom_protosw = &g_pr;
    return d;
}();

}  // namespace

struct protosw *fz_protosw() {
    static const int rc = net_add_domain(&g_dom);
    if (rc != 0) fail(__FILE__, __LINE__, "net_add_domain(fuzz) = %d", rc);
    return &g_pr;
}

struct socket *fz_last_attached() { return t_last; }

}  // namespace nke::fuzz
