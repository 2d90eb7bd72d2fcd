#include "dlil/epoch.hpp"

#include "core/callback.hpp"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace nke::ref::dlil {
namespace {

using epoch_detail::Slot;
using epoch_detail::ThreadState;
using epoch_detail::t_state;
using epoch_detail::g_epoch;
using epoch_detail::g_pending;
using epoch_detail::g_membarrier;

// One slot per thread that ever entered a read section (epoch_detail::Slot).
// Threads beyond the fixed table share an "overflow" count, which blocks
// reclamation while non-zero.
constexpr size_t kSlots = 256;
std::array<Slot, kSlots> g_slots;
std::atomic<size_t> g_high{0};  // slots [0, g_high) have been handed out
std::atomic<uint64_t> g_overflow{0};

std::mutex g_retire_mu;
Retired *g_retired = nullptr;  // guarded by g_retire_mu
std::atomic<uint64_t> g_finishing{0};  // taken off the queue, finish() not yet returned

// Releases the thread's slot when the thread exits.
struct SlotRelease {
    Slot *slot = nullptr;
    ~SlotRelease() {
        if (slot) slot->used.store(false, std::memory_order_release);
    }
};
thread_local SlotRelease t_slot_release;

Slot *claim_slot() noexcept {
    for (size_t i = 0; i < kSlots; ++i) {
        bool expected = false;
        if (g_slots[i].used.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
            // seq_cst, like the slot store that follows: a reclaimer whose
            // scan misses this slot read g_high before this update in the
            // single total order, so everything it unlinked before was
            // published before our first snapshot load, which cannot see it.
            size_t high = g_high.load(std::memory_order_seq_cst);
            while (high < i + 1 &&
                   !g_high.compare_exchange_weak(high, i + 1, std::memory_order_seq_cst)) {
            }
            return &g_slots[i];
        }
    }
    return nullptr;
}

// Readers announce themselves with a plain store when the kernel offers
// membarrier(2): a writer then forces a full barrier on every running thread
// of the process before it scans the slots, which orders each reader's slot
// store before its snapshot loads exactly as a seq_cst store would (the
// liburcu "membarrier" scheme).  The reader's fast path then has no locked
// instruction.  TSan does not model membarrier, so its builds keep the
// seq_cst store.
#if defined(__SANITIZE_THREAD__)
#define NKE_DLIL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NKE_DLIL_TSAN 1
#endif
#endif

bool membarrier_available() noexcept {
#ifdef NKE_DLIL_TSAN
    return false;
#else
    const long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) return false;
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#endif
}


void heavy_barrier() noexcept {
    if (!g_membarrier || syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
        std::atomic_thread_fence(std::memory_order_seq_cst);
}

// Oldest epoch still held by a reader on another thread; UINT64_MAX if none.
uint64_t min_active() noexcept {
    heavy_barrier();
    if (g_overflow.load(std::memory_order_seq_cst) != 0) return 0;
    uint64_t min = UINT64_MAX;
    const size_t high = g_high.load(std::memory_order_seq_cst);  // see claim_slot
    for (size_t i = 0; i < high; ++i) {
        const uint64_t e = g_slots[i].epoch.load(std::memory_order_seq_cst);
        if (e != 0 && e < min) min = e;
    }
    return min;
}

// True if something retired at or before `epoch` still waits.
bool pending_upto(uint64_t epoch) noexcept;

}  // namespace

namespace epoch_detail {

[[gnu::tls_model("initial-exec")]] constinit thread_local ThreadState t_state;
std::atomic<uint64_t> g_epoch{1};
std::atomic<uint64_t> g_pending{0};
const bool g_membarrier = membarrier_available();

void enter_slow(ThreadState &t) noexcept {
    if (!t.tried) {
        t.slot = claim_slot();
        t.tried = true;
        t_slot_release.slot = t.slot;  // first touch registers its destructor
    }
    if (t.slot) {
        // Same announcement as the inline fast path (epoch.hpp).
        const uint64_t e = g_epoch.load(std::memory_order_acquire);  // see epoch.hpp
        if (g_membarrier) {
            t.slot->epoch.store(e, std::memory_order_relaxed);
            std::atomic_signal_fence(std::memory_order_seq_cst);  // see heavy_barrier
        } else {
            t.slot->epoch.store(e, std::memory_order_seq_cst);
        }
    } else {
        g_overflow.fetch_add(1, std::memory_order_seq_cst);
    }
}

void leave_overflow() noexcept { g_overflow.fetch_sub(1, std::memory_order_release); }

}  // namespace epoch_detail

