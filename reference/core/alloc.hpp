// The single allocation-failure point of the reference (spec/harness.md,
// HARN-FAIL-*).  Every allocation the stack makes on behalf of a call asks
// alloc_permitted() first, so "fail the Nth allocation" reaches every path.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <utility>

namespace nke::ref {

// False when the harness asked for this allocation to fail.  Counts the attempt.
bool alloc_permitted() noexcept;

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
