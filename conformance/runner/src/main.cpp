// nke-conformance: judge an implementation of the OpenNKE ABI with the
// conformance suite.  The stages, each in its own file:
//
//   options.cpp        the command line
//   layout.cpp         where the defaults are (build tree or installation)
//   probe.cpp          the ABI check, in a forked child, before anything else
//   environment.cpp    the environment of the test processes
//   discovery.cpp      --nke_list_json of every suite binary
//   selection.cpp      --filter, --shard, --shuffle
//   expectations.cpp   the implementation's known failures
//   scheduler.cpp      processes, isolation, watchdog (classify.cpp, records.cpp)
//   report_*.cpp       console, JUnit XML, JSON, HTML
#include "discovery.hpp"
#include "environment.hpp"
#include "expectations.hpp"
#include "layout.hpp"
#include "options.hpp"
#include "probe.hpp"
#include "process.hpp"
#include "report_console.hpp"
#include "report_html.hpp"
#include "report_json.hpp"
#include "report_junit.hpp"
#include "report_model.hpp"
#include "rules.hpp"
#include "runner_config.hpp"
#include "scheduler.hpp"
#include "selection.hpp"
#include "text.hpp"

#include <nke/types.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using namespace nke::runner;

namespace {

enum Exit { kOk = 0, kFailures = 1, kUsage = 2, kUnusable = 3, kInterrupted = 130 };

// Removes the run's temporary directory on every way out of main.
class TempDir {
public:
    TempDir() {
        const char *base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/nke-conformance.XXXXXX";
        if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
    }
    ~TempDir() {
        if (!path_.empty() && !keep_) {
            std::error_code ec;
            fs::remove_all(path_, ec);
        }
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::string &path() const { return path_; }
    void keep() { keep_ = true; }

private:
    std::string path_;
    bool keep_ = false;
};

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string hostname() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

double timeout_multiplier(const Options &o) {
    if (o.timeout_multiplier) return *o.timeout_multiplier;
    if (const char *env = std::getenv("NKE_TIMEOUT_MULTIPLIER"); env && *env) {
        char *end = nullptr;
        const double m = std::strtod(env, &end);
        if (end && *end == '\0' && m > 0) return m;
        std::fprintf(stderr, "nke-conformance: ignoring NKE_TIMEOUT_MULTIPLIER=%s (not a positive number)\n", env);
    }
    return 1.0;
}

int usage_error(const std::string &msg) {
    std::fprintf(stderr, "nke-conformance: %s\n", msg.c_str());
    return kUsage;
}

int unusable(const std::string &msg) {
    std::fprintf(stderr, "nke-conformance: %s\n", msg.c_str());
    return kUnusable;
}

// Fold the attempts of one test (--repeat) into its result.
void fold_attempts(TestResult &res, int repeat) {
    if (res.attempts.empty()) return;
    const Attempt *worst = &res.attempts.front();
    for (const auto &a : res.attempts) {
        if (severity(a.outcome) > severity(worst->outcome)) worst = &a;
    }
    res.raw = worst->outcome;
    res.message = worst->message;
    if (repeat > 1) {
        int same = 0;
        for (const auto &a : res.attempts) same += a.outcome == worst->outcome;
        if (same != static_cast<int>(res.attempts.size()))
            res.message = std::to_string(same) + " of " + std::to_string(res.attempts.size()) + " runs were " +
                          std::string(outcome_name(worst->outcome)) + " (flaky): " + res.message;
    }
}

int run(int argc, char **argv) {
    std::string error;
    const auto opts = parse_options(argc, argv, &error);
    if (!opts) return usage_error(error + "\n(see --help)");
    const Options &o = *opts;
    if (o.help) {
        std::fputs(help_text().c_str(), stdout);
        return kOk;
    }
    if (o.version) {
        std::printf("nke-conformance %s (git %s), ABI %d.%d, JSON report schema %d\n", config::kSuiteVersion,
                    config::kGitRevision, NKE_ABI_VERSION_MAJOR, NKE_ABI_VERSION_MINOR, kJsonSchemaVersion);
        return kOk;
    }
    block_runner_signals();
    const auto t0 = std::chrono::steady_clock::now();
    const Layout layout = detect_layout();
    const double multiplier = timeout_multiplier(o);

    // --- the implementation
    const std::string impl_arg = o.impl.empty() ? layout.reference : o.impl;
    const std::string impl = canonical_path(impl_arg);
    if (impl.empty()) {
        return unusable("the implementation " + impl_arg + " does not exist" +
                        (o.impl.empty() ? " (the reference of this " +
                                              std::string(layout.installed ? "installation" : "build tree") +
                                              " is missing; build target 'nke' or pass --impl)"
                                        : ""));
    }
    TempDir tmp;
    if (tmp.path().empty()) return unusable("cannot create a temporary directory");
    if (o.keep_temp) tmp.keep();

    const ProbeResult probe = probe_implementation(impl, tmp.path(), 30.0 * multiplier);
    if (interrupted()) return kInterrupted;
    if (!probe.usable && !(o.allow_missing && probe.only_missing)) {
        std::string hint;
        if (probe.only_missing) hint = "\n(--allow-missing-symbols runs the suite on a partial implementation anyway)";
        return unusable(impl + ": " + probe.error + hint);
    }
    if (!probe.missing.empty()) {
        std::fprintf(stderr, "nke-conformance: warning: %zu ABI symbols are missing; tests that call them fail, "
                             "and the run fails\n", probe.missing.size());
    }
    ImplInfo info = probe.info;
    info.path = impl;
    if (!o.impl_name.empty()) info.slug = o.impl_name;

    // --- the suite
    std::vector<std::string> suites;
    for (const auto &s : o.suites.empty() ? layout.suites : o.suites) {
        const std::string p = canonical_path(s);
        if (p.empty()) return usage_error("suite binary " + s + " does not exist");
        suites.push_back(p);
    }
    if (suites.empty())
        return usage_error("no suite binary found (looked for nke-conformance-tests next to " + layout.runner +
                           "); use --suite");
    const std::string module_dir = o.module_dir.empty() ? layout.module_dir : o.module_dir;
    TestEnvironment env(tmp.path(), impl, module_dir, &error);
    if (!error.empty()) return unusable(error);

    Discovery found = discover_tests(suites, env, tmp.path(), 60.0 * multiplier);
    if (interrupted()) return kInterrupted;
    if (!found.error.empty())
        return unusable("cannot list the tests with this implementation loaded:\n" + found.error);
    std::vector<TestCase> &tests = found.tests;

    const RuleCatalog rules = RuleCatalog::load(o.rules.empty() ? layout.rules : o.rules);
    if (!rules.loaded() && !o.rules.empty()) return usage_error(rules.error());
    for (auto &t : tests) t.chapter = t.rules.empty() ? "unknown" : rules.chapter_of(t.rules.front());

    // --- expectations
    std::string exp_path;
    if (o.expectations.empty()) {
        const std::string def = layout.expectations_dir + "/" + info.slug + ".txt";
        if (fs::exists(def) || o.update_expectations) exp_path = def;
    } else if (o.expectations != "none") {
        exp_path = o.expectations;
    }
    ExpectationFile expectations;
    if (!exp_path.empty()) {
        bool ok = false;
        const std::string text = read_file(exp_path, &ok);
        if (!ok && !o.update_expectations) return usage_error("cannot read the expectations file " + exp_path);
        auto parsed = parse_expectations(text, exp_path, &error);
        if (!parsed) return usage_error(error);
        expectations = std::move(*parsed);
    }

    // --- selection
    const Filter filter(o.filters);
    std::vector<size_t> selected = select_tests(tests, filter, o.shard_index, o.shard_count);
    const uint64_t seed = o.shuffle ? (o.seed ? *o.seed : random_seed()) : 0;
    if (o.list) {
        for (size_t i : selected) {
            const TestCase &t = tests[i];
            std::string line = t.id;
            for (size_t k = 0; k < t.rules.size(); ++k) line += (k ? ", " : "  ") + t.rules[k];
            if (const Expectation *e = match_expectation(expectations, t))
                line += "  [expected " + std::string(outcome_name(e->outcome)) + ": " + e->reason + "]";
            std::printf("%s\n", line.c_str());
        }
        std::printf("%zu of %zu tests selected\n", selected.size(), tests.size());
        return kOk;
    }
    if (selected.empty()) return usage_error("no test matches the filter");
    if (o.shuffle) shuffle_order(selected, seed);

    std::vector<TestResult> results(selected.size());
    std::map<size_t, size_t> result_of;  // test index -> results index
    std::vector<WorkItem> work;
    for (size_t k = 0; k < selected.size(); ++k) {
        TestResult &res = results[k];
        res.test = selected[k];
        result_of[res.test] = k;
        const TestCase &t = tests[res.test];
        if (const Expectation *e = match_expectation(expectations, t)) res.expected = *e;
        if (t.disabled) {
            res.ran = false;
            res.raw = res.outcome = Outcome::Skip;
            res.message = "disabled in the suite (DISABLED_ prefix)";
            continue;
        }
        if (res.expected && res.expected->outcome == Outcome::Skip) {
            res.ran = false;
            res.raw = Outcome::Skip;
            continue;
        }
        res.ran = true;
    }
    for (int rep = 0; rep < o.repeat; ++rep) {
        std::vector<size_t> order = selected;
        if (o.shuffle && rep > 0) shuffle_order(order, seed + static_cast<uint64_t>(rep));
        for (size_t i : order) {
            if (results[result_of[i]].ran) work.push_back({i, rep});
        }
    }

    // --- run
    const int jobs = o.jobs > 0 ? o.jobs : std::max(1, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));
    const bool tty = ::isatty(1) != 0;
    const bool color = o.color_forced.value_or(tty && std::getenv("NO_COLOR") == nullptr);
    ConsoleReporter console(stdout, tty, color, o.quiet, work.size());
    std::printf("nke-conformance: %s %s (%s), %zu tests (%zu selected%s), --isolate=%s, %d jobs, timeout %gs x %g\n",
                info.name.c_str(), info.version.c_str(), impl.c_str(), tests.size(), selected.size(),
                o.repeat > 1 ? (", x" + std::to_string(o.repeat)).c_str() : "",
                o.isolation == Isolation::Process ? "process" : "batch", jobs, o.timeout_s, multiplier);
    if (o.shuffle) std::printf("nke-conformance: shuffled with --seed %llu\n", static_cast<unsigned long long>(seed));
    std::fflush(stdout);

