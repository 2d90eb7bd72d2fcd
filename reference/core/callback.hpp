// Calls from the stack into NKE code (spec/concurrency.md, CONC-CB-*).
//
// Every subsystem wraps each call into an NKE callback in a CallbackScope.
// The scope (1) lets the user-side calls and the loader refuse to run from
// inside a callback (EDEADLK), and (2) counts the calls in flight in the
// owning module, so that a module is never unloaded while a thread runs its
// code (KMOD-UNLOAD-004).  With no owning module (an NKE linked into the
// program itself) the scope costs two thread-local stores.
#pragma once

namespace nke::ref {

struct Module;

namespace callback_detail {
// Depth of nested NKE callbacks on this thread.  Declared here so that the
// scopes' fast path (no owning module: the common case on the DLIL data
// path) is inline.  initial-exec and constinit: a plain %fs-relative access,
// with no __tls_get_addr call and no TLS wrapper.
[[gnu::tls_model("initial-exec")]] extern constinit thread_local int t_depth;
// The owning module's half of a scope: counts the call in flight.
void owner_enter(Module *owner) noexcept;
void owner_leave(Module *owner) noexcept;
// Entering and leaving a scope, for CallbackScope and the DLIL's OwnerScope.
inline void enter(Module *owner) noexcept {
    ++t_depth;
    if (owner) owner_enter(owner);
}
inline void leave(Module *owner) noexcept {
    if (owner) owner_leave(owner);
    --t_depth;
}
}  // namespace callback_detail

class CallbackScope {
public:
    explicit CallbackScope(Module *owner) noexcept : owner_(owner) { callback_detail::enter(owner_); }
    ~CallbackScope() { callback_detail::leave(owner_); }
    CallbackScope(const CallbackScope &) = delete;
    CallbackScope &operator=(const CallbackScope &) = delete;

private:
    Module *owner_;
};

// Depth of nested NKE callbacks on this thread (0: not inside one).
inline int callback_depth() noexcept { return callback_detail::t_depth; }

}  // namespace nke::ref
