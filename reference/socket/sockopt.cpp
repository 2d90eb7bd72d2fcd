// Socket options (spec/socket.md, SOCK-OPT-*).
//
// The socket filters' sf_socontrol runs first for every option, at any
// level (hist §3.5): an error is returned, EJUSTRETURN ends the call with
// success (a GET answered by the filter is copied out like any other).
// Then SOL_SOCKET options are handled here and every other level goes to
// the protocol's pr_ctloutput.  The sockopt always holds a kernel copy of
// the value (SET) or a kernel buffer of the caller's size (GET).
#include "core/callback.hpp"
#include "socket/socket_impl.hpp"
#include "socket/usrreq.hpp"
#include "sockfilter/hooks.hpp"
#include "sockfilter/registry.hpp"

#include <nke/syscalls.h>

#include <algorithm>
#include <cstring>

namespace nke::ref::sock {
namespace {

int ctloutput(struct socket *so, struct sockopt *sopt) noexcept {
    const auto fn = so->so_proto->pr_ctloutput;
    if (fn == nullptr) return ENOPROTOOPT;
    CallbackScope scope(proto_owner(so));
    return user_result(fn(so, sopt));
}

int get_int(struct sockopt *sopt, int &v) noexcept { return sopt_copyin(sopt, &v, sizeof v, sizeof v); }

int put_int(struct sockopt *sopt, int v) noexcept { return sopt_copyout(sopt, &v, sizeof v); }

}  // namespace

int sopt_copyin(struct sockopt *sopt, void *buf, size_t len, size_t minlen) noexcept {
    if (sopt == nullptr || (buf == nullptr && len > 0)) return EINVAL;
    if (sopt->sopt_valsize < minlen) return EINVAL;
    const size_t n = std::min(len, sopt->sopt_valsize);
    if (n > 0) {
        if (sopt->sopt_val == nullptr) return EFAULT;
        std::memcpy(buf, sopt->sopt_val, n);
    }
    return 0;
}

int sopt_copyout(struct sockopt *sopt, const void *buf, size_t len) noexcept {
    if (sopt == nullptr || (buf == nullptr && len > 0)) return EINVAL;
    const size_t n = std::min(len, sopt->sopt_valsize);
    if (sopt->sopt_val != nullptr && n > 0) std::memcpy(sopt->sopt_val, buf, n);
    sopt->sopt_valsize = n;
    return 0;
}

int sosetopt(struct socket *so, struct sockopt *sopt) noexcept {
    const int rc = sf::sockif_chain<&sockif::sf_socontrol>(so, sopt);
    if (rc == EJUSTRETURN) return 0;
    if (rc != 0) return user_result(rc);
    // Other levels belong to the protocol; SOL_SOCKET never reaches it
    // (history called it after a successful SOL_SOCKET option and ignored
    // the result, SOCK-OPT-012).
    if (sopt->sopt_level != SOL_SOCKET) return ctloutput(so, sopt);
    int v = 0;
    switch (sopt->sopt_name) {
    case SO_NKE:
        return sf::insert_so_nke(so, sopt);
    case SO_DONTTRUNC:
        if (const int e = get_int(sopt, v); e != 0) return e;
        if (v) so->so_options |= SOF_DONTTRUNC;
        else so->so_options &= ~SOF_DONTTRUNC;
        return 0;
    case SO_SNDBUF:
    case SO_RCVBUF:
        if (const int e = get_int(sopt, v); e != 0) return e;
        if (v < 1) return EINVAL;
        return sbreserve(sopt->sopt_name == SO_SNDBUF ? so->so_snd : so->so_rcv,
                         static_cast<uint32_t>(v));
    default:
        return ENOPROTOOPT;
    }
}

int sogetopt(struct socket *so, struct sockopt *sopt) noexcept {
    const int rc = sf::sockif_chain<&sockif::sf_socontrol>(so, sopt);
    if (rc == EJUSTRETURN) return 0;
    if (rc != 0) return user_result(rc);
    if (sopt->sopt_level != SOL_SOCKET) return ctloutput(so, sopt);
    switch (sopt->sopt_name) {
    case SO_DONTTRUNC:
        return put_int(sopt, (so->so_options & SOF_DONTTRUNC) ? 1 : 0);
    case SO_SNDBUF:
        return put_int(sopt, static_cast<int>(so->so_snd.sb_hiwat));
    case SO_RCVBUF:
        return put_int(sopt, static_cast<int>(so->so_rcv.sb_hiwat));
    case SO_TYPE:
        return put_int(sopt, so->so_type);
    case SO_ACCEPTCONN:
        return put_int(sopt, (so->so_options & SOF_ACCEPTCONN) ? 1 : 0);
    case SO_ERROR: {
        const int error = so->so_error;
        so->so_error = 0;  // reading the pending error clears it
        return put_int(sopt, error);
    }
    default:  // SO_NKE included: it can only be set (hist §3.4)
        return ENOPROTOOPT;
    }
}

}  // namespace nke::ref::sock
