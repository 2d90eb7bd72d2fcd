// The stages of the frame path, shared by dlil_input/dlil_output and the
// injections (which resume a walk after a named filter).  Everything here
// runs inside a ReadSection, takes no lock and allocates nothing.
#pragma once

#include <cerrno>
#include <cstddef>

#include "dlil/dlil.hpp"
#include "dlil/stats.hpp"

namespace nke::ref::dlil {

// Calls into NKE code on the data path.  Every data-path entry point opens
// one CallbackScope(nullptr) right after its ReadSection, so every callback
// it makes runs inside a scope (callback_depth() > 0: the user-side calls
// refuse, CONC-CB-002).  A callback of a registration owned by a module also
// gets its own scope, which counts the module's calls in flight
// (KMOD-UNLOAD-004).  Registrations without an owner, the common case on a
// hot path, then cost nothing per call.
// A plain pointer and two inline tests rather than a std::optional of a
// CallbackScope: this runs once per filter, demux and dl_input per frame.
class OwnerScope {
public:
    explicit OwnerScope(Module *owner) noexcept : owner_(owner) {
        if (owner_) callback_detail::enter(owner_);
    }
    ~OwnerScope() {
        if (owner_) callback_detail::leave(owner_);
    }
    OwnerScope(const OwnerScope &) = delete;
    OwnerScope &operator=(const OwnerScope &) = delete;

private:
    Module *owner_;
};

// Sentinel "walk the whole list" start positions.
inline constexpr size_t kAllFilters = static_cast<size_t>(-1);

// Inbound: interface filters from just before position `from` (exclusive)
// toward the head, then demux and the protocol stage.  `from` = list size (or
// kAllFilters) walks the whole list.  Consumes m.
void input_from_if_filters(Iface *i, mbuf *m, char *frame, size_t from, int sync_ok) noexcept;
// Inbound from the protocol stage: protocol filters of p before `from`,
// toward the head, then dl_input.  Consumes m.
void input_from_proto_filters(Iface *i, Proto *p, mbuf *m, char *frame, size_t from,
                              int sync_ok) noexcept;

// Outbound, from the protocol filters of p at position `from` (inclusive)
// toward the tail; then the framer (raw == 0), the interface filters and the
// driver.  Returns the call's result; m is owned as DLIL-OWN-* says.
int output_from_proto_filters(Iface *i, Proto *p, mbuf *m, const nke_sockaddr *dest, int raw,
                              char *frame_type, char *dst_linkaddr, size_t from) noexcept;
// Outbound from the interface filters at position `from` (inclusive).
int output_from_if_filters(Iface *i, mbuf *m, size_t from) noexcept;

// Position of f in list, or the list size if absent.
inline size_t index_of(const std::vector<Filter *> &list, const Filter *f) noexcept {
    for (size_t k = 0; k < list.size(); ++k) {
        if (list[k] == f) return k;
    }
    return list.size();
}

}  // namespace nke::ref::dlil
