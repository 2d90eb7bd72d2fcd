// Read sections and deferred reclamation for the DLIL (spec/dlil.md,
// DLIL-CONC-*).
//
// The data path (dlil_input, dlil_output, dlil_ioctl, dlil_event, the
// injections) takes no lock: it reads immutable snapshots published through
// atomic pointers, inside a ReadSection.  A writer unlinks an object from
// every snapshot, then retire()s it; the object's finish() (which may call
// NKE code: filter_detach, if_free) runs once every read section that could
// still see it has ended.  Entering and leaving a section costs two plain
// stores to a per-thread slot (with membarrier(2); one sequentially
// consistent store otherwise), however many packets the call carries.
//
// quiesce() at read depth 0 waits for those sections and runs what is due on
// the calling thread, so a detach made outside the data path has completed
// (callbacks included) when it returns.  Inside a read section (a detach
// from a callback) waiting could deadlock two threads that detach each
// other's filters, so the work is left to the end of the outermost section
// of whichever thread ends last.
#pragma once

#include <atomic>
#include <cstdint>

namespace nke::ref::dlil {

class Retired {
public:
    Retired() = default;
    Retired(const Retired &) = delete;
    Retired &operator=(const Retired &) = delete;
    // Called exactly once, with no DLIL lock held, after no reader can still
    // reach the object.  Usually ends by destroying the object.
    virtual void finish() noexcept = 0;
    virtual ~Retired() = default;

    // Bookkeeping of epoch.cpp; nothing else touches these.
    Retired *retire_next_ = nullptr;
    uint64_t retire_epoch_ = 0;
};

// Run the retired objects no reader can reach any more (on this thread).
void reclaim() noexcept;

// What a read section touches, declared here so that entering and leaving
// one (once per dlil_input/dlil_output call) is inline; everything else about
// them is private to epoch.cpp.
namespace epoch_detail {

// One per thread that ever entered a read section; 0 = idle, otherwise the
// global epoch the thread saw when it entered.
struct alignas(64) Slot {
    std::atomic<uint64_t> epoch{0};
    std::atomic<bool> used{false};
};

// The per-thread state every read section touches.  Trivially destructible
// and constant-initialised on purpose: a thread_local with a destructor (or a
// dynamic initialiser) is reached through a TLS guard and a global-dynamic
// __tls_get_addr call on every access.  The slot is given back at thread exit
// by a separate object (epoch.cpp, SlotRelease).
struct ThreadState {
    Slot *slot = nullptr;
    bool tried = false;
    int depth = 0;
};
[[gnu::tls_model("initial-exec")]] extern constinit thread_local ThreadState t_state;

extern std::atomic<uint64_t> g_epoch;
extern std::atomic<uint64_t> g_pending;
// Readers announce themselves with a plain store (epoch.cpp explains why
// that is enough when the kernel offers membarrier(2)).
extern const bool g_membarrier;

// The outermost section of a thread that has no slot (yet): claims one, or
// counts the thread among the overflow readers.
void enter_slow(ThreadState &t) noexcept;
void leave_overflow() noexcept;

}  // namespace epoch_detail

class ReadSection {
public:
    ReadSection() noexcept {
        epoch_detail::ThreadState &t = epoch_detail::t_state;
        if (t.depth++ != 0) return;
        if (t.slot == nullptr) [[unlikely]] {
            epoch_detail::enter_slow(t);
            return;
        }
        // The store must be ordered before the snapshot loads that follow it
        // (they are seq_cst too): then a writer either sees this reader or the
        // reader sees the writer's new snapshot.
        // Acquire: a reader that sees the epoch a retire() produced also
        // sees the snapshot that writer published before it, so reclaim()
        // may free what was retired at or before this epoch.
        const uint64_t e = epoch_detail::g_epoch.load(std::memory_order_acquire);
        if (epoch_detail::g_membarrier) {
            t.slot->epoch.store(e, std::memory_order_relaxed);
            std::atomic_signal_fence(std::memory_order_seq_cst);  // see heavy_barrier
        } else {
            t.slot->epoch.store(e, std::memory_order_seq_cst);
        }
    }
    ~ReadSection() {
        epoch_detail::ThreadState &t = epoch_detail::t_state;
        if (--t.depth != 0) return;
        if (t.slot != nullptr) [[likely]] t.slot->epoch.store(0, std::memory_order_release);
        else epoch_detail::leave_overflow();
        if (epoch_detail::g_pending.load(std::memory_order_acquire) != 0) reclaim();
    }
    ReadSection(const ReadSection &) = delete;
    ReadSection &operator=(const ReadSection &) = delete;
};

// Nesting depth of read sections on this thread (0: outside the data path).
int read_depth() noexcept;

// Queue r; it must already be unreachable from every published snapshot.
// Never runs anything itself, so it may be called under a DLIL lock.
void retire(Retired *r) noexcept;


// Outside any read section and any NKE callback: wait until every read
// section that began before this call has ended, then reclaim().  Otherwise
// only reclaim() what is already due (see above).  Never call with a DLIL
// lock held.
void quiesce() noexcept;

// True when quiesce() would wait rather than only reclaim.
bool can_wait() noexcept;

// True if some thread is inside a read section now.
bool readers_active() noexcept;

}  // namespace nke::ref::dlil
