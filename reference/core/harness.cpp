// nke_harness_v1: the test-support table of the reference (spec/harness.md).
#include <nke/harness.h>

#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "core/proc.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace {

int get_counters(nke_counters *out) {
    if (out == nullptr || out->size < sizeof(uint32_t)) return EINVAL;
    nke_counters full;
    nke::ref::fill_counters(full);
    const uint32_t want = out->size;
    std::memcpy(out, &full, std::min<size_t>(want, sizeof full));
    out->size = want;
    return 0;
}

int fail_alloc(uint64_t nth, int persistent) {
    return nke::ref::set_alloc_failure(nth, persistent != 0);
}

int set_credentials(uint32_t uid, uint32_t euid) {
    return nke::ref::set_thread_credentials(uid, euid);
}

const nke_harness g_harness = {
    sizeof(nke_harness),
    NKE_ABI_VERSION,
    "OpenNKE reference",
    "0.1.0",
    get_counters,
    fail_alloc,
    set_credentials,
    nullptr,  // reset: the reference is judged in isolated mode (HARN-RESET-002)
    {},
};

}  // namespace

extern "C" NKE_API const struct nke_harness *nke_harness_v1(void) { return &g_harness; }
