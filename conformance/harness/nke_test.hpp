// The conformance harness: what every conformance test includes.
//
// A test is one behaviour, traced to the rules it checks (test262 style):
//
//   NKE_TEST(CtlConnect, ShortAddressIsEinval, "CTL-CONNECT-004") {
//       ...
//   }
//
// The fixture records a snapshot of the implementation's resource counters
// before the test and fails the test if any live counter differs after it
// (no leaked mbuf, socket, filter, controller, module...).  Tests use only
// the ABI (<nke/nke.h>) and the harness table; never the reference's
// internals.  Tests must not assume a fresh instance: compare with the
// snapshot, not with absolute numbers, so that batch mode works too.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Last: <nke/mbuf.h> defines m_len, m_data, ... as macros (as the legacy
// header did), which must not reach library headers.
#include <nke/nke.h>

namespace nke::test {

// --- metadata ---------------------------------------------------------------

struct TestMeta {
    TestMeta(const char *suite, const char *name, std::initializer_list<const char *> rules,
             const char *file, int line);
    std::string id;  // "Suite.Name"
    std::vector<std::string> rules;
    std::string file;
    int line;
};

struct TimeoutMeta {
    TimeoutMeta(const char *suite, const char *name, int seconds);
};

const TestMeta *find_meta(std::string_view id);

// --- the implementation's harness table -----------------------------------------

const nke_harness &harness();
nke_counters counters();
bool has_hook(const void *hook);

// Live counters that must come back to their value after every test.
std::vector<std::pair<const char *, uint64_t>> live_counters(const nke_counters &c);

// Differences between two snapshots, "mbufs 3 -> 4; sockets 1 -> 2", or "".
std::string live_diff(const nke_counters &before, const nke_counters &after);

// --- RAII helpers -----------------------------------------------------------

// Act as another user on this thread; back to root on destruction.
class AsUser {
public:
    AsUser(uint32_t uid, uint32_t euid);
    ~AsUser();
    AsUser(const AsUser &) = delete;
    AsUser &operator=(const AsUser &) = delete;
};

// Make the nth allocation from now fail (persistently or not); disarmed on
// destruction.
class FailAlloc {
public:
    FailAlloc(uint64_t nth, bool persistent);
    ~FailAlloc();
    FailAlloc(const FailAlloc &) = delete;
    FailAlloc &operator=(const FailAlloc &) = delete;
};

// The SQLite malloc-failure loop (HARN-FAIL-*): for n = 1, 2, ... make the
// nth allocation fail -- transiently, then persistently -- and call
// `attempt`, until it succeeds.  Every failed attempt must return one of
// `allowed` and leave the live counters unchanged; a success is undone with
// `undo`.  Afterwards `attempt` must succeed with no failure armed.
// Returns the n at which the transient sweep first succeeded (0 on failure
// of the sweep itself, which is also reported with ADD_FAILURE).
uint64_t alloc_sweep(const std::function<int()> &attempt, const std::function<void()> &undo,
                     std::initializer_list<int> allowed, uint64_t max_n = 512);

// Absolute path of a test module built from conformance/modules/<name>.c.
std::string module_path(std::string_view name);

// --- the fixture ------------------------------------------------------------

class Fixture : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Counters at the start of the test.
    const nke_counters &baseline() const { return baseline_; }
    // Expect the live counters to equal the snapshot taken by the caller
    // (for "a refused call changed nothing").
    static void expect_unchanged(const nke_counters &before, const char *what);

private:
    nke_counters baseline_{};
};

}  // namespace nke::test

#define NKE_TEST_META_NAME_(suite, name) nke_test_meta_##suite##_##name##_
#define NKE_TEST_STR_(x) #x

// NKE_TEST(Suite, Name, "RULE-ID-001", ...): a conformance test.
#define NKE_TEST(suite, name, ...)                                                           \
    static const ::nke::test::TestMeta NKE_TEST_META_NAME_(suite, name){                     \
        NKE_TEST_STR_(suite), NKE_TEST_STR_(name), {__VA_ARGS__}, __FILE__, __LINE__};       \
    GTEST_TEST_(suite, name, ::nke::test::Fixture,                                           \
                ::testing::internal::GetTypeId<::nke::test::Fixture>())

// NKE_TIMEOUT(Suite, Name, seconds): a longer timeout for one test.
#define NKE_TIMEOUT(suite, name, seconds)                                                   \
    static const ::nke::test::TimeoutMeta nke_test_timeout_##suite##_##name##_{             \
        NKE_TEST_STR_(suite), NKE_TEST_STR_(name), seconds}

// Skip (as NOT_SUPPORTED) a test that needs an optional harness hook.
#define NKE_REQUIRE_HOOK(hook)                                                               \
    do {                                                                                     \
        if (::nke::test::harness().hook == nullptr)                                          \
            GTEST_SKIP() << "NOT_SUPPORTED: harness hook " #hook " is not provided";         \
    } while (0)

// A user-side call must fail with -1 and errno == err.
#define EXPECT_SYS_ERRNO(call, err)                                                          \
    do {                                                                                     \
        errno = 0;                                                                           \
        const auto nke_rc_ = (call);                                                         \
        const int nke_errno_ = errno;                                                        \
        EXPECT_EQ(nke_rc_, -1) << #call;                                                     \
        EXPECT_EQ(nke_errno_, (err)) << #call << ": errno " << std::strerror(nke_errno_);    \
    } while (0)

#define ASSERT_SYS_OK(call)                                                                  \
    do {                                                                                     \
        errno = 0;                                                                           \
        const auto nke_rc_ = (call);                                                         \
        ASSERT_GE(nke_rc_, 0) << #call << ": " << std::strerror(errno);                      \
    } while (0)
