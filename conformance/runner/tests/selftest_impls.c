/* Implementations the runner must refuse with exit status 3 (check_selftest.py).
 * One source, three shared objects, chosen by a macro:
 *   SELFTEST_BAD_ABI     every symbol (with null_impl.c), but ABI 2.0
 *   SELFTEST_MISSING     only nke_harness_v1: 124 symbols missing
 *   SELFTEST_CTOR_CRASH  crashes while being loaded */
#include <nke/nke.h>

#include <signal.h>

#if defined(SELFTEST_CTOR_CRASH)
__attribute__((constructor)) static void crash_on_load(void) { raise(SIGSEGV); }
#else
static int get_counters(struct nke_counters *c) {
    (void)c;
    return 0;
}
#if defined(SELFTEST_BAD_ABI)
#define SELFTEST_VERSION ((2 << 16) | 0)
#else
#define SELFTEST_VERSION NKE_ABI_VERSION
#endif
static const struct nke_harness g_table = {sizeof(struct nke_harness), SELFTEST_VERSION, "runner selftest", "0",
                                           get_counters, 0, 0, 0, {0}};
NKE_API const struct nke_harness *nke_harness_v1(void) { return &g_table; }
#endif
