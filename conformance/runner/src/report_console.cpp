#include "report_console.hpp"

#include "text.hpp"

#include <algorithm>

namespace nke::runner {

ConsoleReporter::ConsoleReporter(std::FILE *out, bool tty, bool color, bool quiet, size_t total)
    : out_(out), tty_(tty), color_(color), quiet_(quiet), total_(total) {}

std::string ConsoleReporter::paint(Outcome o, const std::string &text) const {
    if (!color_) return text;
    const char *code = "";
    switch (o) {
    case Outcome::Pass: code = "32"; break;
    case Outcome::XFail:
    case Outcome::Skip:
    case Outcome::NotSupported: code = "33"; break;
    default: code = "31;1"; break;
    }
    return std::string("\033[") + code + "m" + text + "\033[0m";
}

void ConsoleReporter::clear_line() {
    if (line_open_) {
        std::fputs("\r\033[K", out_);
        line_open_ = false;
    }
}

void ConsoleReporter::progress(const TestCase &t, Outcome shown, const Attempt &a) {
    ++done_;
    if (!is_acceptable(shown)) ++bad_;
    const int width = static_cast<int>(std::to_string(total_).size());
    char counter[64];
    std::snprintf(counter, sizeof counter, "[%*zu/%zu]", width, done_, total_);
    const std::string name(outcome_name(shown));
    std::string label = name;
    label.resize(std::max<size_t>(label.size(), 13), ' ');
    const bool notable = !(shown == Outcome::Pass || shown == Outcome::Skip || shown == Outcome::NotSupported ||
                           shown == Outcome::XFail);
    if (tty_) {
        clear_line();
        if (notable) {
            std::fprintf(out_, "%s %s %s\n", counter, paint(shown, label).c_str(), t.id.c_str());
            if (!a.message.empty()) std::fprintf(out_, "    %s\n", std::string(first_line(a.message)).c_str());
        }
        std::string line = std::string(counter) + " " + std::to_string(bad_) + " bad  " + t.id;
        if (line.size() > 110) line = line.substr(0, 107) + "...";
        std::fputs(line.c_str(), out_);
        line_open_ = true;
        std::fflush(out_);
        return;
    }
    if (quiet_ && !notable) return;
    std::fprintf(out_, "%s %s %s (%lld ms)\n", counter, label.c_str(), t.id.c_str(),
                 static_cast<long long>(a.wall_ms));
    if (notable && !a.message.empty()) std::fprintf(out_, "    %s\n", std::string(first_line(a.message)).c_str());
    std::fflush(out_);
}

void ConsoleReporter::summary(const RunReport &r, const Summary &s, const std::vector<std::string> &report_files) {
    clear_line();
    std::FILE *o = out_;
    std::fprintf(o, "\n== %s %s (ABI %u.%u) judged by suite %s (%s), --isolate=%s, %d job%s\n",
                 r.impl.name.c_str(), r.impl.version.c_str(), r.impl.abi_major, r.impl.abi_minor,
                 r.suite_version.c_str(), r.git_revision.c_str(),
                 r.isolation == Isolation::Process ? "process" : "batch", r.jobs, r.jobs == 1 ? "" : "s");

    // Per-chapter table.
    std::fprintf(o, "\n%-14s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n", "chapter", "tests", "pass", "fail",
                 "crash", "t/out", "skip", "n/sup", "xfail", "xpass", "broken");
    auto row = [&](const std::string &name, const Counts &c) {
        std::fprintf(o, "%-14s %6d %6d %6d %6d %6d %6d %6d %6d %6d %6d\n", name.c_str(), c.total,
                     c[Outcome::Pass], c[Outcome::Fail], c[Outcome::Crash], c[Outcome::Timeout], c[Outcome::Skip],
                     c[Outcome::NotSupported], c[Outcome::XFail], c[Outcome::XPass], c[Outcome::Broken]);
    };
    for (const auto &ch : s.chapters) row(ch.chapter, ch.counts);
    row("total", s.all);

    // What went wrong, with the command to rerun each.
    int shown = 0, problems = 0;
    for (const auto &res : r.results) {
        if (is_acceptable(res.outcome)) continue;
        ++problems;
        if (shown == 25) continue;
        if (shown++ == 0) std::fprintf(o, "\nProblems:\n");
        const TestCase &t = (*r.tests)[res.test];
        std::string rules;
        for (const auto &id : t.rules) rules += (rules.empty() ? "" : ", ") + id;
        std::string label(outcome_name(res.outcome));
        label.resize(std::max<size_t>(label.size(), 8), ' ');
        std::fprintf(o, "  %s %s  [%s]\n", paint(res.outcome, label).c_str(), t.id.c_str(), rules.c_str());
        if (!res.message.empty()) std::fprintf(o, "           %s\n", std::string(first_line(res.message)).c_str());
        const std::string reproduce = res.attempts.empty() ? "" : res.attempts.front().reproduce;
        std::fprintf(o, "           rerun: %s\n", rerun_command(r, t, reproduce).c_str());
    }
    if (problems > shown) std::fprintf(o, "  ... and %d more (see the reports)\n", problems - shown);

    if (!r.stale.empty()) {
        std::fprintf(o, "\nStale expectations (they match no test; remove them or run --update-expectations):\n");
        for (const auto &e : r.stale)
            std::fprintf(o, "  %s:%d: %s %s\n", r.expectations_path.c_str(), e.line, e.pattern.c_str(),
                         std::string(outcome_name(e.outcome)).c_str());
    }

    std::fprintf(o, "\nRaw conformance:   %s (%d of %d judged tests pass; expected failures count as failures)\n",
                 percent(s.raw_passed, s.raw_judged).c_str(), s.raw_passed, s.raw_judged);
    std::fprintf(o, "With expectations: %s (%d of %d; %s)\n", percent(s.exp_passed, s.raw_judged).c_str(),
                 s.exp_passed, s.raw_judged,
                 r.expectations_path.empty() ? "no expectations file" : r.expectations_path.c_str());
    if (!report_files.empty()) {
        std::fprintf(o, "Reports:");
        for (const auto &f : report_files) std::fprintf(o, " %s", f.c_str());
        std::fprintf(o, "\n");
    }
    if (r.interrupted) std::fprintf(o, "The run was interrupted; the results are partial.\n");
    if (!r.missing_symbols.empty())
        std::fprintf(o, "The implementation lacks %zu ABI symbols (--allow-missing-symbols): the run fails.\n",
                     r.missing_symbols.size());
    std::fprintf(o, "%d crashed, %d timed out, %d expected failures (XFAIL), %d unexpected passes (XPASS), "
                    "%d not supported, %d broken\n",
                 s.all[Outcome::Crash], s.all[Outcome::Timeout], s.all[Outcome::XFail], s.all[Outcome::XPass],
                 s.all[Outcome::NotSupported], s.all[Outcome::Broken]);
    std::fprintf(o, "%d passed, %d failed, %d skipped\n", s.all.passed, s.all.failed, s.all.skipped);
    std::fflush(o);
}

}  // namespace nke::runner
