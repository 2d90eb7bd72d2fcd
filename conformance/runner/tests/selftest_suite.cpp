// A suite for testing the runner itself: every test does one thing the runner
// must classify (pass, fail, crash, abort, hang, exit without a result, skip,
// lack a hook, leak, print a sanitizer report, print a RapidCheck reproduce
// string, leave a child process behind).  check_selftest.py runs it through
// nke-conformance and checks each result.  The rule IDs are the runner's own
// (RUNNER-SELF-*), not spec rules.
#include "nke_test.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>

NKE_TEST(SelfTest, Passes, "RUNNER-SELF-001") { EXPECT_EQ(1 + 1, 2); }

NKE_TEST(SelfTest, Fails, "RUNNER-SELF-002") { ADD_FAILURE() << "deliberate failure"; }

NKE_TEST(SelfTest, Crashes, "RUNNER-SELF-003") {
    std::fflush(nullptr);
    std::raise(SIGSEGV);
}

NKE_TEST(SelfTest, Aborts, "RUNNER-SELF-004") { std::abort(); }

NKE_TIMEOUT(SelfTest, Hangs, 1);
NKE_TEST(SelfTest, Hangs, "RUNNER-SELF-005") {
    for (;;) ::pause();
}

NKE_TEST(SelfTest, ExitsWithoutResult, "RUNNER-SELF-006") { std::_Exit(7); }

NKE_TEST(SelfTest, SkipsItself, "RUNNER-SELF-007") { GTEST_SKIP() << "not applicable here"; }

NKE_TEST(SelfTest, NeedsTheResetHook, "RUNNER-SELF-008") {
    NKE_REQUIRE_HOOK(reset);
    SUCCEED();
}

NKE_TEST(SelfTest, Leaks, "RUNNER-SELF-009") {
    // The fixture's live-counter check must turn this into a failure.
    ASSERT_NE(m_get(M_DONTWAIT, MT_DATA), nullptr);
}

NKE_TEST(SelfTest, PrintsASanitizerReport, "RUNNER-SELF-010") {
    // What AddressSanitizer prints; the test itself passes.
    std::fprintf(stderr, "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010\n"
                         "SUMMARY: AddressSanitizer: heap-use-after-free selftest.cpp:1 in victim\n");
}

NKE_TEST(SelfTest, PrintsARapidCheckReproduce, "RUNNER-SELF-011") {
    std::printf("Some of your RapidCheck properties had failures. To reproduce these, run with:\n"
                "RC_PARAMS=\"reproduce=BcGdlZXJzZWxmdGVzdA\"\n");
    ADD_FAILURE() << "Falsifiable after 3 tests";
}

NKE_TEST(SelfTest, LeavesAChildBehind, "RUNNER-SELF-012") {
    // The child stays in the test's process group; the runner must kill it.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        for (;;) ::pause();
    }
    if (const char *f = std::getenv("NKE_SELFTEST_PIDFILE")) {
        std::ofstream(f, std::ios::app) << child << "\n";
    }
}

NKE_TEST(SelfTest, SeesTheTestEnvironment, "RUNNER-SELF-013") {
    // Kyua's environment: TZ=UTC, no locale, HOME and TMPDIR in the scratch
    // directory, which is the working directory.
    EXPECT_STREQ(std::getenv("TZ"), "UTC");
    EXPECT_EQ(std::getenv("LC_ALL"), nullptr);
    EXPECT_EQ(std::getenv("LANG"), nullptr);
    char cwd[4096];
    ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
    ASSERT_NE(std::getenv("HOME"), nullptr);
    EXPECT_STREQ(std::getenv("HOME"), cwd);
    EXPECT_STREQ(std::getenv("TMPDIR"), cwd);
    EXPECT_NE(std::getenv("NKE_RESULT_FILE"), nullptr);
    EXPECT_EQ(::getpgrp(), ::getpid()) << "every test process leads its own process group";
}
