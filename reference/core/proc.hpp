// The calling context (spec/kern.md, KERN-PROC-*): each thread acts for one
// process whose credentials the harness can set.  struct proc is opaque in
// the ABI; this is its only definition.
#pragma once

#include <nke/kern.h>

#include <cstdint>

struct proc {
    uint32_t p_uid;
    uint32_t p_euid;
};

namespace nke::ref {

// 0 or EINVAL ((uint32_t)-1 is not a valid uid).
int set_thread_credentials(uint32_t uid, uint32_t euid) noexcept;

}  // namespace nke::ref
