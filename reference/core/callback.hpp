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

class CallbackScope {
public:
    explicit CallbackScope(Module *owner) noexcept;
    ~CallbackScope();
    CallbackScope(const CallbackScope &) = delete;
    CallbackScope &operator=(const CallbackScope &) = delete;

private:
    Module *owner_;
};

// Depth of nested NKE callbacks on this thread (0: not inside one).
int callback_depth() noexcept;

}  // namespace nke::ref
