// Calling socket-filter hooks (spec/sockfilter.md, SF-HOOK-*).
//
// The socket layer calls these at its call sites: every filter on the
// socket, in chain order (head first), skipping filters without the hook;
// each call runs inside a CallbackScope of the filter's module so that the
// module cannot be unmapped under it and user-side calls refuse to run.
// The first non-zero result stops the chain and is returned; the call site
// decides what it means (error, EJUSTRETURN, "skip the operation").
//
// The chain cannot change under the loop: filters are inserted only by
// nke_setsockopt (refused inside callbacks), removed only when the socket is
// freed, and a socket is never freed while a call on it is in progress.
#pragma once

#include "core/callback.hpp"
#include "socket/socket_impl.hpp"
#include "sockfilter/registry.hpp"

namespace nke::ref::sf {

// Run sockif hook `Hook` of every filter on so.
template <auto Hook, class... Args>
int sockif_chain(struct socket *so, Args... args) noexcept {
    for (kextcb *kp = so->so_ext; kp; kp = kp->e_next) {
        const sockif *soif = kp->e_soif;
        if (soif == nullptr) continue;
        const auto fn = soif->*Hook;
        if (fn == nullptr) continue;
        int rc;
        {
            CallbackScope scope(owner_of(*kp));
            rc = fn(so, args..., kp);
        }
        if (rc != 0) return rc;
    }
    return 0;
}

// Run sockutil hook `Hook` of every filter on the socket that owns sb.
template <auto Hook, class... Args>
int sockutil_chain(struct sockbuf *sb, Args... args) noexcept {
    struct socket *so = sb->sb_so;
    for (kextcb *kp = so->so_ext; kp; kp = kp->e_next) {
        const sockutil *sout = kp->e_sout;
        if (sout == nullptr) continue;
        const auto fn = sout->*Hook;
        if (fn == nullptr) continue;
        int rc;
        {
            CallbackScope scope(owner_of(*kp));
            rc = fn(sb, args..., kp);
        }
        if (rc != 0) return rc;
    }
    return 0;
}

// The common "post-hook" convention (sobind, solisten, soaccept,
// soconnect2, sodisconnect): an error is returned, EJUSTRETURN stops the
// chain and reports success (SF-HOOK-002).
inline int post_result(int rc) noexcept { return rc == EJUSTRETURN ? 0 : rc; }

}  // namespace nke::ref::sf
