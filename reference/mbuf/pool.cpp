// The mbuf and cluster allocator: arenas, depot, per-thread caches.  See
// pool.hpp for the design and its invariants.
#include "mbuf/pool.hpp"

#include "mbuf/poison.hpp"

#include <pthread.h>
#include <sys/mman.h>

#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

#include <nke/mbuf.h>  // last: it defines m_* macros

namespace nke::ref::mbpool {
namespace {

// Address space reserved per class.  Only what is used is committed; the
// numbers bound how many objects can be live at once (exhaustion makes the
// allocating calls return NULL, MBUF-ALLOC-009).  If the host refuses a
// reservation this large, smaller ones are tried down to kMinReserve.
constexpr size_t kReserve[kClasses] = {size_t{1} << 30, size_t{4} << 30};  // 4 Mi mbufs, 2 Mi clusters
constexpr size_t kMinReserve = size_t{16} << 20;
constexpr size_t kObjSize[kClasses] = {MSIZE, MCLBYTES};
constexpr unsigned kObjShift[kClasses] = {8, MCLSHIFT};
constexpr size_t kChunk[kClasses] = {size_t{256} << 10, size_t{1} << 20};
static_assert(size_t{1} << 8 == MSIZE);
static_assert(size_t{1} << MCLSHIFT == MCLBYTES);

// A thread keeps up to kCacheCap free objects per class and moves kBatch
// at a time to or from the depot, so a thread that allocates and frees in
// a steady state never touches the depot.
constexpr uint32_t kCacheCap = 256;
constexpr uint32_t kBatch = kCacheCap / 2;

struct Arena {
    uintptr_t base = 0;                      // reserved range [base, limit)
    uintptr_t limit = 0;
    std::atomic<uintptr_t> committed{0};     // [base, committed) is usable
    std::atomic<uint32_t> *state = nullptr;  // per object: 0 free, else live (refs for clusters)
    std::mutex mu;                           // guards the depot and growth
    void **depot = nullptr;                  // free objects, a stack of depot_n
    size_t depot_n = 0;
    std::atomic<int64_t> direct_live{0};     // live count of threads without a cache
};

struct Stack {
    uint32_t n = 0;
    void *obj[kCacheCap];
};

// One per thread that allocates or frees.  Records are never freed: a
// thread that exits flushes its stacks and leaves the record for the next
// new thread, counters included, so the sum over all records stays exact
// and readers never see freed memory.
struct ThreadCache {
    std::array<Stack, kClasses> stack;
    std::array<std::atomic<int64_t>, kClasses> live{};
    ThreadCache *next_all = nullptr;
    ThreadCache *next_free = nullptr;
};

std::array<Arena, kClasses> g_arena;
std::once_flag g_init_once;
pthread_key_t g_exit_key;
std::atomic<uint64_t> g_double_frees{0};

std::mutex g_caches_mu;
ThreadCache *g_all_caches = nullptr;   // guarded by g_caches_mu
ThreadCache *g_free_caches = nullptr;  // guarded by g_caches_mu

// initial-exec: a plain %fs-relative load, no __tls_get_addr on the fast
// path.  libnke is linked by the program, so it is in the initial TLS block.
[[gnu::tls_model("initial-exec")]] thread_local ThreadCache *t_cache = nullptr;
[[gnu::tls_model("initial-exec")]] thread_local bool t_exiting = false;

void *map(size_t bytes, int prot) noexcept {
    void *p = ::mmap(nullptr, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

void init_arena(Class c) noexcept {
    Arena &a = g_arena[c];
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
        a.base = reinterpret_cast<uintptr_t>(range);
        a.limit = a.base + bytes;
        // Anonymous memory is zero: every state starts as 0 (free).
        a.state = static_cast<std::atomic<uint32_t> *>(state);
        a.depot = static_cast<void **>(depot);
        a.committed.store(a.base, std::memory_order_release);
        return;
    }
    // No memory at all: every allocation fails (base == limit).
}

void flush_at_thread_exit(void *arg) noexcept;

void init() noexcept {
    init_arena(kMbuf);
    init_arena(kCluster);
    if (pthread_key_create(&g_exit_key, flush_at_thread_exit) != 0) g_exit_key = pthread_key_t{};
}

void ensure_init() noexcept { std::call_once(g_init_once, init); }

inline size_t index_of(const Arena &a, Class c, const void *p) noexcept {
    return (reinterpret_cast<uintptr_t>(p) - a.base) >> kObjShift[c];
}

// Commit one more chunk and push its objects onto the depot.  Caller holds
// a.mu.  False when the arena is exhausted.
bool grow(Class c) noexcept {
    Arena &a = g_arena[c];
    const uintptr_t start = a.committed.load(std::memory_order_relaxed);
    if (a.limit - start < kChunk[c]) return false;
    void *chunk = reinterpret_cast<void *>(start);
    if (::mprotect(chunk, kChunk[c], PROT_READ | PROT_WRITE) != 0) return false;
    poison(chunk, kChunk[c]);
    // Highest address first, so the lowest one is popped first.
    for (uintptr_t p = start + kChunk[c]; p > start;) {
        p -= kObjSize[c];
        a.depot[a.depot_n++] = reinterpret_cast<void *>(p);
    }
    a.committed.store(start + kChunk[c], std::memory_order_release);
    return true;
}

// Mark an object taken: unpoison, set its state, count it.
inline void *taken(Class c, void *p, std::atomic<int64_t> &live, bool exclusive) noexcept {
    Arena &a = g_arena[c];
    unpoison(p, kObjSize[c]);
    a.state[index_of(a, c, p)].store(1, std::memory_order_relaxed);
    if (exclusive) live.store(live.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    else live.fetch_add(1, std::memory_order_relaxed);
    return p;
}

ThreadCache *attach_cache() noexcept {
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
    t_exiting = true;  // anything this thread frees from now on goes straight to the depot
    t_cache = nullptr;
    for (unsigned c = 0; c < kClasses; ++c) {
        Stack &s = tc->stack[c];
        Arena &a = g_arena[c];
        std::lock_guard lk(a.mu);
        std::memcpy(a.depot + a.depot_n, s.obj, s.n * sizeof(void *));
        a.depot_n += s.n;
        s.n = 0;
    }
    std::lock_guard lk(g_caches_mu);
    tc->next_free = g_free_caches;
    g_free_caches = tc;
}

// No cache on this thread (it is exiting, or the cache could not be made):
// one object straight from the depot.
void *take_direct(Class c) noexcept {
    Arena &a = g_arena[c];
    void *p = nullptr;
    {
        std::lock_guard lk(a.mu);
        if (a.depot_n == 0 && !grow(c)) return nullptr;
        p = a.depot[--a.depot_n];
    }
    return taken(c, p, a.direct_live, false);
}

void *take_slow(Class c) noexcept {
    ensure_init();
    ThreadCache *tc = t_cache;
    if (tc == nullptr && !t_exiting) tc = attach_cache();
    if (tc == nullptr) return take_direct(c);
    Arena &a = g_arena[c];
    Stack &s = tc->stack[c];
    {
        std::lock_guard lk(a.mu);
        if (a.depot_n < kBatch) grow(c);  // a failure still leaves what the depot has
        const size_t n = a.depot_n < kBatch ? a.depot_n : kBatch;
        a.depot_n -= n;
        std::memcpy(s.obj + s.n, a.depot + a.depot_n, n * sizeof(void *));
        s.n += static_cast<uint32_t>(n);
    }
    if (s.n == 0) return nullptr;
    return taken(c, s.obj[--s.n], tc->live[c], true);
}

void give_slow(Class c, void *p) noexcept {
    Arena &a = g_arena[c];
    ThreadCache *tc = t_cache;
    if (tc == nullptr && !t_exiting) tc = attach_cache();
    if (tc == nullptr) {
        a.direct_live.fetch_sub(1, std::memory_order_relaxed);
        std::lock_guard lk(a.mu);
        a.depot[a.depot_n++] = p;
        return;
    }
    Stack &s = tc->stack[c];
    if (s.n == kCacheCap) {
        std::lock_guard lk(a.mu);
        s.n -= kBatch;
        std::memcpy(a.depot + a.depot_n, s.obj + s.n, kBatch * sizeof(void *));
        a.depot_n += kBatch;
    }
    s.obj[s.n++] = p;
    auto &live = tc->live[c];
    live.store(live.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

}  // namespace

void *take(Class c) noexcept {
    ThreadCache *tc = t_cache;
    if (tc != nullptr) [[likely]] {
        Stack &s = tc->stack[c];
        if (s.n != 0) [[likely]]
            return taken(c, s.obj[--s.n], tc->live[c], true);
    }
    return take_slow(c);
}

void give(Class c, void *p) noexcept {
    Arena &a = g_arena[c];
    a.state[index_of(a, c, p)].store(0, std::memory_order_relaxed);
    poison(p, kObjSize[c]);
    ThreadCache *tc = t_cache;
    if (tc != nullptr) [[likely]] {
        Stack &s = tc->stack[c];
        if (s.n != kCacheCap) [[likely]] {
            s.obj[s.n++] = p;
            auto &live = tc->live[c];
            live.store(live.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
            return;
        }
    }
    give_slow(c, p);
}

bool mbuf_is_live(const void *p) noexcept {
    const Arena &a = g_arena[kMbuf];
    const auto u = reinterpret_cast<uintptr_t>(p);
    if (u < a.base || u >= a.committed.load(std::memory_order_acquire)) return false;
    if ((u & (MSIZE - 1)) != 0) return false;
    return a.state[index_of(a, kMbuf, p)].load(std::memory_order_relaxed) != 0;
}

bool is_cluster(const void *p) noexcept {
    const Arena &a = g_arena[kCluster];
    const auto u = reinterpret_cast<uintptr_t>(p);
    return u >= a.base && u < a.committed.load(std::memory_order_acquire);
}

std::atomic<uint32_t> &cluster_refs(const void *cluster) noexcept {
    Arena &a = g_arena[kCluster];
    return a.state[index_of(a, kCluster, cluster)];
}

Totals totals() noexcept {
    Totals t{g_arena[kMbuf].direct_live.load(std::memory_order_relaxed),
             g_arena[kCluster].direct_live.load(std::memory_order_relaxed),
             g_double_frees.load(std::memory_order_relaxed)};
    std::lock_guard lk(g_caches_mu);
    for (ThreadCache *tc = g_all_caches; tc != nullptr; tc = tc->next_all) {
        t.mbufs += tc->live[kMbuf].load(std::memory_order_relaxed);
        t.clusters += tc->live[kCluster].load(std::memory_order_relaxed);
    }
    return t;
}

void count_double_free() noexcept { g_double_frees.fetch_add(1, std::memory_order_relaxed); }

}  // namespace nke::ref::mbpool
