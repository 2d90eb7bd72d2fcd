// The mbuf and cluster allocator: arenas, depot, per-thread caches.  See
// pool.hpp for the design and its invariants.
#include "mbuf/pool.hpp"

#include <pthread.h>
#include <sys/mman.h>

#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

#include <nke/mbuf.h>  // last: it defines m_* macros

namespace nke::ref::mbpool {

Region g_region[kClasses];
constinit thread_local ThreadCache *t_cache [[gnu::tls_model("initial-exec")]] = nullptr;

namespace {

// Address space reserved per class.  Only what is used is committed; the
// numbers bound how many objects can be live at once (exhaustion makes the
// allocating calls fail, MBUF-ALLOC-009).  If the host refuses a
// reservation this large, smaller ones are tried down to kMinReserve.
constexpr size_t kReserve[kClasses] = {size_t{1} << 30, size_t{4} << 30};  // 4 Mi mbufs, 2 Mi clusters
constexpr size_t kMinReserve = size_t{16} << 20;
constexpr size_t kChunk[kClasses] = {size_t{256} << 10, size_t{1} << 20};
static_assert(kObjSize[kMbuf] == MSIZE && size_t{1} << kObjShift[kMbuf] == MSIZE);
static_assert(kObjSize[kCluster] == MCLBYTES && kObjShift[kCluster] == MCLSHIFT);

// The cold part of an arena: the depot and growth, under one mutex.
struct Depot {
    uintptr_t limit = 0;                   // end of the reserved range
    std::mutex mu;
    void **free = nullptr;                 // free objects, a stack of n
    size_t n = 0;
};

std::array<Depot, kClasses> g_depot;
std::once_flag g_init_once;
pthread_key_t g_exit_key;
bool g_exit_key_ok = false;
std::atomic<uint64_t> g_double_frees{0};

std::mutex g_caches_mu;
ThreadCache *g_all_caches = nullptr;   // guarded by g_caches_mu
ThreadCache *g_free_caches = nullptr;  // guarded by g_caches_mu

[[gnu::tls_model("initial-exec")]] constinit thread_local bool t_exiting = false;

void *map(size_t bytes, int prot) noexcept {
    void *p = ::mmap(nullptr, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

void init_arena(Class c) noexcept {
    Region &r = g_region[c];
    Depot &d = g_depot[c];
    for (size_t bytes = kReserve[c]; bytes >= kMinReserve; bytes /= 2) {
        // mmap returns page-aligned memory; both object sizes divide the page
        // size, so objects are aligned to their own size.
        void *range = map(bytes, PROT_NONE);
        if (range == nullptr) continue;
        const size_t objs = bytes / kObjSize[c];
        void *state = map(objs * sizeof(std::atomic<uint32_t>), PROT_READ | PROT_WRITE);
        void *depot = map(objs * sizeof(void *), PROT_READ | PROT_WRITE);
        if (state == nullptr || depot == nullptr) {
            ::munmap(range, bytes);
            if (state) ::munmap(state, objs * sizeof(std::atomic<uint32_t>));
            if (depot) ::munmap(depot, objs * sizeof(void *));
            continue;
        }
        r.base = reinterpret_cast<uintptr_t>(range);
        // Anonymous memory is zero: every state starts as 0 (free).
        r.state = static_cast<std::atomic<uint32_t> *>(state);
        d.limit = r.base + bytes;
        d.free = static_cast<void **>(depot);
        r.committed.store(r.base, std::memory_order_release);
        return;
    }
    // No memory at all: every allocation fails (nothing is ever committed).
}

void flush_at_thread_exit(void *arg) noexcept;

void init() noexcept {
    init_arena(kMbuf);
    init_arena(kCluster);
    g_exit_key_ok = pthread_key_create(&g_exit_key, flush_at_thread_exit) == 0;
}

void ensure_init() noexcept { std::call_once(g_init_once, init); }

// Commit one more chunk and push its objects onto the depot.  Caller holds
// the depot lock.  False when the arena is exhausted.
bool grow(Class c) noexcept {
    Region &r = g_region[c];
    Depot &d = g_depot[c];
    const uintptr_t start = r.committed.load(std::memory_order_relaxed);
    if (d.free == nullptr || d.limit - start < kChunk[c]) return false;
    void *chunk = reinterpret_cast<void *>(start);
    if (::mprotect(chunk, kChunk[c], PROT_READ | PROT_WRITE) != 0) return false;
    poison(chunk, kChunk[c]);
    // Highest address first, so that objects leave in ascending order.
    for (uintptr_t p = start + kChunk[c]; p > start;) {
        p -= kObjSize[c];
        d.free[d.n++] = reinterpret_cast<void *>(p);
    }
    r.committed.store(start + kChunk[c], std::memory_order_release);
    return true;
}

inline void *mark_taken(Class c, void *p) noexcept {
    unpoison(p, kObjSize[c]);
    state_of(c, p).store(1, std::memory_order_relaxed);
    return p;
}

ThreadCache *attach_cache() noexcept {
    if (!g_exit_key_ok) return nullptr;  // no way to flush at exit: stay uncached
    ThreadCache *tc = nullptr;
    {
        std::lock_guard lk(g_caches_mu);
        if (g_free_caches != nullptr) {
            tc = g_free_caches;
            g_free_caches = tc->next_free;
            tc->next_free = nullptr;
        } else {
            // Bookkeeping of the allocator itself, not an allocation made on
            // behalf of a call: it does not go through alloc_permitted().
            auto fresh = std::unique_ptr<ThreadCache>(new (std::nothrow) ThreadCache);
            if (!fresh) return nullptr;
            tc = fresh.release();  // lives as long as the process (see ThreadCache)
            tc->next_all = g_all_caches;
            g_all_caches = tc;
        }
    }
    if (pthread_setspecific(g_exit_key, tc) != 0) {
        std::lock_guard lk(g_caches_mu);
        tc->next_free = g_free_caches;
        g_free_caches = tc;
        return nullptr;
    }
    t_cache = tc;
    return tc;
}

void flush_at_thread_exit(void *arg) noexcept {
    auto *tc = static_cast<ThreadCache *>(arg);
    t_exiting = true;  // whatever this thread frees from now on goes straight to the depot
    t_cache = nullptr;
    for (unsigned c = 0; c < kClasses; ++c) {
        Stack &s = tc->stack[c];
        Depot &d = g_depot[c];
        std::lock_guard lk(d.mu);
        std::memcpy(d.free + d.n, s.obj, s.get() * sizeof(void *));
        d.n += s.get();
        s.set(0);
    }
    std::lock_guard lk(g_caches_mu);
    tc->next_free = g_free_caches;
    g_free_caches = tc;
}

// No cache on this thread (it is exiting, or no cache could be made): one
// object straight from the depot.
void *take_direct(Class c) noexcept {
    Depot &d = g_depot[c];
    void *p = nullptr;
    {
        std::lock_guard lk(d.mu);
        if (d.n == 0 && !grow(c)) return nullptr;
        p = d.free[--d.n];
    }
    return mark_taken(c, p);
}

}  // namespace

void *take_slow(Class c) noexcept {
    ensure_init();
    ThreadCache *tc = t_cache;
    if (tc == nullptr && !t_exiting) tc = attach_cache();
    if (tc == nullptr) return take_direct(c);
    Depot &d = g_depot[c];
    Stack &s = tc->stack[c];
    if (s.get() == 0) {
        std::lock_guard lk(d.mu);
        if (d.n < kBatch) grow(c);  // a failure still leaves what the depot has
        const size_t n = d.n < kBatch ? d.n : kBatch;
        d.n -= n;
        std::memcpy(s.obj, d.free + d.n, n * sizeof(void *));
        s.set(static_cast<uint32_t>(n));
    }
    const uint32_t n = s.get();
    if (n == 0) return nullptr;
    s.set(n - 1);
    return mark_taken(c, s.obj[n - 1]);
}

void give_slow(Class c, void *p) noexcept {
    Depot &d = g_depot[c];
    ThreadCache *tc = t_cache;
    if (tc == nullptr && !t_exiting) tc = attach_cache();
    if (tc == nullptr) {
        std::lock_guard lk(d.mu);
        d.free[d.n++] = p;
        return;
    }
    Stack &s = tc->stack[c];
    uint32_t n = s.get();
    if (n == kCacheCap) {
        // Move and recount under the depot lock, so totals() never sees the
        // batch in both places.
        std::lock_guard lk(d.mu);
        n -= kBatch;
        std::memcpy(d.free + d.n, s.obj + n, kBatch * sizeof(void *));
        d.n += kBatch;
        s.set(n);
    }
    s.obj[n] = p;
    s.set(n + 1);
}

Totals totals() noexcept {
    // With both depot locks held no object moves between a cache and a
    // depot, so every free object is counted exactly once; allocations and
    // frees on the fast paths may go on, and each is a real change.
    std::scoped_lock depots(g_depot[kMbuf].mu, g_depot[kCluster].mu);
    int64_t live[kClasses];
    for (unsigned c = 0; c < kClasses; ++c) {
        const Region &r = g_region[c];
        live[c] = static_cast<int64_t>((r.committed.load(std::memory_order_relaxed) - r.base) >>
                                       kObjShift[c]) -
                  static_cast<int64_t>(g_depot[c].n);
    }
    {
        std::lock_guard lk(g_caches_mu);
        for (ThreadCache *tc = g_all_caches; tc != nullptr; tc = tc->next_all)
            for (unsigned c = 0; c < kClasses; ++c) live[c] -= tc->stack[c].get();
    }
    return {live[kMbuf], live[kCluster], g_double_frees.load(std::memory_order_relaxed)};
}

void count_double_free() noexcept { g_double_frees.fetch_add(1, std::memory_order_relaxed); }

}  // namespace nke::ref::mbpool
