// The DLIL's model (spec/dlil.md): family modules, interfaces, attached
// protocols and filters, and the snapshots the lock-free data path reads.
//
// Writers (attach, detach, register) serialise on State::mu, mutate the
// master lists, publish new immutable snapshots, and call NKE code only
// after dropping the lock.  Readers (the data path) run inside a
// ReadSection and never lock.  An object leaves every snapshot before it is
// retire()d, so a reader that still holds it keeps it alive; its `dead` flag
// tells such a reader not to call it any more.
#pragma once

#include "core/callback.hpp"
#include "core/alloc.hpp"
#include "dlil/epoch.hpp"
#include "module/module.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include <nke/dlil.h>
#include <nke/kern_event.h>

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

// The ABI's opaque handle for an attached protocol is our Proto.
struct if_proto {};

namespace nke::ref::dlil {

namespace mb = nke::ref::mb;

// An immutable array of pointers, published through Published<T>.
template <class T>
class Snap final : public Retired {
public:
    std::vector<T *> items;
    void finish() noexcept override { std::unique_ptr<Snap> self(this); }
};

template <class T>
class Published {
public:
    // The current array (never null); valid inside a ReadSection.  One load:
    // items_ points either into the current snapshot or at empty_, so the
    // data path (four or five look-ups per frame) needs no null test.
    const std::vector<T *> &get() const noexcept { return *items_.load(std::memory_order_seq_cst); }
    // Build a copy of `items`.  through_failure_point: an attach, which may
    // fail with ENOMEM/ENOBUFS; a detach builds with plain nothrow new
    // because shrinking a list must not fail.
    static std::unique_ptr<Snap<T>> build(const std::vector<T *> &items, bool through_failure_point) {
        std::unique_ptr<Snap<T>> s;
        if (through_failure_point) s = try_make<Snap<T>>();
        else s.reset(new (std::nothrow) Snap<T>());
        if (!s) return nullptr;
        try {
            s->items = items;
        } catch (...) {
            return nullptr;
        }
        return s;
    }
    // Swap in a built array (under State::mu); the old one is retired.
    // Readers see the new array from the items_ store on; the old one is
    // retired after it, so a reader that still holds it is in a read
    // section that retire() waits for.
    void publish(std::unique_ptr<Snap<T>> s) noexcept {
        items_.store(&s->items, std::memory_order_seq_cst);
        Snap<T> *old = snap_.exchange(s.release(), std::memory_order_seq_cst);
        if (old) retire(old);
    }
    ~Published() {
        std::unique_ptr<Snap<T>> last(snap_.load());
    }

private:
    static inline const std::vector<T *> empty_{};
    std::atomic<Snap<T> *> snap_{nullptr};  // owns the current array; writers only
    std::atomic<const std::vector<T *> *> items_{&empty_};
};

// Publish a copy of `items` after a removal.  Removals bypass the failure
// point (shrinking a list must not fail); only real memory exhaustion can
// make the copy fail, and keeping the old array would let readers reach an
// object about to be freed, so the process stops instead.
template <class T>
void republish(Published<T> &pub, const std::vector<T *> &items) noexcept {
    auto snap = Published<T>::build(items, false);
    if (!snap) std::terminate();
    pub.publish(std::move(snap));
}

struct Family;
struct Iface;
struct Proto;
struct Filter;

enum class IfState : uint8_t { attaching, attached, detaching, gone };

struct Family final : Registration, Retired {
    uint32_t family = 0;
    dlil_ifmod_reg_str reg{};
    bool builtin = false;
    bool shutting_down = false;  // guarded by State::mu
    uint32_t ifcount = 0;        // interfaces using it, attaching ones included; State::mu
    std::atomic<uint64_t> foreign{0};

