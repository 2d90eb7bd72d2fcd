#include "socket/funnel.hpp"

#include <cassert>

namespace nke::ref {

namespace {
// The calling thread's recursion depth on the funnel (0: not held).  Only
// the thread itself reads or writes it, so it needs no synchronisation; it
// is exact because the process has one funnel.  initial-exec and constant
// initialisation: a plain %fs-relative access, no __tls_get_addr call and
// no TLS guard.
[[gnu::tls_model("initial-exec")]] constinit thread_local int t_depth = 0;
}  // namespace

constinit Funnel Funnel::instance_;

void Funnel::lock() noexcept {
    if (t_depth++ == 0) mu_.lock();  // deeper levels: we already hold mu_
}

void Funnel::unlock() noexcept {
    assert(held());
    if (--t_depth == 0) mu_.unlock();
}

bool Funnel::held() const noexcept { return t_depth > 0; }

int Funnel::depth() const noexcept { return t_depth; }

void Funnel::wait(std::condition_variable &cv) noexcept {
    assert(held());
    // Give up every level: the thread that will wake us may need the funnel
    // at any depth of its own, and ours is meaningless while we sleep.
    const int saved = t_depth;
    t_depth = 0;
    {
        std::unique_lock<std::mutex> lk(mu_, std::adopt_lock);
        cv.wait(lk);
        lk.release();  // keep mu_ locked: we own the funnel again
    }
    t_depth = saved;
}

}  // namespace nke::ref
