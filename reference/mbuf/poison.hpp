// AddressSanitizer poisoning of free pool objects (spec/mbuf.md,
// MBUF-FREE-*): a free mbuf or cluster is poisoned, so an NKE that touches
// one after freeing it is reported by ASan at the faulty access.  Without
// ASan these compile to nothing.
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define NKE_MBUF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NKE_MBUF_ASAN 1
#endif
#endif

#if defined(NKE_MBUF_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace nke::ref::mbpool {

inline void poison([[maybe_unused]] void *p, [[maybe_unused]] size_t n) noexcept {
#if defined(NKE_MBUF_ASAN)
    ASAN_POISON_MEMORY_REGION(p, n);
#endif
}

inline void unpoison([[maybe_unused]] void *p, [[maybe_unused]] size_t n) noexcept {
#if defined(NKE_MBUF_ASAN)
    ASAN_UNPOISON_MEMORY_REGION(p, n);
#endif
}

}  // namespace nke::ref::mbpool
