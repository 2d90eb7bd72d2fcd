// Interface-family modules (spec/dlil.md, DLIL-FAM-*): registration,
// deregistration (immediate, or DLIL_WAIT_FOR_FREE while interfaces use the
// family), and the two built-in families.
#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "dlil/dlil.hpp"

#include <cerrno>

namespace nke::ref::dlil {

// Constant-initialised at namespace scope (not a function-local static) so
// that state(), called on every dlil_input/dlil_output, is a plain address
// with no initialisation guard to check.
constinit State g_state;

namespace {

// Built-in families exist from the moment the library is loaded, so the
// if_families counter never moves under a test's feet.
struct BuiltinInit {
    BuiltinInit() { register_builtin_families(); }
} g_builtin_init;

bool reserved_clear(const dlil_ifmod_reg_str &r) {
    for (auto v : r.reserved) {
        if (v != 0) return false;
    }
    return true;
}

void shutdown_family(Family *f) noexcept {
    if (f->reg.shutdown) {
        CallbackScope scope(f->owner());
        (void)f->reg.shutdown();
    }
    retire(f);
}

}  // namespace

Family *family_locked(uint32_t family) noexcept {
    for (Family *f : state().families) {
        if (f->family == family) return f;
    }
    return nullptr;
}

void register_builtin_families() noexcept {
    static Family ether, loop;  // never deregistered (DLIL-FAM-011)
    State &s = state();
    std::lock_guard lk(s.mu);
    for (auto [f, fam, reg] : {std::tuple{&ether, uint32_t{APPLE_IF_FAM_ETHERNET}, &ether_module},
                               std::tuple{&loop, uint32_t{APPLE_IF_FAM_LOOPBACK}, &loopback_module}}) {
        f->family = fam;
        f->reg = *reg;
        f->builtin = true;
        s.families.push_back(f);
        live_add(Live::if_families, 1);
    }
}

int reg_if_module(uint32_t family, const dlil_ifmod_reg_str *reg) noexcept {
    if (reg == nullptr || family == 0) return EINVAL;
    if (!reg->add_if || !reg->del_if || !reg->add_proto || !reg->del_proto || !reserved_clear(*reg))
        return EINVAL;
    State &s = state();
    std::unique_ptr<Family> f;
    {
        std::lock_guard lk(s.mu);
        if (family_locked(family)) return EEXIST;
        f = try_make<Family>();
        if (!f) return ENOMEM;
        try {
            s.families.reserve(s.families.size() + 1);
        } catch (...) {
            return ENOMEM;
        }
        f->family = family;
        f->reg = *reg;
        registration_add(*f, {reg, reinterpret_cast<const void *>(reg->add_if),
                              reinterpret_cast<const void *>(reg->del_if),
                              reinterpret_cast<const void *>(reg->add_proto),
                              reinterpret_cast<const void *>(reg->del_proto),
                              reinterpret_cast<const void *>(reg->ifmod_ioctl),
                              reinterpret_cast<const void *>(reg->shutdown),
                              reinterpret_cast<const void *>(reg->init_if)});
        s.families.push_back(f.release());
        live_add(Live::if_families, 1);
    }
    return 0;
}

int dereg_if_module(uint32_t family) noexcept {
    State &s = state();
    Family *done = nullptr;
    {
        std::lock_guard lk(s.mu);
        Family *f = family_locked(family);
        if (!f || f->shutting_down) return ENOENT;
        if (f->builtin) return EPERM;
        f->shutting_down = true;
        if (f->ifcount != 0) return DLIL_WAIT_FOR_FREE;
        std::erase(s.families, f);
        live_add(Live::if_families, -1);
        done = f;
    }
    shutdown_family(done);
    quiesce();
    return 0;
}

void family_release(Family *f) noexcept {
    State &s = state();
    bool done = false;
    {
        std::lock_guard lk(s.mu);
        if (--f->ifcount == 0 && f->shutting_down) {
            std::erase(s.families, f);
            live_add(Live::if_families, -1);
            done = true;
        }
    }
    if (done) shutdown_family(f);
}

void Family::finish() noexcept {
    registration_remove(*this);
    std::unique_ptr<Family> self(this);
}

void Family::reap() noexcept {
    // The owner is being unloaded: its own interfaces go first (interfaces
    // of other owners would have kept references() above zero).
    for (;;) {
        ifnet *victim = nullptr;
        {
            State &s = state();
            std::lock_guard lk(s.mu);
            for (Iface *i : s.ifaces) {
                if (i->fam == this && i->state == IfState::attached) {
                    victim = i->ifp;
                    break;
                }
            }
        }
        if (!victim) break;
        (void)if_detach(victim);
    }
    if (dereg_if_module(family) == DLIL_WAIT_FOR_FREE) {
        // Interfaces still detaching (their protocols are being reaped):
        // leave the registration for the loader's next round.
    }
    quiesce();
}

}  // namespace nke::ref::dlil

using namespace nke::ref::dlil;

extern "C" {

NKE_API int dlil_reg_if_modules(uint32_t interface_family, struct dlil_ifmod_reg_str *ifmod_reg) {
    return reg_if_module(interface_family, ifmod_reg);
}

NKE_API int dlil_dereg_if_modules(uint32_t interface_family) {
    return dereg_if_module(interface_family);
}

}  // extern "C"
