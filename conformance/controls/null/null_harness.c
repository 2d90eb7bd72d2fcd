/*
 * The null implementation's harness table (the rest of libnke_null.so is the
 * generated null_impl.c: every entry point gives the spec's "not supported"
 * answer).  A valid table, so the suite runs: counters all zero, no optional
 * hooks.  The suite must fail every behavioural test against it.
 */
#include <nke/nke.h>

#include <errno.h>
#include <string.h>

static int null_get_counters(struct nke_counters *out) {
    if (out == NULL || out->size < sizeof(uint32_t)) return EINVAL;
    const uint32_t size = out->size;
    memset(out, 0, size < sizeof *out ? size : sizeof *out);
    out->size = size;
    return 0;
}

static const struct nke_harness g_null_table = {
    sizeof(struct nke_harness), NKE_ABI_VERSION, "OpenNKE null", "1.0", null_get_counters, NULL, NULL, NULL, {0},
};

NKE_API const struct nke_harness *nke_harness_v1(void) { return &g_null_table; }
