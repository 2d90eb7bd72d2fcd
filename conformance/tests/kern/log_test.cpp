// spec/kern.md — the kernel log.
#include "nke_test.hpp"

#include <climits>

NKE_TEST(KernLog, AcceptsAnyLevelAndNullFormat, "KERN-LOG-001") {
    // Must neither fail nor crash, whatever it does with the line.
    nke_log(NKE_LOG_ERR, "conformance: %s %d", "value", 42);
    nke_log(NKE_LOG_DEBUG, "%s", "");
    nke_log(-1, "level below range");
    nke_log(INT_MAX, "level above range");
    nke_log(NKE_LOG_INFO, nullptr);
    char big[4096];
    std::memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    nke_log(NKE_LOG_NOTICE, "%s", big);
    SUCCEED();
}
