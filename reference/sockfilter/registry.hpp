// Socket NKEs: the filter registry, attachment to sockets, SO_NKE
// (spec/sockfilter.md, SF-*).
//
// A registered NFDescriptor has an entry (FilterEntry) that holds what the
// descriptor has no room for: its owner module, the protosw it is global
// on, and how many live sockets carry it.  The descriptor's nf_list storage
// (stack-owned while registered) points at the entry, so the hook
// dispatcher finds a filter's owner from a kextcb in O(1).
//
// Locking: funnel held for everything except FilterEntry::references().
#pragma once

#include "module/module.hpp"

#include <atomic>
#include <cstdint>

#include <nke/kext_net.h>
#include <nke/protosw.h>
#include <nke/socket.h>

namespace nke::ref::dom {
class ProtoEntry;
}

namespace nke::ref::sf {

class FilterEntry final : public Registration {
public:
    explicit FilterEntry(NFDescriptor &d) noexcept : nfd(d) {}
    const char *kind() const noexcept override { return "socket filter"; }
    // Live sockets that carry this filter.
    uint64_t references() const noexcept override;
    void reap() noexcept override;

    NFDescriptor &nfd;
    dom::ProtoEntry *pr = nullptr;   // set for NFD_GLOBAL filters
    std::atomic<int64_t> attachments{0};
    // Position on pr's list of global filters.
    FilterEntry *pr_prev = nullptr;
    FilterEntry *pr_next = nullptr;
    // Every registered filter, in registration order.
    FilterEntry *all_prev = nullptr;
    FilterEntry *all_next = nullptr;
};

// --- registry (registry.cpp) -----------------------------------------------------
int register_filter(NFDescriptor *nfp, NFDescriptor *nfp1, protosw *pr, int flags) noexcept;
int unregister_filter(NFDescriptor *nfp, protosw *pr, int flags) noexcept;
NFDescriptor *find(unsigned int handle) noexcept;
// The entry of a registered descriptor, or nullptr.
FilterEntry *entry_of(const NFDescriptor *nfp) noexcept;
// The filter of an attachment (the descriptor is registered while any
// socket carries it, SF-UNREG-004).
inline FilterEntry &entry_of(const kextcb &kp) noexcept {
    return *static_cast<FilterEntry *>(kp.e_nfd->nf_list[0]);
}
inline Module *owner_of(const kextcb &kp) noexcept { return entry_of(kp).owner(); }
// Used when a protosw is reaped: unregister its global filters that belong
// to the same module and are attached to no socket.
void reap_filters_of(dom::ProtoEntry &pr) noexcept;

// --- attachments (attach.cpp) ------------------------------------------------------
// Attach pr's global filters to a new socket, in list order, calling each
// one's sf_socreate right after it is linked (SF-ATTACH-*).  ENOBUFS when a
// kextcb cannot be allocated; the filters attached so far stay attached
// (the caller frees the socket, which runs their sf_sofree).
int attach_globals(struct socket *so) noexcept;
// At the socket's final free: sf_sofree of every filter, once, then the
// kextcbs are freed (SF-HOOK-SOFREE-*).
void detach_all(struct socket *so) noexcept;
// setsockopt(SOL_SOCKET, SO_NKE) after sf_socontrol ran (SF-SONKE-*).
int insert_so_nke(struct socket *so, struct sockopt *sopt) noexcept;

}  // namespace nke::ref::sf
