// The loader's view of the registry (module.hpp has the subsystems' view).
#pragma once

#include "module/module.hpp"

#include <mutex>
#include <vector>

namespace nke::ref::registry {

std::mutex &mutex();
// Loaded modules, in load order.  Guarded by mutex().
std::vector<Module *> &modules();
// The module whose start or stop routine runs on this thread, if any.
Module *&starting();
// Sum of references() of m's registrations plus its calls in flight.
// Call with mutex() held.
uint64_t references_locked(const Module &m) noexcept;

}  // namespace nke::ref::registry
