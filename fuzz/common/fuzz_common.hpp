// Shared by every OpenNKE fuzz target (fuzz/<target>/<target>.cc).
//
// The targets use only the ABI (<nke/nke.h>) and the harness table
// (nke_harness_v1()), like the conformance suite, so they fuzz ANY
// implementation: the binaries link libnke.so.1 by SONAME and another
// implementation is substituted through LD_LIBRARY_PATH.
//
// A target checks invariants, not only "no crash": a violated invariant
// prints what was expected and aborts, which libFuzzer reports as a crash
// (deadly signal) and the replay binary reports as a failed test.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <nke/nke.h>  // last: <nke/mbuf.h> defines m_len, m_data, ... as macros

namespace nke::fuzz {

// --- reporting ---------------------------------------------------------------

// True when the decoded input should be printed as a list of ABI calls
// (replay --print, or NKE_FUZZ_PRINT=1 in the environment of either binary).
bool print_enabled();
void set_print_enabled(bool on);

// printf to stderr when printing is enabled.
void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Report a violated invariant and abort.
[[noreturn]] void fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// The condition text is passed as an argument: it may contain '%'.
[[noreturn]] void fail_check(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define FUZZ_CHECK(cond, ...)                                                                \
    do {                                                                                     \
        if (!(cond)) ::nke::fuzz::fail_check(__FILE__, __LINE__, #cond, __VA_ARGS__);        \
    } while (0)

// A target's own driving and checking code (scene setting, FUZZ_CHECKs,
// counter comparisons) is the same on nearly every input: left out of the
// coverage feedback, like the functions in fuzz/coverage-ignorelist.txt, so
// that libFuzzer keeps inputs for what the implementation did.  A target's
// oracle stays instrumented: against an implementation built without
// coverage it is the only feedback there is.
#if defined(__clang__)
#define NKE_FUZZ_NO_FEEDBACK __attribute__((no_sanitize("coverage")))
#else
#define NKE_FUZZ_NO_FEEDBACK
#endif

// --- the harness table ---------------------------------------------------------

const nke_harness &harness();
nke_counters counters();

// Live counters (those that must return to their value when everything an
// input created has been released), with their names.
struct LiveDiff {
    std::string text;  // "mbufs 3 -> 4; sockets 1 -> 2", empty if none differ
    bool empty() const { return text.empty(); }
};
LiveDiff live_diff(const nke_counters &before, const nke_counters &after);

// Abort unless every live counter is back at its value in `before`.
void expect_no_leak(const nke_counters &before, const char *when);

// RAII: arm the allocation-failure point (if the implementation offers it)
// for one call; disarmed on destruction.  nth == 0 arms nothing.
class FailAlloc {
public:
    FailAlloc(uint64_t nth, bool persistent);
    ~FailAlloc();
    bool armed() const { return armed_; }
    FailAlloc(const FailAlloc &) = delete;
    FailAlloc &operator=(const FailAlloc &) = delete;

private:
    bool armed_ = false;
};

// RAII: act as (uid, euid) on this thread; root again on destruction.
// available() is false when the implementation has no set_credentials hook.
class AsUser {
public:
    AsUser(uint32_t uid, uint32_t euid);
    ~AsUser();
    bool ok() const { return ok_; }
    AsUser(const AsUser &) = delete;
    AsUser &operator=(const AsUser &) = delete;

private:
    bool ok_ = false;
};

// A printable rendering of bytes: "01 02 ff" (at most `max` bytes, then "...").
std::string hex(const void *p, size_t n, size_t max = 48);

// errno name for traces ("EINVAL"), or the number.
const char *errno_name(int e);

// Path of a test module (NKE module shared object) the targets may load:
// $NKE_FUZZ_MODULE_DIR/<name>.nke.so, else the directory compiled in.
std::string module_path(const char *name);

}  // namespace nke::fuzz
