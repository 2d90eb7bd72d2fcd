// The reporters on a small hand-made run: valid JSON with the documented
// fields, well-formed escaped JUnit, the closing console line, the matrix
// in the HTML.
#include "json.hpp"
#include "report_console.hpp"
#include "report_html.hpp"
#include "report_json.hpp"
#include "report_junit.hpp"
#include "text.hpp"

#include <gtest/gtest.h>

#include <cstdio>

using namespace nke::runner;

namespace {

struct Fixture {
    std::vector<TestCase> tests;
    RuleCatalog rules;
    RunReport report;

    Fixture() {
        auto add = [&](const std::string &id, std::vector<std::string> rules_, const std::string &chapter) {
            TestCase t;
            t.id = t.gtest_name = id;
            t.rules = std::move(rules_);
            t.chapter = chapter;
            t.binary = "/suite/nke-conformance-tests";
            t.file = "t.cpp";
            t.line = 1;
            tests.push_back(t);
        };
        add("Ctl.Pass", {"CTL-REG-001"}, "kern_control");
        add("Ctl.Crash<&>", {"CTL-REG-002"}, "kern_control");
        add("Mbuf.XFail", {"MBUF-COPY-001"}, "mbuf");
        add("Mbuf.Hook", {"MBUF-COPY-002"}, "mbuf");
        report.suite_version = "0.1.0";
        report.git_revision = "abc";
        report.abi_major = 1;
        report.impl.name = "Test \"impl\"";
        report.impl.version = "1";
        report.impl.path = "/x/lib impl.so";
        report.runner = "/bin/nke-conformance";
        report.tests = &tests;
        report.rules = &rules;
        auto res = [&](size_t i, Outcome raw, Outcome out, const std::string &msg) {
            TestResult r;
            r.test = i;
            r.ran = true;
            r.raw = raw;
            r.outcome = out;
            r.message = msg;
            Attempt a;
            a.outcome = raw;
            a.message = msg;
            a.wall_ms = 5;
            a.output_tail = raw == Outcome::Pass ? "" : "tail \x01 ]]> </system-err>";
            if (raw == Outcome::Crash) a.reproduce = "Bxyz";
            r.attempts.push_back(a);
            report.results.push_back(r);
        };
        res(0, Outcome::Pass, Outcome::Pass, "");
        res(1, Outcome::Crash, Outcome::Crash, "killed by SIGSEGV <while> & \"x\"");
        res(2, Outcome::Fail, Outcome::XFail, "expected FAIL: known");
        res(3, Outcome::NotSupported, Outcome::NotSupported, "NOT_SUPPORTED: harness hook fail_alloc");
        report.results[2].expected = Expectation{"Mbuf.XFail", Outcome::Fail, "known", 3};
    }
};

}  // namespace

TEST(Reports, SummaryCountsAndBothNumbers) {
    Fixture f;
    const Summary s = summarize(f.report);
    EXPECT_EQ(s.all.total, 4);
    EXPECT_EQ(s.all.passed, 1);
    EXPECT_EQ(s.all.failed, 1);   // the crash
    EXPECT_EQ(s.all.skipped, 2);  // XFAIL + NOT_SUPPORTED
    EXPECT_EQ(s.raw_judged, 3);   // NOT_SUPPORTED is not judged
    EXPECT_EQ(s.raw_passed, 1);   // the expected failure counts as a failure
    EXPECT_EQ(s.exp_passed, 2);   // ... but not with expectations applied
    ASSERT_EQ(s.chapters.size(), 2u);
    EXPECT_EQ(s.chapters[0].chapter, "mbuf");  // spec order, not alphabetical
}

