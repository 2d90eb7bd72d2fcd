#include "core/callback.hpp"

#include "module/module.hpp"

namespace nke::ref {
namespace {
// initial-exec: the data path enters a scope per call; the default
// (global-dynamic) model would call __tls_get_addr on every access.
[[gnu::tls_model("initial-exec")]] thread_local int t_depth = 0;
}

CallbackScope::CallbackScope(Module *owner) noexcept : owner_(owner) {
    ++t_depth;
    if (owner_) owner_->in_flight.fetch_add(1, std::memory_order_acq_rel);
}

CallbackScope::~CallbackScope() {
    if (owner_) owner_->in_flight.fetch_sub(1, std::memory_order_acq_rel);
    --t_depth;
}

int callback_depth() noexcept { return t_depth; }

}  // namespace nke::ref