    const char *kind() const noexcept override { return "interface family"; }
    uint64_t references() const noexcept override { return foreign.load(std::memory_order_acquire); }
    void reap() noexcept override;
    void finish() noexcept override;
};

struct Iface final : Registration, Retired {
    ifnet *ifp = nullptr;
    Family *fam = nullptr;
    IfState state = IfState::attaching;      // guarded by State::mu
    std::atomic<bool> gone{false};           // set when the ifnet may no longer be touched
    std::vector<Proto *> protos_master;      // attach order, attaches in progress included; State::mu
    std::vector<Filter *> filters_master;    // head (protocol side) .. tail (wire side)
    Published<Proto> protos;
    Published<Filter> filters;
    std::atomic<void *> family_state{nullptr};  // private to a built-in family
    std::atomic<uint64_t> foreign{0};        // protocols and filters of other owners
    bool call_if_free = false;
    // Threads still using this interface outside State::mu after they took
    // away a protocol (detach_protocol) or started its detach (if_detach);
    // the detach completes only when it drops to 0.  State::mu.
    int busy = 0;
    // A protocol detach took away the last protocol of this detaching
    // interface and will complete its detach itself before it returns
    // (DLIL-PROTO-014); nobody else may.  State::mu.
    bool completer = false;
    // Protocols taken off this interface whose family module's del_proto has
    // not returned yet (linked through Proto::leaving_next; no allocation, a
    // detach cannot fail).  Their demux descriptors are still registered, so
    // an attach waits for them (CONC-THREAD-001).  State::mu.
    Proto *leaving = nullptr;
    net_event_data ident{};                  // copied at attach, for events after detach

    const char *kind() const noexcept override { return "interface"; }
    uint64_t references() const noexcept override { return foreign.load(std::memory_order_acquire); }
    void reap() noexcept override;
    void finish() noexcept override;
};

struct Proto final : if_proto, Registration, Retired {
    unsigned long tag = 0;
    Iface *iface = nullptr;
    uint32_t protocol_family = 0;
    dl_input_func input = nullptr;
    dl_pre_output_func pre_output = nullptr;
    dl_event_func event = nullptr;
    dl_offer_func offer = nullptr;
    dl_ioctl_func ioctl = nullptr;
    std::vector<Filter *> filters_master;  // State::mu
    Published<Filter> filters;
    std::atomic<bool> dead{false};
    bool ready = false;  // add_proto succeeded and it is published; State::mu
    bool foreign_to_iface = false;
    Proto *leaving_next = nullptr;  // Iface::leaving; State::mu

    const char *kind() const noexcept override { return "attached protocol"; }
    uint64_t references() const noexcept override { return 0; }
    void reap() noexcept override;
    void finish() noexcept override;
};

struct Filter final : Registration, Retired {
    unsigned long id = 0;
    bool is_if = false;
    dlil_if_flt_str ifl{};
    dlil_pr_flt_str prl{};
    Iface *iface = nullptr;  // the interface (both kinds)
    Proto *proto = nullptr;  // protocol filters only
    std::atomic<bool> dead{false};
    // True while the filter is live, belongs to no module and has an input
    // callback: the inbound walk then calls it with no further test and no
    // owner scope (one load per filter instead of three).  Set before the
    // filter is published; cleared by kill() together with `dead`.  False
    // only sends a reader down the full path, which tests everything.
    std::atomic<bool> input_fast{false};
    bool foreign_to_iface = false;
    bool call_detach = true;

