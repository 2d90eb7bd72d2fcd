#include "report_model.hpp"

#include "glob.hpp"
#include "text.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace nke::runner {

void Counts::add(Outcome o) {
    ++by[static_cast<size_t>(o)];
    ++total;
    switch (bucket_of(o)) {
    case Bucket::Passed: ++passed; break;
    case Bucket::Failed: ++failed; break;
    case Bucket::Skipped: ++skipped; break;
    }
}

int chapter_rank(const std::string &chapter) {
    static const char *const kOrder[] = {"abi",          "kern",       "mbuf", "domain", "socket",
                                         "sockfilter",   "kern_control", "kern_event", "dlil",
                                         "module",       "concurrency", "harness"};
    for (size_t i = 0; i < std::size(kOrder); ++i) {
        if (chapter == kOrder[i]) return static_cast<int>(i);
    }
    return static_cast<int>(std::size(kOrder));
}

Summary summarize(const RunReport &r) {
    Summary s;
    std::map<std::string, ChapterSummary> by_chapter;
    for (const TestResult &res : r.results) {
        const TestCase &t = (*r.tests)[res.test];
        s.all.add(res.outcome);
        auto &ch = by_chapter[t.chapter];
        ch.chapter = t.chapter;
        ch.title = r.rules ? r.rules->chapter_title(t.chapter) : t.chapter;
        ch.counts.add(res.outcome);

        // Not judged: a hook the implementation lacks, the test's own skip
        // (or an interrupted run), a harness error.
        if (res.raw == Outcome::NotSupported || res.raw == Outcome::Broken || (res.ran && res.raw == Outcome::Skip))
            continue;
        ++s.raw_judged;
        if (res.ran && res.raw == Outcome::Pass) ++s.raw_passed;
        if (res.outcome == Outcome::Pass || res.outcome == Outcome::XFail || (!res.ran && res.outcome == Outcome::Skip))
            ++s.exp_passed;
    }
    for (auto &[name, ch] : by_chapter) s.chapters.push_back(std::move(ch));
    std::sort(s.chapters.begin(), s.chapters.end(), [](const ChapterSummary &a, const ChapterSummary &b) {
        const int ra = chapter_rank(a.chapter), rb = chapter_rank(b.chapter);
        return ra != rb ? ra < rb : a.chapter < b.chapter;
    });
    return s;
}

std::string rerun_command(const RunReport &r, const TestCase &t, const std::string &reproduce) {
    std::string cmd;
    if (!reproduce.empty()) cmd += "RC_PARAMS=" + shell_quote("reproduce=" + reproduce) + " ";
    cmd += shell_quote(r.runner) + " --impl " + shell_quote(r.impl.path);
    std::string filter;
    for (const char c : t.id) {
        if (c == '*' || c == '?' || c == '[' || c == '\\') filter += '\\';
        filter += c;
    }
    cmd += " --filter " + shell_quote(filter);
    if (!r.default_suites) cmd += " --suite " + shell_quote(t.binary);
    if (!r.default_module_dir) cmd += " --module-dir " + shell_quote(r.module_dir);
    return cmd;
}

std::string_view rule_status_name(RuleStatus s) {
    switch (s) {
    case RuleStatus::Untested: return "untested";
    case RuleStatus::NotRun: return "not run";
    case RuleStatus::Fail: return "fail";
    case RuleStatus::Broken: return "broken";
    case RuleStatus::XFail: return "xfail";
    case RuleStatus::Pass: return "pass";
    case RuleStatus::Skipped: return "skipped";
    case RuleStatus::BuildTime: return "build-time";
    }
    return "?";
}

Coverage rule_coverage(const RunReport &r) {
    Coverage c;
    std::map<std::string, size_t> index;
    auto row_for = [&](const std::string &id) -> RuleRow & {
        const auto it = index.find(id);
        if (it != index.end()) return c.rows[it->second];
        RuleRow row;
        row.id = id;
        row.rule = r.rules ? r.rules->find(id) : nullptr;
        row.chapter = r.rules ? r.rules->chapter_of(id) : "unknown";
        index[id] = c.rows.size();
        c.rows.push_back(std::move(row));
        return c.rows.back();
    };
    if (r.rules) {
        std::vector<const Rule *> ordered;
        for (const auto &rule : r.rules->rules()) ordered.push_back(&rule);
        std::stable_sort(ordered.begin(), ordered.end(), [](const Rule *a, const Rule *b) {
            const int ra = chapter_rank(a->chapter), rb = chapter_rank(b->chapter);
            return ra != rb ? ra < rb : a->chapter < b->chapter;
        });
        for (const Rule *rule : ordered) row_for(rule->id);
    }
    const size_t catalogued = c.rows.size();
    for (size_t i = 0; i < r.tests->size(); ++i) {
        for (const auto &id : (*r.tests)[i].rules) row_for(id).tests.push_back(i);
    }
    for (const auto &res : r.results) {
        for (const auto &id : (*r.tests)[res.test].rules) row_for(id).results.push_back(&res);
    }
    for (const auto &check : r.buildtime) {
        for (const auto &id : check.rules) row_for(id).buildtime.push_back(check.name);
    }
    for (size_t i = 0; i < c.rows.size(); ++i) {
        RuleRow &row = c.rows[i];
        if (i >= catalogued) c.unknown.push_back(row.id);
        if (row.tests.empty()) row.status = row.buildtime.empty() ? RuleStatus::Untested : RuleStatus::BuildTime;
        else if (row.results.empty()) row.status = RuleStatus::NotRun;
        else {
            auto any = [&](std::initializer_list<Outcome> os) {
                return std::any_of(row.results.begin(), row.results.end(), [&](const TestResult *res) {
                    return std::find(os.begin(), os.end(), res->outcome) != os.end();
                });
            };
            if (any({Outcome::Fail, Outcome::Crash, Outcome::Timeout})) row.status = RuleStatus::Fail;
            else if (any({Outcome::Broken})) row.status = RuleStatus::Broken;
            else if (any({Outcome::XFail})) row.status = RuleStatus::XFail;
            else if (any({Outcome::Pass, Outcome::XPass})) row.status = RuleStatus::Pass;
            else row.status = RuleStatus::Skipped;
        }
        if (row.rule && row.rule->level == "MUST") {
            if (row.status == RuleStatus::Untested) c.must_untested.push_back(row.id);
            else if (row.status != RuleStatus::Pass && row.status != RuleStatus::BuildTime)
                c.must_without_pass.push_back(row.id);
        }
    }
    return c;
}

std::string percent(int num, int den) {
    if (den == 0) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * num / den);
    return buf;
}

}  // namespace nke::runner
