#include "socket/funnel.hpp"

#include <cassert>

namespace nke::ref {

Funnel &Funnel::get() noexcept {
    // Constructed on first use.  std::mutex and std::atomic have trivial
    // destructors here, so a thread that still runs during static
    // destruction finds a usable funnel.
    static Funnel f;
    return f;
}

void Funnel::lock() noexcept {
    const auto me = std::this_thread::get_id();
    if (owner_.load(std::memory_order_relaxed) == me) {
        ++depth_;  // we hold mu_, so depth_ is ours
        return;
    }
    mu_.lock();
    owner_.store(me, std::memory_order_relaxed);
    depth_ = 1;
}

void Funnel::unlock() noexcept {
    assert(held());
    if (--depth_ > 0) return;
    owner_.store(std::thread::id{}, std::memory_order_relaxed);
    mu_.unlock();
}

bool Funnel::held() const noexcept {
    return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
}

int Funnel::depth() const noexcept { return held() ? depth_ : 0; }

void Funnel::wait(std::condition_variable &cv) noexcept {
    assert(held());
    // Give up every level: the thread that will wake us may need the funnel
    // at any depth of its own, and ours is meaningless while we sleep.
    const int saved = depth_;
    depth_ = 0;
    owner_.store(std::thread::id{}, std::memory_order_relaxed);
    {
        std::unique_lock<std::mutex> lk(mu_, std::adopt_lock);
        cv.wait(lk);
        lk.release();  // keep mu_ locked: we own the funnel again
    }
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    depth_ = saved;
}

}  // namespace nke::ref