    const char *kind() const noexcept override {
        return is_if ? "DLIL interface filter" : "DLIL protocol filter";
    }
    uint64_t references() const noexcept override { return 0; }
    void reap() noexcept override;
    void finish() noexcept override;
    // The filter has an inbound callback (of its kind).
    bool has_input() const noexcept {
        return is_if ? ifl.filter_if_input != nullptr : prl.filter_dl_input != nullptr;
    }
    // Detached: readers that still hold it must not call it any more.
    void kill() noexcept {
        input_fast.store(false, std::memory_order_release);
        dead.store(true, std::memory_order_release);
    }
};

struct State {
    std::mutex mu;
    std::vector<Family *> families;       // registered and shutting down
    std::vector<Iface *> ifaces;          // attach order, every state but gone
    Published<Iface> usable;              // attached and detaching interfaces
    std::vector<Proto *> tags_master;     // sorted by tag
    Published<Proto> tags;
    std::vector<Filter *> filters_master;  // sorted by id
    Published<Filter> filter_ids;
    unsigned long next_tag = 1;
    unsigned long next_filter = 1;
};

extern constinit State g_state;  // family_registry.cpp
inline State &state() noexcept { return g_state; }

// --- look-ups (inside a ReadSection) -----------------------------------------

// Inline: one call per dlil_input/dlil_output, and the list is short.
inline Iface *find_usable(const ifnet *ifp) noexcept {
    for (Iface *i : state().usable.get()) {
        if (i->ifp == ifp) return i;
    }
    return nullptr;
}

template <class T, class Key>
T *find_sorted(const std::vector<T *> &v, Key key, Key T::*field) noexcept {
    auto it = std::lower_bound(v.begin(), v.end(), key,
                               [field](const T *p, Key k) { return p->*field < k; });
    return (it != v.end() && (*it)->*field == key) ? *it : nullptr;
}

inline Proto *find_tag(unsigned long tag) noexcept {
    return find_sorted<Proto, unsigned long>(state().tags.get(), tag, &Proto::tag);
}
inline Filter *find_filter_id(unsigned long id) noexcept {
    return find_sorted<Filter, unsigned long>(state().filter_ids.get(), id, &Filter::id);
}
// The live protocol that `handle` names on `i`, or null (demux results are
// checked against this: a family module cannot hand the DLIL a bad pointer).
// Also what keeps a demux from handing over a protocol whose attach is still
// running (or failed and freed it unpublished), built-in families included.
// Inline: it runs for every demuxed frame.
inline Proto *proto_on(const Iface *i, const if_proto *handle) noexcept {
    if (handle == nullptr) return nullptr;
    for (Proto *p : i->protos.get()) {
        if (static_cast<const if_proto *>(p) == handle) return p;
    }
    return nullptr;
}
Proto *proto_by_family(const Iface *i, uint32_t protocol_family) noexcept;

// --- under State::mu ------------------------------------------------------------

Family *family_locked(uint32_t family) noexcept;
Iface *iface_by_unit_locked(uint32_t family, int16_t unit) noexcept;
// Rebuild the published copies after a removal (never fails; see Published).
void republish_ifaces_locked() noexcept;
void republish_tags_locked() noexcept;
void republish_filter_ids_locked() noexcept;
// The published protocols of `i` (those whose attach completed).
std::vector<Proto *> ready_protos_locked(const Iface *i);

// --- transitions shared between files -----------------------------------------

// The interface has no protocols left and is detaching: finish it (del_if,
// KEV_DL_IF_DETACHED, if_free once no reader can reach it).  Called without
// the lock; `i` is already unlinked by the caller under the lock.
// Under State::mu: when `i` is detaching and nothing holds it any more (no
// protocol, Iface::busy 0, no designated completer), unlink it and return
// true: the caller then completes the detach with complete_if_detach after
// dropping the lock.
bool take_if_detach_locked(Iface *i) noexcept;
void complete_if_detach(Iface *i, bool call_if_free) noexcept;
// Release one interface's hold on its family; finishes a pending
// deregistration.  Called without the lock.
void family_release(Family *f) noexcept;
// Unlink every filter of a list under the lock; returns them for retirement.
std::vector<Filter *> unlink_filters_locked(std::vector<Filter *> &list) noexcept;
int detach_protocol(unsigned long tag) noexcept;
int detach_filter(unsigned long id) noexcept;
int if_detach(ifnet *ifp) noexcept;

// Post a KEV_DL_* event (never with a DLIL lock held).
void post_if_event(uint32_t code, const net_event_data &ident) noexcept;
void post_proto_event(uint32_t code, const net_event_data &ident, uint32_t pf,
                      uint32_t remaining) noexcept;
net_event_data ident_of(const ifnet *ifp) noexcept;

// Built-in families.
void register_builtin_families() noexcept;
extern const dlil_ifmod_reg_str ether_module;
extern const dlil_ifmod_reg_str loopback_module;

}  // namespace nke::ref::dlil
