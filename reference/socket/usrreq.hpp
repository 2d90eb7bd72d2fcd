// Calling a protocol's user requests (spec/domain.md, PROTO-USRREQ-*).
//
// A NULL entry means "not supported": the caller gets EOPNOTSUPP and
// nothing is called (PROTO-USRREQ-002).  Every call runs inside a
// CallbackScope of the protosw's module, and its result is read as a user
// result (0 and EJUSTRETURN succeed, a negative value is EIO).
#pragma once

#include "core/callback.hpp"
#include "core/proc.hpp"
#include "domain/domain_table.hpp"
#include "socket/socket_impl.hpp"

namespace nke::ref::sock {

inline Module *proto_owner(const struct socket *so) noexcept { return so->so_entry->owner(); }

template <auto Member>
bool has_usrreq(const struct socket *so) noexcept {
    return so->so_proto->pr_usrreqs->*Member != nullptr;
}

template <auto Member, class... Args>
int call_usrreq(struct socket *so, Args... args) noexcept {
    const auto fn = so->so_proto->pr_usrreqs->*Member;
    if (fn == nullptr) return EOPNOTSUPP;
    CallbackScope scope(proto_owner(so));
    return user_result(fn(args...));
}

}  // namespace nke::ref::sock