    SchedulerConfig cfg;
    cfg.isolation = o.isolation;
    cfg.jobs = jobs;
    cfg.batch_size = o.batch_size;
    cfg.default_timeout_s = o.timeout_s;
    cfg.multiplier = multiplier;
    cfg.tmp_root = tmp.path();
    cfg.keep_temp = o.keep_temp;
    cfg.shuffle = o.shuffle;
    cfg.seed = seed;
    SchedulerStats stats;
    const ProgressFn progress = [&](const TestCase &t, const Executed &e) {
        const TestResult &res = results[result_of[e.item.test]];
        std::string note;
        const Outcome shown = apply_expectation(e.attempt.outcome, res.expected ? &*res.expected : nullptr, &note);
        console.progress(t, shown, e.attempt);
    };
    for (auto &e : run_tests(tests, work, env, cfg, progress, &stats))
        results[result_of[e.item.test]].attempts.push_back(std::move(e.attempt));
    const bool was_interrupted = interrupted();

    // --- expectations applied
    auto apply_all = [&](const ExpectationFile &file) {
        for (auto &res : results) {
            const TestCase &t = tests[res.test];
            const Expectation *e = match_expectation(file, t);
            res.expected = e ? std::optional<Expectation>(*e) : std::nullopt;
            if (!res.ran) {
                if (!t.disabled) {
                    res.raw = Outcome::Skip;
                    res.outcome = Outcome::Skip;
                    res.message = e ? "skipped by the expectations file: " + e->reason : "not run";
                }
                continue;
            }
            fold_attempts(res, o.repeat);
            std::string note;
            res.outcome = apply_expectation(res.raw, e, &note);
            if (!note.empty()) res.message = note + (res.message.empty() ? "" : "\n" + res.message);
        }
    };
    apply_all(expectations);
    std::vector<Expectation> stale = exp_path.empty() ? std::vector<Expectation>{}
                                                      : stale_expectations(expectations, tests);

