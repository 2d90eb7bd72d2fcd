#include "kern_control/registry.hpp"

#include <algorithm>
#include <new>

namespace nke::ref::ctl {
namespace {
// High bits that no user-space pointer on an LP64 host has (the address is
// not canonical), so a ref can never equal the address of a real object.
constexpr uintptr_t kRefTag = uintptr_t{0xC71} << 52;
}  // namespace

Registry &registry() noexcept {
    static Registry r;
    return r;
}

kern_ctl_ref Registry::next_ref() noexcept {
    ++serial_;
    return reinterpret_cast<kern_ctl_ref>(kRefTag | static_cast<uintptr_t>(serial_));
}

const std::shared_ptr<Controller> *Registry::slot_of(kern_ctl_ref ref) const noexcept {
    if (ref == nullptr) return nullptr;
    for (const auto &c : list_) {
        if (c->ref == ref) return &c;
    }
    return nullptr;
}

std::shared_ptr<Controller> Registry::by_ref(kern_ctl_ref ref) const noexcept {
    const std::shared_ptr<Controller> *c = slot_of(ref);
    return c ? *c : nullptr;
}

Controller *Registry::find(kern_ctl_ref ref) const noexcept {
    const std::shared_ptr<Controller> *c = slot_of(ref);
    return c ? c->get() : nullptr;
}

std::shared_ptr<Controller> Registry::by_addr(uint32_t id, uint32_t unit) const noexcept {
    for (const auto &c : list_) {
        if (c->reg.ctl_id == id && c->reg.ctl_unit == unit) return c;
    }
    return nullptr;
}

bool Registry::add(std::shared_ptr<Controller> c) noexcept {
    try {
        list_.push_back(std::move(c));
    } catch (const std::bad_alloc &) {
        return false;
    }
    return true;
}

void Registry::remove(const Controller &c) noexcept {
    std::erase_if(list_, [&](const auto &p) { return p.get() == &c; });
}

}  // namespace nke::ref::ctl
