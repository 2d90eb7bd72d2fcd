// The interface counters in ifnet.if_data (spec/dlil.md, DLIL-STATS-*).
// Many driver threads may run dlil_input on one interface at once, so each
// bump is a relaxed atomic add on the driver-owned field.
#pragma once

#include <atomic>
#include <cstdint>

#include <nke/dlil.h>

namespace nke::ref::dlil {

inline void bump(uint64_t &field, uint64_t n = 1) noexcept {
    std::atomic_ref<uint64_t>(field).fetch_add(n, std::memory_order_relaxed);
}

}  // namespace nke::ref::dlil