    if (o.update_expectations && !was_interrupted) {
        const std::string text = updated_expectations(expectations, tests, results, utc_now().substr(0, 10));
        if (!write_file(exp_path, text, &error)) return usage_error(error);
        auto reparsed = parse_expectations(text, exp_path, &error);
        if (!reparsed) return usage_error("the updated expectations do not parse: " + error);
        expectations = std::move(*reparsed);
        apply_all(expectations);
        stale = stale_expectations(expectations, tests);
        std::printf("nke-conformance: wrote %s (%zu entries)\n", exp_path.c_str(), expectations.entries.size());
    }

    // --- reports
    RunReport report;
    report.suite_version = config::kSuiteVersion;
    report.git_revision = config::kGitRevision;
    report.abi_major = NKE_ABI_VERSION_MAJOR;
    report.abi_minor = NKE_ABI_VERSION_MINOR;
    report.impl = info;
    report.missing_symbols = probe.missing;
    report.runner = layout.runner;
    report.suites = suites;
    report.module_dir = module_dir;
    report.default_suites = o.suites.empty();
    report.default_module_dir = o.module_dir.empty();
    report.isolation = o.isolation;
    report.jobs = jobs;
    report.timeout_s = o.timeout_s;
    report.multiplier = multiplier;
    report.shard_index = o.shard_index;
    report.shard_count = o.shard_count;
    report.shuffle = o.shuffle;
    report.seed = seed;
    report.repeat = o.repeat;
    report.filters = o.filters;
    report.expectations_path = exp_path.empty() ? "" : canonical_path(exp_path);
    if (report.expectations_path.empty()) report.expectations_path = exp_path;
    report.stale = stale;
    report.started_at = utc_now();
    report.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    report.host = hostname();
    report.stats = stats;
    report.interrupted = was_interrupted;
    report.tests = &tests;
    report.results = std::move(results);
    report.rules = &rules;
    report.buildtime = load_buildtime_checks(layout.buildtime_tests);

