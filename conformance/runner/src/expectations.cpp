#include "expectations.hpp"

#include "glob.hpp"
#include "text.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace nke::runner {

std::optional<ExpectationFile> parse_expectations(std::string_view text, const std::string &path,
                                                  std::string *error) {
    ExpectationFile f;
    f.path = path;
    bool in_header = true;
    std::set<std::string> seen;
    int lineno = 0;
    for (const auto &raw : split(text, '\n')) {
        ++lineno;
        const std::string_view line = trim(raw);
        if (line.empty() || line[0] == '#') {
            if (in_header) f.header += std::string(line) + "\n";
            continue;
        }
        in_header = false;
        auto fail = [&](const std::string &what) {
            *error = path + ":" + std::to_string(lineno) + ": " + what;
            return std::nullopt;
        };
        const size_t sp1 = line.find_first_of(" \t");
        if (sp1 == std::string_view::npos) return fail("expected '<test id or glob> <FAIL|CRASH|TIMEOUT|SKIP> <reason>'");
        const std::string_view pattern = line.substr(0, sp1);
        std::string_view rest = trim(line.substr(sp1));
        const size_t sp2 = rest.find_first_of(" \t");
        const std::string_view word = rest.substr(0, sp2);
        const std::string_view reason = sp2 == std::string_view::npos ? std::string_view() : trim(rest.substr(sp2));
        const auto outcome = parse_outcome(word);
        if (!outcome || !(*outcome == Outcome::Fail || *outcome == Outcome::Crash ||
                          *outcome == Outcome::Timeout || *outcome == Outcome::Skip))
            return fail("unknown outcome '" + std::string(word) + "' (use FAIL, CRASH, TIMEOUT or SKIP)");
        if (reason.empty()) return fail("entry for '" + std::string(pattern) + "' has no reason (a reason is required)");
        if (!seen.insert(std::string(pattern)).second) return fail("duplicate entry for '" + std::string(pattern) + "'");
        f.entries.push_back(Expectation{std::string(pattern), *outcome, std::string(reason), lineno});
    }
    return f;
}

const Expectation *match_expectation(const ExpectationFile &file, const TestCase &test) {
    for (const auto &e : file.entries) {
        if (e.pattern == test.id || e.pattern == test.gtest_name) return &e;
    }
    for (const auto &e : file.entries) {
        if (has_glob_chars(e.pattern) && (glob_match(e.pattern, test.id) || glob_match(e.pattern, test.gtest_name)))
            return &e;
    }
    return nullptr;
}

std::vector<Expectation> stale_expectations(const ExpectationFile &file, const std::vector<TestCase> &tests) {
    std::vector<Expectation> out;
    for (const auto &e : file.entries) {
        const bool any = std::any_of(tests.begin(), tests.end(), [&](const TestCase &t) {
            return e.pattern == t.id || e.pattern == t.gtest_name ||
                   (has_glob_chars(e.pattern) && (glob_match(e.pattern, t.id) || glob_match(e.pattern, t.gtest_name)));
        });
        if (!any) out.push_back(e);
    }
    return out;
}

Outcome apply_expectation(Outcome raw, const Expectation *e, std::string *note) {
    note->clear();
    if (e == nullptr) return raw;
    if (e->outcome == Outcome::Skip) {
        *note = "skipped by the expectations file: " + e->reason;
        return Outcome::Skip;
    }
    const std::string expected(outcome_name(e->outcome));
    if (raw == e->outcome) {
        *note = "expected " + expected + ": " + e->reason;
        return Outcome::XFail;
    }
    if (raw == Outcome::Pass) {
        *note = "passed, but the expectations file says " + expected + " (" + e->reason +
                "): remove or update the entry";
        return Outcome::XPass;
    }
    if (is_failure(raw)) *note = "the expectations file says " + expected + ", not " + std::string(outcome_name(raw));
    return raw;
}

std::string updated_expectations(const ExpectationFile &file, const std::vector<TestCase> &tests,
                                 const std::vector<TestResult> &results, const std::string &date) {
    std::map<size_t, const TestResult *> by_test;
    for (const auto &r : results) by_test[r.test] = &r;

    // Which entry each test falls under.
    std::map<const Expectation *, std::vector<size_t>> members;
    for (size_t i = 0; i < tests.size(); ++i) {
        if (const Expectation *e = match_expectation(file, tests[i])) members[e].push_back(i);
    }

    std::vector<Expectation> kept, added;
    std::set<size_t> covered;
    for (const auto &e : file.entries) {
        const auto it = members.find(&e);
        if (it == members.end()) continue;  // stale: dropped
        for (size_t t : it->second) covered.insert(t);
        if (e.outcome == Outcome::Skip) {
            kept.push_back(e);
            continue;
        }
        bool all_as_written = true, any_ran = false;
        for (size_t t : it->second) {
            const auto r = by_test.find(t);
            if (r == by_test.end() || !r->second->ran) continue;
            any_ran = true;
            if (r->second->raw != e.outcome) all_as_written = false;
        }
        if (!any_ran || all_as_written) {
            kept.push_back(e);
            continue;
        }
        // Split the entry: one exact entry per test that still fails.
        for (size_t t : it->second) {
            const auto r = by_test.find(t);
            if (r == by_test.end() || !r->second->ran) {
                added.push_back({tests[t].id, e.outcome, e.reason, 0});
            } else if (is_failure(r->second->raw)) {
                added.push_back({tests[t].id, r->second->raw, e.reason, 0});
            }
        }
    }
    for (const auto &r : results) {
        if (covered.count(r.test) || !r.ran || !is_failure(r.raw)) continue;
        std::string why(first_line(r.message));
        if (why.size() > 160) why = why.substr(0, 157) + "...";
        for (char &c : why) {
            if (c == '\t' || c == '\r') c = ' ';
        }
        added.push_back({tests[r.test].id, r.raw, "new failure " + date + (why.empty() ? "" : ": " + why), 0});
    }
    std::sort(added.begin(), added.end(), [](const Expectation &a, const Expectation &b) { return a.pattern < b.pattern; });

    std::string out = file.header;
    if (out.empty()) {
        out = "# Known failures of this implementation (nke-conformance --expectations).\n"
              "# <test id or glob> <FAIL|CRASH|TIMEOUT|SKIP> <reason>\n";
    }
    for (const auto *list : {&kept, &added}) {
        for (const auto &e : *list) {
            out += e.pattern + " " + std::string(outcome_name(e.outcome)) + " " + e.reason + "\n";
        }
    }
    return out;
}

}  // namespace nke::runner
