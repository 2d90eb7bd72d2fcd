// The network funnel (docs/architecture.md §5; spec/concurrency.md).
//
// Locking design of the socket side
// ---------------------------------
// Mac OS X 10.1–10.3 ran the whole BSD network stack under one "network
// funnel", and NKE code was written for that world: a protocol's pru_send
// calls sbappend on another socket, a filter's hook calls soisconnected, a
// controller's ctl_write calls ctl_enqueuedata.  The reference keeps that
// model for everything socket-shaped:
//
//   * ONE recursive mutex guards all socket-side state: the descriptor
//     table, every struct socket and sockbuf, the domain and protosw lists,
//     dom_refs/pr_refs, the socket-filter registry and every kextcb chain,
//     and (in other chapters) kernel controllers and event sockets.
//   * Every KPI entry point of those chapters takes it (FunnelGuard), so an
//     NKE's own thread may call sbappend or ctl_enqueuedata at any time.
//   * Callbacks into NKEs (usrreqs, dom_init, pr_init, socket-filter hooks,
//     controller callbacks) run with it held.  Because it is recursive, a
//     callback may call any kernel-side KPI (CONC-CB-001).
//   * A user call that must block (a receive on an empty socket, accept
//     with no connection, a send on a full buffer, a connect in progress)
//     releases ALL recursion levels while it waits and restores them before
//     it returns (Funnel::wait).  Only user-side calls (nke_*) block, and
//     they are refused inside callbacks (EDEADLK), so at a wait point the
//     recursion depth is that of the system-call layer alone; releasing
//     every level is what lets the thread that will deliver the data in.
//
// Lock order: funnel -> DLIL locks -> module registry lock -> allocator
// locks.  Nothing takes the funnel while holding one of the later locks.
// The loader's mutex is taken before the funnel (a stop routine may call
// unregister_sockfilter); nothing holding the funnel takes the loader's
// mutex, because kmod_load/kmod_unload refuse to run inside callbacks.
//
// Wake-ups.  A waiter sleeps on a WaitChannel (a condition variable used
// only with the funnel's mutex).  Wake-ups are broadcasts and every waiter
// re-checks its own condition in a loop, so a spurious or shared wake-up is
// harmless; this keeps the state machine in one place (the waiting code).
#pragma once

#include <condition_variable>
#include <mutex>

namespace nke::ref {

class Funnel {
public:
    // The one funnel of the process.  Inline and constant-initialised: it is
    // asked for on every KPI call (a dozen times per send or receive), and a
    // function-local static would cost a guard check each time.
    static Funnel &get() noexcept { return instance_; }

    // Recursive: a thread that already holds the funnel just goes one
    // level deeper.
    void lock() noexcept;
    void unlock() noexcept;

    // True when the calling thread holds the funnel (any depth).
    bool held() const noexcept;
    // Recursion depth of the calling thread (0 when it does not hold it).
    int depth() const noexcept;

    // Block until cv is notified (spurious wake-ups are possible: callers
    // loop on their condition).  The caller must hold the funnel; all its
    // recursion levels are released while blocked and restored afterwards.
    void wait(std::condition_variable &cv) noexcept;

private:
    constexpr Funnel() noexcept = default;
    // std::mutex has a trivial destructor here, so no destructor is
    // registered and a thread that still runs during static destruction
    // finds a usable funnel.
    static Funnel instance_;
    std::mutex mu_;
    // There is exactly one funnel, so "does this thread hold it, and how
    // deeply" is a per-thread recursion count (funnel.cpp, t_depth) rather
    // than an owner id compared with pthread_self() on every lock.
};
// RAII: hold the funnel for a scope.
class FunnelGuard {
public:
    FunnelGuard() noexcept { Funnel::get().lock(); }
    ~FunnelGuard() { Funnel::get().unlock(); }
    FunnelGuard(const FunnelGuard &) = delete;
    FunnelGuard &operator=(const FunnelGuard &) = delete;
};

// Something threads can sleep on under the funnel.  Waking is a broadcast.
class WaitChannel {
public:
    // Release the funnel entirely, sleep until woken (or spuriously), take
    // the funnel back at the same depth.  Funnel must be held.
    void sleep() noexcept { Funnel::get().wait(cv_); }
    // Wake every sleeper.  May be called with or without the funnel.
    void wake_all() noexcept { cv_.notify_all(); }

private:
    std::condition_variable cv_;
};

}  // namespace nke::ref