    const Summary summary = summarize(report);
    const Coverage coverage = rule_coverage(report);
    std::vector<std::string> files;
    std::error_code ec;
    fs::create_directories(o.report_dir, ec);
    if (ec) {
        std::fprintf(stderr, "nke-conformance: cannot create the report directory %s: %s\n", o.report_dir.c_str(),
                     ec.message().c_str());
    } else {
        const std::pair<const char *, std::string> outputs[] = {
            {"results.json", json_report(report, summary, coverage)},
            {"junit.xml", junit_xml(report, summary)},
            {"report.html", html_report(report, summary, coverage)},
        };
        for (const auto &[name, text] : outputs) {
            const std::string path = o.report_dir + "/" + name;
            if (write_file(path, text, &error)) files.push_back(path);
            else std::fprintf(stderr, "nke-conformance: %s\n", error.c_str());
        }
    }
    if (!rules.loaded()) std::fprintf(stderr, "nke-conformance: note: %s (no rule matrix)\n", rules.error().c_str());
    console.summary(report, summary, files);

    if (was_interrupted) return kInterrupted;
    bool ok = stale.empty() && probe.missing.empty();
    for (const auto &res : report.results) ok = ok && is_acceptable(res.outcome);
    return ok ? kOk : kFailures;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "nke-conformance: internal error: %s\n", e.what());
        return kFailures;
    }
}
