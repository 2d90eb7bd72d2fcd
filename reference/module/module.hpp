// NKE modules and the registrations they own (spec/module.md, KMOD-*).
//
// Ownership.  Every subsystem reports each registration an NKE makes
// (domain, protosw, socket filter, controller, interface, attached protocol,
// DLIL filter, family module) as a Registration, with the addresses of its
// structure and callbacks.  The first address that lies in a loaded
// module's image names the owner (KMOD-OWN-001); a registration made while a
// module's start or stop routine runs belongs to that module too.
//
// Unloading.  A module is unloaded only when none of its registrations is
// referenced from outside (Registration::references) and no thread runs its
// code (Module::in_flight).  Registrations its stop routine left behind are
// removed by the loader (Registration::reap) before the image is unmapped,
// so no pointer into the module survives it (KMOD-UNLOAD-*).
//
// Lock order: a subsystem lock may be held while calling registration_add
// or registration_remove (they take the registry lock); references() runs
// under the registry lock and must only read atomics.
#pragma once

#include <nke/kmod.h>

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace nke::ref {

struct Module;

class Registration {
public:
    Registration() = default;
    Registration(const Registration &) = delete;
    Registration &operator=(const Registration &) = delete;
    virtual ~Registration() = default;

    // "domain", "protosw", "socket filter", ... for kmod_get_stat and logs.
    virtual const char *kind() const noexcept = 0;
    // How many things outside the owner still point into it (sockets, connected
    // clients, attachments made by other owners).  Reads atomics only.
    virtual uint64_t references() const noexcept = 0;
    // Remove the registration; called by the loader after the owner's stop
    // routine returned success and references() was 0.  Must end with
    // registration_remove(*this).
    virtual void reap() noexcept = 0;

    Module *owner() const noexcept { return owner_; }
    // Next registration of the same owner; walk only under the registry lock.
    Registration *next_in_owner() const noexcept { return next_; }

private:
    friend void registration_add(Registration &, std::initializer_list<const void *>) noexcept;
    friend void registration_remove(Registration &) noexcept;
    friend struct Module;
    Module *owner_ = nullptr;
    Registration *prev_ = nullptr;
    Registration *next_ = nullptr;
};

void registration_add(Registration &r, std::initializer_list<const void *> addrs) noexcept;
void registration_remove(Registration &r) noexcept;

struct Module {
    int id = 0;
    std::string name;
    std::string version;
    std::string path;
    void *handle = nullptr;         // dlopen handle
    kmod_info_t *info = nullptr;
    uintptr_t base = 0;             // load address of the image
    uintptr_t end = 0;              // one past the highest mapped byte
    std::atomic<int64_t> in_flight{0};
    Registration *first = nullptr;  // guarded by the registry lock
    uint32_t registrations = 0;     // guarded by the registry lock
};

}  // namespace nke::ref
