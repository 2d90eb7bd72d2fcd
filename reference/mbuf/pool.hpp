// The mbuf and cluster allocator (spec/mbuf.md, MBUF-ALLOC-*, MBUF-FREE-*,
// MBUF-COUNT-*, MBUF-THREAD-*).
//
// Design (Bonwick's magazines, as in FreeBSD's UMA and DPDK's mempool):
//
//   thread cache (one stack of object pointers per class, per thread)
//        |   refill / flush half a stack at a time, under the depot lock
//   depot (one stack of free objects per class, global, mutex)
//        |   grow by one chunk at a time
//   arena (one reserved address range per class, committed chunk by chunk)
//
// Invariants:
//  - Every mbuf lives in the mbuf arena and every cluster in the cluster
//    arena.  Both ranges are reserved once and never returned to the OS
//    while the process lives (type-stable memory), so any pointer can be
//    classified without touching it: inside the committed part of the
//    mbuf arena and MSIZE-aligned <=> it is an mbuf of this stack.
//  - Objects are aligned to their own size, so dtom() works for mbufs and
//    a cluster is MCLBYTES-aligned (MBUF-LAYOUT-006/007).
//  - The state of an object is kept outside it, in a side table: for an
//    mbuf 0 = free and 1 = live; for a cluster, its reference count (0 =
//    free).  A double free is therefore detected even when the NKE scribbled
//    on the freed mbuf, and under ASan the whole free object stays poisoned.
//  - A free object is in exactly one place: a thread cache or the depot.
//  - The fast path (a cache hit) takes no lock and does no atomic
//    read-modify-write: a thread-local pointer, an array pop or push and a
//    relaxed store to the side table.
//  - Live counts are not kept at all: live = objects committed - objects
//    free, where the free ones are the depot's and every cache's (each
//    cache's count is an atomic written only by its owner, so a reader on
//    another thread sums them without a lock).  Exact whenever no thread is
//    between the depot and its cache, i.e. whenever the harness looks.
//
// The fast paths are inline here so that m_get/m_free compile to straight
// code; everything else is in pool.cpp.
#pragma once

#include "mbuf/poison.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace nke::ref::mbpool {

enum Class : unsigned { kMbuf = 0, kCluster = 1, kClasses = 2 };

inline constexpr size_t kObjSize[kClasses] = {256, 2048};  // MSIZE, MCLBYTES
inline constexpr unsigned kObjShift[kClasses] = {8, 11};

// A thread keeps up to kCacheCap free objects per class and moves kBatch
// at a time to or from the depot, so a thread that allocates and frees in
// a steady state never touches the depot.
inline constexpr uint32_t kCacheCap = 256;
inline constexpr uint32_t kBatch = kCacheCap / 2;

// The part of an arena the fast paths read.  Written once at start-up
// (base, state) or only growing (committed).
struct Region {
    uintptr_t base = 0;
    std::atomic<uintptr_t> committed{0};     // [base, committed) holds objects
    std::atomic<uint32_t> *state = nullptr;  // one entry per object
};
extern Region g_region[kClasses];

struct Stack {
    std::atomic<uint32_t> n{0};  // written by the owner only (relaxed), read by totals()
    void *obj[kCacheCap];
    uint32_t get() const noexcept { return n.load(std::memory_order_relaxed); }
    void set(uint32_t v) noexcept { n.store(v, std::memory_order_relaxed); }
};

// One per thread that allocates or frees.  Records are never freed: a
// thread that exits flushes its stacks and leaves the empty record to the
// next new thread, so readers never see freed memory.
struct ThreadCache {
    std::array<Stack, kClasses> stack;
    ThreadCache *next_all = nullptr;
    ThreadCache *next_free = nullptr;
};

// initial-exec: a plain %fs-relative load, no __tls_get_addr; constinit: no
// TLS wrapper call.  libnke is linked by the program, so it is in the
// initial TLS block.
extern constinit thread_local ThreadCache *t_cache [[gnu::tls_model("initial-exec")]];

[[gnu::noinline]] void *take_slow(Class c) noexcept;
[[gnu::noinline]] void give_slow(Class c, void *obj) noexcept;

inline std::atomic<uint32_t> &state_of(Class c, const void *p) noexcept {
    const Region &r = g_region[c];
    return r.state[(reinterpret_cast<uintptr_t>(p) - r.base) >> kObjShift[c]];
}

// Take one object; nullptr when the arena is exhausted.  The caller has
// already asked alloc_permitted().  The content is not initialised.  Its
// state becomes 1 (live mbuf, or a cluster with one reference).
template <Class C>
inline void *take() noexcept {
    ThreadCache *tc = t_cache;
    if (tc != nullptr) [[likely]] {
        Stack &s = tc->stack[C];
        if (const uint32_t n = s.get(); n != 0) [[likely]] {
            void *p = s.obj[n - 1];
            s.set(n - 1);
            unpoison(p, kObjSize[C]);
            state_of(C, p).store(1, std::memory_order_relaxed);
            return p;
        }
    }
    return take_slow(C);
}

// Give back one object taken by take(); `state` is its side-table entry.
// The caller has checked it.
template <Class C>
inline void give(void *p, std::atomic<uint32_t> &state) noexcept {
    state.store(0, std::memory_order_relaxed);
    poison(p, kObjSize[C]);
    ThreadCache *tc = t_cache;
    if (tc != nullptr) [[likely]] {
        Stack &s = tc->stack[C];
        if (const uint32_t n = s.get(); n != kCacheCap) [[likely]] {
            s.obj[n] = p;
            s.set(n + 1);
            return;
        }
    }
    give_slow(C, p);
}

template <Class C>
inline void give(void *p) noexcept {
    give<C>(p, state_of(C, p));
}

// True when p is the address of a live mbuf of this stack; then `entry` is
// its side-table entry.  Never touches *p: a range check, an alignment
// check and one load from the side table.  The region's fields are read
// once, before the acquire load, and the entry found is the one m_free then
// clears: one address computation on the free path instead of two.
inline bool live_mbuf(const void *p, std::atomic<uint32_t> *&entry) noexcept {
    const Region &r = g_region[kMbuf];
    const uintptr_t base = r.base;
    std::atomic<uint32_t> *const state = r.state;
    const uintptr_t off = reinterpret_cast<uintptr_t>(p) - base;
    if (off >= r.committed.load(std::memory_order_acquire) - base) return false;
    if ((off & (kObjSize[kMbuf] - 1)) != 0) return false;  // base is page-aligned
    entry = &state[off >> kObjShift[kMbuf]];
    return entry->load(std::memory_order_relaxed) != 0;
}

inline bool mbuf_is_live(const void *p) noexcept {
    std::atomic<uint32_t> *entry;
    return live_mbuf(p, entry);
}

// True when p points into the cluster arena.
inline bool is_cluster(const void *p) noexcept {
    const Region &r = g_region[kCluster];
    const auto u = reinterpret_cast<uintptr_t>(p);
    return u - r.base < r.committed.load(std::memory_order_acquire) - r.base;
}

inline std::atomic<uint32_t> &cluster_refs(const void *cluster) noexcept {
    return state_of(kCluster, cluster);
}

// Counter values, summed over every thread.
struct Totals {
    int64_t mbufs;
    int64_t clusters;
    uint64_t double_frees;
};
Totals totals() noexcept;
void count_double_free() noexcept;

}  // namespace nke::ref::mbpool
