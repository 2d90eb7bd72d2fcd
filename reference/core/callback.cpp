#include "core/callback.hpp"

#include "module/module.hpp"

namespace nke::ref::callback_detail {

[[gnu::tls_model("initial-exec")]] constinit thread_local int t_depth = 0;

void owner_enter(Module *owner) noexcept { owner->in_flight.fetch_add(1, std::memory_order_acq_rel); }

void owner_leave(Module *owner) noexcept { owner->in_flight.fetch_sub(1, std::memory_order_acq_rel); }

}  // namespace nke::ref::callback_detail
