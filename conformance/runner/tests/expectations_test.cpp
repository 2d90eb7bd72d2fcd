#include "expectations.hpp"

#include <gtest/gtest.h>

using namespace nke::runner;

namespace {
TestCase tc(const std::string &id) {
    TestCase t;
    t.id = t.gtest_name = id;
    return t;
}

ExpectationFile parse_ok(const std::string &text) {
    std::string err;
    auto f = parse_expectations(text, "x.txt", &err);
    EXPECT_TRUE(f) << err;
    return f ? *f : ExpectationFile{};
}
}  // namespace

TEST(Expectations, ParsesEntriesAndKeepsTheHeader) {
    const auto f = parse_ok("# Known failures\n# of foo\n\nA.B FAIL issue #12: wrong errno\n"
                            "  Ctl*   CRASH\tsegfaults in ctl_register  \n# note\nX.Y SKIP hangs forever\n");
    ASSERT_EQ(f.entries.size(), 3u);
    EXPECT_EQ(f.header, "# Known failures\n# of foo\n\n");
    EXPECT_EQ(f.entries[0].pattern, "A.B");
    EXPECT_EQ(f.entries[0].outcome, Outcome::Fail);
    EXPECT_EQ(f.entries[0].reason, "issue #12: wrong errno");
    EXPECT_EQ(f.entries[0].line, 4);
    EXPECT_EQ(f.entries[1].outcome, Outcome::Crash);
    EXPECT_EQ(f.entries[1].reason, "segfaults in ctl_register");
    EXPECT_EQ(f.entries[2].outcome, Outcome::Skip);
}

TEST(Expectations, ReasonIsRequiredAndOutcomesAreChecked) {
    std::string err;
    EXPECT_FALSE(parse_expectations("A.B FAIL\n", "x.txt", &err));
    EXPECT_EQ(err, "x.txt:1: entry for 'A.B' has no reason (a reason is required)");
    EXPECT_FALSE(parse_expectations("\nA.B PASS because\n", "x.txt", &err));
    EXPECT_NE(err.find("x.txt:2:"), std::string::npos);
    EXPECT_FALSE(parse_expectations("A.B XFAIL r\n", "x.txt", &err));
    EXPECT_FALSE(parse_expectations("A.B\n", "x.txt", &err));
    EXPECT_FALSE(parse_expectations("A.B FAIL r\nA.B CRASH r\n", "x.txt", &err));
    EXPECT_NE(err.find("duplicate"), std::string::npos);
}

TEST(Expectations, ExactEntryWinsOverGlob) {
    const auto f = parse_ok("Ctl* CRASH all of them\nCtl.One FAIL just this one\n");
    EXPECT_EQ(match_expectation(f, tc("Ctl.One"))->outcome, Outcome::Fail);
    EXPECT_EQ(match_expectation(f, tc("Ctl.Two"))->outcome, Outcome::Crash);
    EXPECT_EQ(match_expectation(f, tc("Mbuf.X")), nullptr);
}

TEST(Expectations, EntriesMatchingNoTestAreStale) {
    const auto f = parse_ok("A.B FAIL r\nGone.* FAIL r\nA.* CRASH r\n");
    const auto stale = stale_expectations(f, {tc("A.B"), tc("A.C")});
    ASSERT_EQ(stale.size(), 1u);
    EXPECT_EQ(stale[0].pattern, "Gone.*");
    EXPECT_EQ(stale[0].line, 2);
}

TEST(Expectations, ApplyGivesXfailXpassAndKeepsOtherFailures) {
    Expectation fail{"A.B", Outcome::Fail, "why", 1};
    std::string note;
    EXPECT_EQ(apply_expectation(Outcome::Fail, &fail, &note), Outcome::XFail);
    EXPECT_EQ(apply_expectation(Outcome::Pass, &fail, &note), Outcome::XPass);
    EXPECT_NE(note.find("remove or update"), std::string::npos);
    EXPECT_EQ(apply_expectation(Outcome::Crash, &fail, &note), Outcome::Crash);
    EXPECT_NE(note.find("says FAIL, not CRASH"), std::string::npos);
    EXPECT_EQ(apply_expectation(Outcome::NotSupported, &fail, &note), Outcome::NotSupported);
    EXPECT_EQ(apply_expectation(Outcome::Pass, nullptr, &note), Outcome::Pass);
    EXPECT_TRUE(note.empty());
    Expectation skip{"A.B", Outcome::Skip, "hangs", 1};
    EXPECT_EQ(apply_expectation(Outcome::Broken, &skip, &note), Outcome::Skip);
}

TEST(Expectations, UpdateKeepsSplitsDropsAndAdds) {
    const std::vector<TestCase> tests = {tc("A.One"), tc("A.Two"), tc("B.Pass"), tc("C.New"), tc("D.NotRun"),
                                         tc("E.Skip")};
    const auto f = parse_ok("# header\nA.* FAIL glob reason\nB.Pass FAIL fixed now\nD.NotRun CRASH keep me\n"
                            "E.Skip SKIP hangs\nGone.X FAIL stale\n");
    auto res = [](size_t i, Outcome raw, const char *msg = "") {
        TestResult r;
        r.test = i;
        r.ran = true;
        r.raw = raw;
        r.message = msg;
        return r;
    };
    const std::vector<TestResult> results = {res(0, Outcome::Fail), res(1, Outcome::Pass), res(2, Outcome::Pass),
                                             res(3, Outcome::Timeout, "no result within 10 s\nmore")};
    const std::string text = updated_expectations(f, tests, results, "2026-01-02");
    EXPECT_EQ(text,
              "# header\n"
              "D.NotRun CRASH keep me\n"
              "E.Skip SKIP hangs\n"
              "A.One FAIL glob reason\n"
              "C.New TIMEOUT new failure 2026-01-02: no result within 10 s\n");
    // The result parses and would now make the run pass.
    std::string err;
    EXPECT_TRUE(parse_expectations(text, "x.txt", &err)) << err;
}
