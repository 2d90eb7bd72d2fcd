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
//  - Arena bases are aligned to the object size, so dtom() works for mbufs
//    and a cluster is MCLBYTES-aligned (MBUF-LAYOUT-006/007).
//  - The state of an mbuf (free or live) is kept outside the mbuf, in a side
//    table, so a double free is detected even when the NKE scribbled on the
//    freed mbuf, and under ASan the whole freed object stays poisoned.
//  - A cluster's reference count lives in a side table too; 0 means free.
//  - The fast path (a cache hit) takes no lock and does no atomic
//    read-modify-write: a thread-local pointer, an array pop or push, a
//    relaxed store to the side table and a relaxed store to the thread's own
//    live counter.  Counters are per thread and summed when read.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace nke::ref::mbpool {

enum Class : unsigned { kMbuf = 0, kCluster = 1, kClasses = 2 };

// Take one object of the class; nullptr when the arena is exhausted.  The
// caller has already asked alloc_permitted().  The memory is not
// initialised.
void *take(Class c) noexcept;

// Give back one object taken by take().  The caller has checked it.
void give(Class c, void *obj) noexcept;

// True when p is the address of an mbuf of this stack that is currently
// allocated (not free).  Cheap: a range check, an alignment check and one
// relaxed load from the side table.
bool mbuf_is_live(const void *p) noexcept;

// Index of a cluster (p must point into the cluster arena), and its
// reference counter.
bool is_cluster(const void *p) noexcept;
std::atomic<uint32_t> &cluster_refs(const void *cluster) noexcept;

// Counter values, summed over every thread.
struct Totals {
    int64_t mbufs;
    int64_t clusters;
    uint64_t double_frees;
};
Totals totals() noexcept;
void count_double_free() noexcept;

}  // namespace nke::ref::mbpool
