#include "classify.hpp"

#include <gtest/gtest.h>

#include <csignal>

using namespace nke::runner;

namespace {
// waitpid-style statuses.
int exited(int code) { return (code & 0xff) << 8; }
int signaled(int sig) { return sig & 0x7f; }

Record finish(const char *status, const char *message = "") {
    Record r;
    r.test = "A.B";
    r.status = status;
    r.message = message;
    r.duration_ms = 3;
    return r;
}

Attempt run(int status, const Record *rec, std::string_view out = {}, bool started = true) {
    ProcessEnd e;
    e.status = status;
    return classify(e, rec, started, out);
}
}  // namespace

TEST(Classify, RecordsDecideNormalEnds) {
    const Record pass = finish("PASS"), fail = finish("FAIL", "x.cpp:1: boom"), skip = finish("SKIP", "why"),
                 ns = finish("NOT_SUPPORTED", "NOT_SUPPORTED: harness hook fail_alloc is not provided");
    EXPECT_EQ(run(exited(0), &pass).outcome, Outcome::Pass);
    EXPECT_EQ(run(exited(0), &pass).test_ms, 3);
    const Attempt f = run(exited(1), &fail);
    EXPECT_EQ(f.outcome, Outcome::Fail);
    EXPECT_EQ(f.message, "x.cpp:1: boom");
    EXPECT_EQ(run(exited(0), &skip).outcome, Outcome::Skip);
    EXPECT_EQ(run(exited(0), &ns).outcome, Outcome::NotSupported);
}

TEST(Classify, DeathBySignalIsACrashWithTheSignalName) {
    const Attempt a = run(signaled(SIGSEGV), nullptr);
    EXPECT_EQ(a.outcome, Outcome::Crash);
    EXPECT_NE(a.message.find("SIGSEGV"), std::string::npos) << a.message;
    EXPECT_NE(a.message.find("while running the test"), std::string::npos);
    const Attempt before = run(signaled(SIGABRT), nullptr, {}, false);
    EXPECT_NE(before.message.find("before the test started"), std::string::npos);
    // A crash after a PASS record (in a destructor, at exit) is still a crash.
    const Record pass = finish("PASS");
    EXPECT_EQ(run(signaled(SIGBUS), &pass).outcome, Outcome::Crash);
}

TEST(Classify, TimeoutWins) {
    ProcessEnd e;
    e.timed_out = true;
    e.timeout_s = 2.5;
    e.status = signaled(SIGKILL);
    const Attempt a = classify(e, nullptr, true, "");
    EXPECT_EQ(a.outcome, Outcome::Timeout);
    EXPECT_NE(a.message.find("2.5 s"), std::string::npos) << a.message;
}

TEST(Classify, SanitizerReportFailsAPassingTest) {
    const Record pass = finish("PASS");
    const std::string lsan =
        "[ OK ] A.B\n==123==ERROR: LeakSanitizer: detected memory leaks\n\nDirect leak of 8 byte(s)\n"
        "SUMMARY: AddressSanitizer: 8 byte(s) leaked in 1 allocation(s).\n";
    const Attempt a = run(exited(23), &pass, lsan);
    EXPECT_EQ(a.outcome, Outcome::Fail);
    EXPECT_NE(a.message.find("leaked"), std::string::npos) << a.message;
    EXPECT_NE(a.message.find("after the test reported PASS"), std::string::npos) << a.message;

    const std::string ubsan = "x.cpp:3:5: runtime error: signed integer overflow\n";
    EXPECT_EQ(run(exited(0), &pass, ubsan).outcome, Outcome::Fail);

    const std::string asan_uaf = "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x1\n"
                                 "SUMMARY: AddressSanitizer: heap-use-after-free a.c:3 in f\n";
    const Attempt uaf = run(signaled(SIGABRT), nullptr, asan_uaf);
    EXPECT_EQ(uaf.outcome, Outcome::Fail);
    EXPECT_EQ(uaf.message.rfind("SUMMARY: AddressSanitizer: heap-use-after-free", 0), 0u) << uaf.message;

    const std::string tsan = "WARNING: ThreadSanitizer: data race (pid=1)\nSUMMARY: ThreadSanitizer: data race a.c:1 in f\n";
    EXPECT_EQ(run(exited(66), &pass, tsan).outcome, Outcome::Fail);
}

TEST(Classify, SanitizedSegfaultIsStillACrash) {
    const std::string asan_segv = "==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000\n"
                                  "SUMMARY: AddressSanitizer: SEGV x.c:7 in ctl_register\n";
    const Attempt a = run(signaled(SIGABRT), nullptr, asan_segv);
    EXPECT_EQ(a.outcome, Outcome::Crash);
    EXPECT_EQ(a.message.rfind("killed by SIGSEGV, caught by AddressSanitizer: SUMMARY:", 0), 0u) << a.message;
    EXPECT_NE(a.message.find("ctl_register"), std::string::npos);
}

TEST(Classify, SanitizerRuntimeFailureIsBroken) {
    EXPECT_EQ(run(exited(1), nullptr, "FATAL: ThreadSanitizer: unexpected memory mapping 0x7f\n").outcome,
              Outcome::Broken);
}

TEST(Classify, AbnormalExitWithoutRecord) {
    const Attempt a = run(exited(3), nullptr, "nke: ABI mismatch\n");
    EXPECT_EQ(a.outcome, Outcome::Fail);
    EXPECT_NE(a.message.find("exit status 3"), std::string::npos);
    EXPECT_EQ(run(exited(0), nullptr).outcome, Outcome::Broken);      // did not run
    EXPECT_EQ(run(exited(127), nullptr).outcome, Outcome::Broken);    // could not start
    const Record pass = finish("PASS");
    EXPECT_EQ(run(exited(1), &pass).outcome, Outcome::Fail);         // failed at exit
}

TEST(Classify, FindsTheRapidCheckReproduceString) {
    const std::string out = "Falsifiable after 3 tests\nSome of your RapidCheck properties had failures. To "
                            "reproduce these, run with:\nRC_PARAMS=\"reproduce=BchdlNGdvJ3XzIXZsx2bl\"\n";
    EXPECT_EQ(find_rc_reproduce(out), "BchdlNGdvJ3XzIXZsx2bl");
    EXPECT_EQ(find_rc_reproduce("nothing"), "");
    const Record fail = finish("FAIL");
    EXPECT_EQ(run(exited(1), &fail, out).reproduce, "BchdlNGdvJ3XzIXZsx2bl");
}
