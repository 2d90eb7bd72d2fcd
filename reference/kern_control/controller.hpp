// One registered kernel controller (spec/kern_control.md).
//
// The stack keeps its own copy of the caller's kern_ctl_reg (CTL-REG-010).
// The kern_ctl_ref handed to the NKE is an opaque token, never a pointer,
// and never reused within the instance (CTL-REG-015), so a stale or forged
// reference is always detected (CTL-DEREG-003, CTL-ENQ-002).
//
// Lifetime: the registry holds a shared_ptr while the controller is
// registered; every call into the controller's callbacks holds another, so
// a controller that deregisters itself from ctl_disconnect (CTL-DEREG-007)
// stays alive until that callback returns.
//
// Locking: every field except `clients` is guarded by the funnel.
// `clients` is read by the module registry (references()) under its own
// lock, which must not take the funnel.
#pragma once

#include <nke/kern_control.h>

#include "module/module.hpp"

#include <atomic>
#include <cstdint>
#include <memory>

struct socket;

namespace nke::ref::ctl {

struct Controller final : Registration, std::enable_shared_from_this<Controller> {
    kern_ctl_reg reg{};            // the stack's copy (CTL-REG-010)
    void *userdata = nullptr;
    kern_ctl_ref ref = nullptr;    // the token given to the NKE
    uint32_t sendsize = 0;         // defaults applied (CTL-REG-013)
    uint32_t recvsize = 0;
    struct socket *client = nullptr;  // the one client, connected or connecting
    bool connecting = false;          // ctl_connect of `client` is running
    std::atomic<uint64_t> clients{0}; // 1 while `client` is set (KMOD references)

    const char *kind() const noexcept override { return "kernel controller"; }
    uint64_t references() const noexcept override {
        return clients.load(std::memory_order_acquire);
    }
    void reap() noexcept override;
};

}  // namespace nke::ref::ctl