int read_depth() noexcept { return t_state.depth; }

bool can_wait() noexcept { return t_state.depth == 0 && callback_depth() == 0; }

void retire(Retired *r) noexcept {
    r->retire_epoch_ = g_epoch.fetch_add(1, std::memory_order_seq_cst) + 1;
    std::lock_guard lk(g_retire_mu);
    r->retire_next_ = g_retired;
    g_retired = r;
    g_pending.fetch_add(1, std::memory_order_release);
}

namespace {
bool pending_upto(uint64_t epoch) noexcept {
    std::lock_guard lk(g_retire_mu);
    for (const Retired *r = g_retired; r; r = r->retire_next_) {
        if (r->retire_epoch_ <= epoch) return true;
    }
    return false;
}
}  // namespace

void reclaim() noexcept {
    if (g_pending.load(std::memory_order_acquire) == 0) return;
    // The scan below only vouches for what was retired before it began: a
    // reader may enter after the scan has passed its slot, load a snapshot
    // that a writer then retires, and still hold it when we take the queue.
    // Whatever was retired at or before `scanned` was unlinked before the
    // scan, so any reader still holding it is visible to the scan.
    const uint64_t scanned = g_epoch.load(std::memory_order_seq_cst);
    // Readers on this thread count too (a reclaim from inside a section).
    const uint64_t mine = t_state.slot ? t_state.slot->epoch.load(std::memory_order_relaxed) : 0;
    uint64_t oldest = std::min(min_active(), scanned);
    if (mine != 0 && mine < oldest) oldest = mine;
    Retired *due = nullptr;
    {
        std::lock_guard lk(g_retire_mu);
        Retired **pp = &g_retired;
        while (*pp) {
            Retired *r = *pp;
            if (r->retire_epoch_ <= oldest) {
                *pp = r->retire_next_;
                // The queue is newest first; prepending puts the oldest
                // first, so finish() runs in retirement order (a filter's
                // filter_detach before its interface's if_free).
                r->retire_next_ = due;
                due = r;
                g_finishing.fetch_add(1, std::memory_order_acq_rel);
                g_pending.fetch_sub(1, std::memory_order_acq_rel);
            } else {
                pp = &r->retire_next_;
            }
        }
    }
    Retired *ordered = due;
    while (ordered) {
        Retired *next = ordered->retire_next_;
        ordered->finish();  // may free ordered
        g_finishing.fetch_sub(1, std::memory_order_acq_rel);
        ordered = next;
    }
}

bool readers_active() noexcept { return min_active() != UINT64_MAX; }

void quiesce() noexcept {
    // Inside a read section, or inside any NKE callback (which may hold the
    // funnel a reader is waiting for), waiting could deadlock: run only what
    // is already due.
    if (t_state.depth != 0 || callback_depth() != 0) {
        reclaim();
        return;
    }
    const uint64_t target = g_epoch.load(std::memory_order_seq_cst);
    // A reader that entered just after the retirement may carry an older
    // epoch than the one it saw published (it loaded g_epoch first): it
    // cannot reach the retired objects, but reclaim() cannot tell, so wait
    // for it too until everything retired before this call has finished.
    for (unsigned spins = 0;; ++spins) {
        if (min_active() >= target) {
            reclaim();
            // Done when nothing retired before this call waits, and no
            // other thread is still inside a finish() it took over.
            if (!pending_upto(target) && g_finishing.load(std::memory_order_acquire) == 0) return;
        }
        if (spins < 64) std::this_thread::yield();
        else std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
}

}  // namespace nke::ref::dlil
