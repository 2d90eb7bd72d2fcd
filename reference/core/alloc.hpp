// The single allocation-failure point of the reference (spec/harness.md,
// HARN-FAIL-*).  Every allocation the stack makes on behalf of a call asks
// alloc_permitted() first, so "fail the Nth allocation" reaches every path.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

namespace nke::ref {

namespace alloc_detail {
// The calling thread's attempt counter (null before its first attempt and
// after it began to exit) and whether a failure is armed; alloc.cpp owns
// both.  initial-exec and constinit: the inline fast path below reads the
// pointer with one %fs-relative load, no __tls_get_addr, no TLS wrapper.
extern constinit thread_local std::atomic<uint64_t> *t_attempts [[gnu::tls_model("initial-exec")]];
extern std::atomic<bool> g_armed;
bool alloc_permitted_slow() noexcept;
}  // namespace alloc_detail

// False when the harness asked for this allocation to fail.  Counts the attempt.
// Inline, because the mbuf allocator asks once per mbuf and cluster: the
// out-of-line call cost ~3 ns of an m_gethdr + m_freem pair of ~15 ns.
inline bool alloc_permitted() noexcept {
    std::atomic<uint64_t> *n = alloc_detail::t_attempts;
    if (n != nullptr && !alloc_detail::g_armed.load(std::memory_order_relaxed)) [[likely]] {
        n->store(n->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return true;
    }
    return alloc_detail::alloc_permitted_slow();
}

// Arm (nth >= 1) or disarm (nth == 0) the failure point; see nke_harness.fail_alloc.
int set_alloc_failure(uint64_t nth, bool persistent) noexcept;

uint64_t alloc_attempts() noexcept;
uint64_t alloc_failures() noexcept;

// new (std::nothrow) behind the failure point.
template <class T, class... Args>
std::unique_ptr<T> try_make(Args &&...args) {
    if (!alloc_permitted()) return nullptr;
    return std::unique_ptr<T>(new (std::nothrow) T(std::forward<Args>(args)...));
}

}  // namespace nke::ref
