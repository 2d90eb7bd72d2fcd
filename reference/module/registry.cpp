#include "module/registry.hpp"

namespace nke::ref {
namespace registry {

std::mutex &mutex() {
    static std::mutex mu;
    return mu;
}

std::vector<Module *> &modules() {
    static std::vector<Module *> v;
    return v;
}

Module *&starting() {
    thread_local Module *m = nullptr;
    return m;
}

uint64_t references_locked(const Module &m) noexcept {
    uint64_t refs = static_cast<uint64_t>(m.in_flight.load(std::memory_order_acquire));
    for (const Registration *r = m.first; r; r = r->next_in_owner()) refs += r->references();
    return refs;
}

}  // namespace registry

namespace {

Module *owner_of(std::initializer_list<const void *> addrs) noexcept {
    for (const void *a : addrs) {
        const auto p = reinterpret_cast<uintptr_t>(a);
        if (p == 0) continue;
        for (Module *m : registry::modules()) {
            if (p >= m->base && p < m->end) return m;
        }
    }
    return registry::starting();
}

}  // namespace

void registration_add(Registration &r, std::initializer_list<const void *> addrs) noexcept {
    std::lock_guard lk(registry::mutex());
    Module *m = owner_of(addrs);
    r.owner_ = m;
    if (!m) return;
    r.prev_ = nullptr;
    r.next_ = m->first;
    if (m->first) m->first->prev_ = &r;
    m->first = &r;
    ++m->registrations;
}

void registration_remove(Registration &r) noexcept {
    std::lock_guard lk(registry::mutex());
    Module *m = r.owner_;
    if (!m) return;
    if (r.prev_) r.prev_->next_ = r.next_;
    else m->first = r.next_;
    if (r.next_) r.next_->prev_ = r.prev_;
    r.prev_ = r.next_ = nullptr;
    r.owner_ = nullptr;
    --m->registrations;
}

}  // namespace nke::ref