TEST(Reports, JsonIsValidAndCarriesTheDocumentedFields) {
    Fixture f;
    const Summary s = summarize(f.report);
    const Json j = parse_json(json_report(f.report, s, rule_coverage(f.report)));
    EXPECT_EQ(j.number_or("schema_version", 0), kJsonSchemaVersion);
    EXPECT_EQ(j.find("implementation")->string_or("name"), "Test \"impl\"");
    EXPECT_EQ(j.find("suite")->string_or("git_revision"), "abc");
    EXPECT_EQ(j.find("run")->string_or("isolation"), "process");
    const auto &tests = j.find("tests")->as_array();
    ASSERT_EQ(tests.size(), 4u);
    const Json &crash = tests[1];
    EXPECT_EQ(crash.string_or("outcome"), "CRASH");
    EXPECT_EQ(crash.string_or("reproduce"), "Bxyz");
    EXPECT_NE(crash.string_or("rerun").find("RC_PARAMS=reproduce=Bxyz"), std::string::npos);
    EXPECT_NE(crash.string_or("rerun").find("--impl '/x/lib impl.so'"), std::string::npos);
    EXPECT_NE(crash.string_or("stderr_tail").find("]]>"), std::string::npos);
    EXPECT_EQ(tests[2].find("expected")->string_or("outcome"), "FAIL");
    EXPECT_EQ(j.find("summary")->find("raw_conformance")->number_or("passed", -1), 1);
}

TEST(Reports, JunitEscapesAndMapsOutcomes) {
    Fixture f;
    const std::string x = junit_xml(f.report, summarize(f.report));
    EXPECT_NE(x.find("name=\"Crash&lt;&amp;&gt;\""), std::string::npos);
    EXPECT_NE(x.find("<error type=\"CRASH\" message=\"CRASH: killed by SIGSEGV &lt;while&gt; &amp; &quot;x&quot;\""),
              std::string::npos);
    EXPECT_NE(x.find("<skipped message=\"XFAIL: expected FAIL: known\"/>"), std::string::npos);
    EXPECT_NE(x.find("<property name=\"rule\" value=\"CTL-REG-002\"/>"), std::string::npos);
    // Raw control characters and a stray "</system-err>" must not survive.
    EXPECT_EQ(x.find('\x01'), std::string::npos);
    EXPECT_NE(x.find("tail \xef\xbf\xbd ]]&gt; &lt;/system-err&gt;"), std::string::npos);
    EXPECT_NE(x.find("tests=\"4\" failures=\"0\" errors=\"1\" skipped=\"2\""), std::string::npos);
}

TEST(Reports, HtmlHasTheMatrixAndRerunCommands) {
    Fixture f;
    const std::string h = html_report(f.report, summarize(f.report), rule_coverage(f.report));
    EXPECT_NE(h.find("<table id=\"matrix\">"), std::string::npos);
    EXPECT_NE(h.find("data-rule=\"CTL-REG-002\""), std::string::npos);
    EXPECT_NE(h.find("data-result=\"fail\""), std::string::npos);
    EXPECT_NE(h.find("class=\"rerun\""), std::string::npos);
    EXPECT_NE(h.find("1 passed, 1 failed, 2 skipped"), std::string::npos);
    EXPECT_EQ(h.find("<while>"), std::string::npos);
    EXPECT_NE(h.find("id=\"test-Ctl.Crash:3c:26:3e\""), std::string::npos);
}

TEST(Reports, ConsoleEndsWithTheClosingLine) {
    Fixture f;
    char *buf = nullptr;
    size_t len = 0;
    std::FILE *mem = open_memstream(&buf, &len);
    ConsoleReporter c(mem, false, false, false, 4);
    c.summary(f.report, summarize(f.report), {});
    std::fclose(mem);
    const std::string out(buf, len);
    std::free(buf);
    EXPECT_NE(out.find("1 crashed, 0 timed out, 1 expected failures (XFAIL)"), std::string::npos) << out;
    ASSERT_GE(out.size(), 2u);
    const std::string last = out.substr(out.rfind('\n', out.size() - 2) + 1);
    EXPECT_EQ(last, "1 passed, 1 failed, 2 skipped\n");
}
