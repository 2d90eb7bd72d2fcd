// The table of registered controllers.  Guarded by the funnel: every
// function here must be called with it held.
#pragma once

#include "kern_control/controller.hpp"

#include <cstddef>
#include <memory>
#include <vector>

namespace nke::ref::ctl {

class Registry {
public:
    // The controller a reference names, or null (NULL, stale or forged ref).
    std::shared_ptr<Controller> by_ref(kern_ctl_ref ref) const noexcept;
    // The same, borrowed: valid only while the caller holds the funnel.  For
    // the data path (ctl_enqueue*), where copying the shared_ptr would cost
    // two locked reference-count updates per call for nothing.
    Controller *find(kern_ctl_ref ref) const noexcept;
    // The controller registered for (id, unit), or null.
    std::shared_ptr<Controller> by_addr(uint32_t id, uint32_t unit) const noexcept;
    // False when the table cannot grow (ENOMEM).
    bool add(std::shared_ptr<Controller> c) noexcept;
    void remove(const Controller &c) noexcept;
    size_t size() const noexcept { return list_.size(); }

    // A token that no earlier controller of this instance had (CTL-REG-015).
    kern_ctl_ref next_ref() noexcept;

private:
    // The entry `ref` names in list_, or null.
    const std::shared_ptr<Controller> *slot_of(kern_ctl_ref ref) const noexcept;
    std::vector<std::shared_ptr<Controller>> list_;
    uint64_t serial_ = 0;
};

Registry &registry() noexcept;

// Register and deregister with the funnel held by the caller.  These are
// the whole of ctl_register / ctl_deregister once the arguments are checked.
// `copy` is the stack's copy of the caller's structure `origin` (whose
// address only serves to find the owning module).
int register_locked(const kern_ctl_reg &copy, const void *origin, void *userdata,
                    kern_ctl_ref *ctlref) noexcept;
// Removes c (no client may be attached), posts KEV_CTL_DEREGISTERED.
void remove_locked(Controller &c) noexcept;

}  // namespace nke::ref::ctl
