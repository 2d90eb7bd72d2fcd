// Failure injection.  Disarmed (the normal case), an attempt costs one
// relaxed load and a thread-local increment, so the mbuf fast path stays
// fast; armed, a global countdown decides which attempt fails, so "the Nth
// attempt from now" is exact for a single-threaded test.
#include "core/alloc.hpp"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <vector>

namespace nke::ref {

namespace alloc_detail {
constinit thread_local std::atomic<uint64_t> *t_attempts [[gnu::tls_model("initial-exec")]] = nullptr;
std::atomic<bool> g_armed{false};
}  // namespace alloc_detail

namespace {

using alloc_detail::g_armed;
using alloc_detail::t_attempts;
std::atomic<int64_t> g_countdown{0};  // attempts left before the failing one
std::atomic<bool> g_persistent{false};
std::atomic<uint64_t> g_failures{0};

// Attempt counts: per thread while the thread lives, folded into
// g_retired when it exits.
struct ThreadAttempts;
std::mutex g_threads_mu;
std::vector<ThreadAttempts *> &threads() {
    static std::vector<ThreadAttempts *> v;
    return v;
}
uint64_t g_retired = 0;  // guarded by g_threads_mu

// The fast path (alloc.hpp) reads t_attempts only, which points at the
// counter of this thread's ThreadAttempts once it exists.
// Set once the thread's counter is destroyed (thread exit): later attempts
// of that thread, from other TLS destructors, go to g_late.
[[gnu::tls_model("initial-exec")]] constinit thread_local bool t_gone = false;
std::atomic<uint64_t> g_late{0};

struct ThreadAttempts {
    std::atomic<uint64_t> n{0};
    ThreadAttempts() {
        std::lock_guard lk(g_threads_mu);
        threads().push_back(this);
    }
    ~ThreadAttempts() {
        t_attempts = nullptr;
        t_gone = true;
        std::lock_guard lk(g_threads_mu);
        g_retired += n.load(std::memory_order_relaxed);
        auto &v = threads();
        std::erase(v, this);
    }
};

[[gnu::noinline]] void count_attempt_slow() noexcept {
    if (t_gone) {
        g_late.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    thread_local ThreadAttempts t;
    t_attempts = &t.n;
    t.n.store(t.n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

// Everything but "counter exists and nothing is armed" (alloc.hpp).
bool alloc_detail::alloc_permitted_slow() noexcept {
    if (std::atomic<uint64_t> *n = t_attempts)
        n->store(n->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    else
        count_attempt_slow();
    if (!g_armed.load(std::memory_order_relaxed)) return true;
    const int64_t left = g_countdown.fetch_sub(1, std::memory_order_acq_rel) - 1;
    const bool fail = left == 0 || (left < 0 && g_persistent.load(std::memory_order_relaxed));
    if (!fail) return true;
    g_failures.fetch_add(1, std::memory_order_relaxed);
    return false;
}

int set_alloc_failure(uint64_t nth, bool persistent) noexcept {
    if (nth > static_cast<uint64_t>(INT64_MAX)) return EINVAL;
    g_armed.store(false, std::memory_order_release);
    g_countdown.store(static_cast<int64_t>(nth), std::memory_order_release);
    g_persistent.store(persistent, std::memory_order_release);
    g_armed.store(nth != 0, std::memory_order_release);
    return 0;
}

uint64_t alloc_attempts() noexcept {
    std::lock_guard lk(g_threads_mu);
    uint64_t sum = g_retired + g_late.load(std::memory_order_relaxed);
    for (auto *t : threads()) sum += t->n.load(std::memory_order_relaxed);
    return sum;
}

uint64_t alloc_failures() noexcept { return g_failures.load(std::memory_order_relaxed); }

}  // namespace nke::ref
