// Everything a reporter needs about one run, and the numbers derived from it.
#pragma once

#include "model.hpp"
#include "options.hpp"
#include "rules.hpp"
#include "scheduler.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nke::runner {

struct RunReport {
    // What was judged, by what.
    std::string suite_version;
    std::string git_revision;
    unsigned abi_major = 0, abi_minor = 0;
    ImplInfo impl;
    std::vector<std::string> missing_symbols;  // --allow-missing-symbols
    std::string runner;               // absolute path of nke-conformance
    std::vector<std::string> suites;  // suite binaries
    std::string module_dir;
    bool default_suites = true;       // no --suite given
    bool default_module_dir = true;   // no --module-dir given

    // How.
    Isolation isolation = Isolation::Process;
    int jobs = 1;
    double timeout_s = 10;
    double multiplier = 1;
    int shard_index = 0, shard_count = 0;
    bool shuffle = false;
    uint64_t seed = 0;
    int repeat = 1;
    std::vector<std::string> filters;
    std::string expectations_path;        // empty: none
    std::vector<Expectation> stale;       // entries matching no test
    std::string started_at;               // UTC, ISO 8601
    int64_t duration_ms = 0;
    std::string host;
    SchedulerStats stats;
    bool interrupted = false;

    // What happened.
    const std::vector<TestCase> *tests = nullptr;  // every discovered test
    std::vector<TestResult> results;               // the selected tests
    const RuleCatalog *rules = nullptr;
    std::vector<BuildTimeCheck> buildtime;         // checks done when the suite was built
};

struct Counts {
    std::array<int, std::size(kAllOutcomes)> by{};  // indexed by Outcome
    int total = 0;
    int passed = 0, failed = 0, skipped = 0;       // the closing line's buckets
    void add(Outcome o);
    int operator[](Outcome o) const { return by[static_cast<size_t>(o)]; }
};

struct ChapterSummary {
    std::string chapter, title;
    Counts counts;
};

struct Summary {
    Counts all;
    std::vector<ChapterSummary> chapters;  // in spec order
    // Raw conformance: PASS (XPASS included: the test passed) over every test
    // that could be judged (NOT_SUPPORTED and the tests' own SKIPs left out);
    // expected failures and SKIPs by expectation count as failures.
    int raw_passed = 0, raw_judged = 0;
    // With expectations: the same, counting XFAIL and SKIP-by-expectation as
    // passing and XPASS as failing (what CI gates on).
    int exp_passed = 0;
};

Summary summarize(const RunReport &r);

// Rule-by-rule view (the traceability matrix).
enum class RuleStatus { Untested, NotRun, Fail, Broken, XFail, Pass, Skipped, BuildTime };
std::string_view rule_status_name(RuleStatus s);

struct RuleRow {
    std::string id;
    const Rule *rule = nullptr;              // nullptr: named by a test, not in the catalogue
    std::string chapter;
    std::vector<size_t> tests;               // every discovered test naming the rule
    std::vector<const TestResult *> results; // results of those that ran
    std::vector<std::string> buildtime;      // build-time checks naming the rule
    RuleStatus status = RuleStatus::Untested;
};

struct Coverage {
    std::vector<RuleRow> rows;               // catalogue order (by chapter), unknown rules last
    std::vector<std::string> must_untested;        // MUST rules no test names
    std::vector<std::string> must_without_pass;    // MUST rules with tests but no passing one in this run
    std::vector<std::string> unknown;              // rules tests name that the catalogue lacks
};

Coverage rule_coverage(const RunReport &r);

// Order of the spec chapters (spec/README.md), unknown ones after, by name.
int chapter_rank(const std::string &chapter);

// The one-line command that reruns one test in isolation.
std::string rerun_command(const RunReport &r, const TestCase &t, const std::string &reproduce);

// "97.5%" (one decimal; "n/a" for 0 of 0).
std::string percent(int num, int den);

}  // namespace nke::runner
