#include "options.hpp"

#include "text.hpp"

#include <cerrno>
#include <cstdlib>

namespace nke::runner {

std::string help_text() {
    return R"(Usage: nke-conformance [--impl PATH] [options]

Run the OpenNKE conformance suite against an implementation of the ABI (a
shared object exporting every NKE_API function and nke_harness_v1()).  The
suite is never rebuilt: each test process loads PATH as libnke.so.1.

Implementation
  --impl PATH              the implementation (default: the reference libnke.so.1
                           of this build or installation)
  --impl-name NAME         name for the default expectations file (default: from
                           nke_harness_v1()->impl_name, e.g. "reference")
  --allow-missing-symbols  judge a partial implementation: run the tests although
                           ABI functions are missing (tests that call one fail;
                           the run still fails)

Selecting tests
  --filter GLOB            run the tests whose id (Suite.Name) or one of whose
                           rule IDs matches GLOB; repeatable, or several globs
                           joined by ':'.  A leading '-' excludes: --filter
                           'CTL-*' --filter '-*Privileged*'
  --list                   print the selected tests with their rules and exit
  --shard I/N              run the I-th of N disjoint slices (1 <= I <= N)
  --shuffle                run in a random order (--seed S repeats an order)
  --seed S                 seed for --shuffle (printed when chosen at random)
  --repeat N               run every test N times; the worst result counts

Running
  --isolate=process        every test in a fresh process (default)
  --isolate=batch          many tests per process, restarted after a crash
  --batch-size N           tests per process in batch mode (default: automatic)
  -j, --jobs N             parallel processes (default: number of CPUs)
  --timeout SECONDS        per-test timeout (default 10; a test's own NKE_TIMEOUT
                           wins), multiplied by the timeout multiplier
  --timeout-multiplier X   default: $NKE_TIMEOUT_MULTIPLIER or 1 (sanitizer
                           presets set it)
  --suite PATH             a suite binary (repeatable; default: nke-conformance-tests
                           and nke-property-tests of this build or installation)
  --module-dir DIR         where the test NKE modules are (default: of this build)
  --keep-temp              keep the temporary directory (scratch dirs, symlink)

Expectations
  --expectations FILE      known failures of this implementation (default:
                           expectations/<impl-name>.txt if it exists); 'none'
                           for no file.  Lines: <test id or glob> <FAIL|CRASH|
                           TIMEOUT|SKIP> <reason>.  An expected failure that
                           passes (XPASS) and an entry matching no test are errors.
  --update-expectations    rewrite FILE from this run's results

Reports
  --report-dir DIR         where results.json, junit.xml and report.html go
                           (default: ./nke-conformance-report)
  --rules FILE             the rule catalogue for the HTML matrix and the
                           per-chapter summary (default: rules.json of this build
                           or installation)
  -q, --quiet              print only failures and the summary
  --color=always|never     colour the console (default: when it is a terminal)

  -h, --help               this text
  --version                suite version, ABI version and git revision

Exit status: 0 every result is PASS, XFAIL, NOT_SUPPORTED or SKIP and no
expectation is stale; 1 otherwise; 2 usage error; 3 the implementation is
unusable (missing symbols, ABI version mismatch, crash while loading).

See conformance/runner/README.md (installed as share/doc/opennke/nke-conformance.md).
)";
}

namespace {

bool parse_int(const std::string &s, long lo, long hi, int &out) {
    if (s.empty()) return false;
    char *end = nullptr;
    errno = 0;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
    out = static_cast<int>(v);
    return true;
}

bool parse_double(const std::string &s, double lo, double &out) {
    if (s.empty()) return false;
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (errno != 0 || *end != '\0' || !(v >= lo) || v > 1e6) return false;
    out = v;
    return true;
}

}  // namespace

std::optional<Options> parse_options(int argc, char **argv, std::string *error) {
    Options o;
    auto fail = [&](const std::string &msg) -> std::optional<Options> {
        *error = msg;
        return std::nullopt;
    };
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool has_value = false;
        if (arg.rfind("--", 0) == 0) {
            const size_t eq = arg.find('=');
            if (eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                has_value = true;
            }
        }
        // Options that take a value accept "--opt value" and "--opt=value".
        auto need = [&](const char *what) -> bool {
            if (has_value) return true;
            if (i + 1 >= argc) {
                *error = arg + " needs " + what;
                return false;
            }
            value = argv[++i];
            has_value = true;
            return true;
        };
        auto no_value = [&]() -> bool {
            if (has_value) *error = arg + " takes no value";
            return !has_value;
        };

        if (arg == "-h" || arg == "--help") {
            if (!no_value()) return std::nullopt;
            o.help = true;
        } else if (arg == "--version") {
            if (!no_value()) return std::nullopt;
            o.version = true;
        } else if (arg == "--impl") {
            if (!need("a path")) return std::nullopt;
            o.impl = value;
        } else if (arg == "--impl-name") {
            if (!need("a name")) return std::nullopt;
            o.impl_name = value;
        } else if (arg == "--allow-missing-symbols") {
            if (!no_value()) return std::nullopt;
            o.allow_missing = true;
        } else if (arg == "--suite") {
            if (!need("a path")) return std::nullopt;
            o.suites.push_back(value);
        } else if (arg == "--module-dir") {
            if (!need("a directory")) return std::nullopt;
            o.module_dir = value;
        } else if (arg == "--rules") {
            if (!need("a path")) return std::nullopt;
            o.rules = value;
        } else if (arg == "--filter") {
            if (!need("a glob")) return std::nullopt;
            for (const auto &g : split(value, ':')) {
                if (g.empty() || g == "-") return fail("--filter: empty glob in '" + value + "'");
                o.filters.push_back(g);
            }
        } else if (arg == "--list") {
            if (!no_value()) return std::nullopt;
            o.list = true;
        } else if (arg == "--isolate") {
            if (!need("process or batch")) return std::nullopt;
            if (value == "process") o.isolation = Isolation::Process;
            else if (value == "batch") o.isolation = Isolation::Batch;
            else return fail("--isolate must be 'process' or 'batch', not '" + value + "'");
        } else if (arg == "--batch-size") {
            if (!need("a number")) return std::nullopt;
            if (!parse_int(value, 1, 100000, o.batch_size)) return fail("--batch-size: bad number '" + value + "'");
        } else if (arg == "-j" || arg == "--jobs") {
            if (!need("a number")) return std::nullopt;
            if (!parse_int(value, 1, 1024, o.jobs)) return fail("--jobs: bad number '" + value + "'");
        } else if (arg.rfind("-j", 0) == 0 && arg.size() > 2 && arg[1] == 'j') {
            if (!parse_int(arg.substr(2), 1, 1024, o.jobs)) return fail("bad option " + arg);
        } else if (arg == "--timeout") {
            if (!need("seconds")) return std::nullopt;
            if (!parse_double(value, 0.001, o.timeout_s)) return fail("--timeout: bad number '" + value + "'");
        } else if (arg == "--timeout-multiplier") {
            if (!need("a factor")) return std::nullopt;
            double m = 0;
            if (!parse_double(value, 0.001, m)) return fail("--timeout-multiplier: bad number '" + value + "'");
            o.timeout_multiplier = m;
        } else if (arg == "--shard") {
            if (!need("I/N")) return std::nullopt;
            const auto parts = split(value, '/');
            int idx = 0, cnt = 0;
            if (parts.size() != 2 || !parse_int(parts[0], 1, 100000, idx) ||
                !parse_int(parts[1], 1, 100000, cnt) || idx > cnt)
                return fail("--shard must be I/N with 1 <= I <= N, not '" + value + "'");
            o.shard_index = idx;
            o.shard_count = cnt;
        } else if (arg == "--shuffle") {
            if (!no_value()) return std::nullopt;
            o.shuffle = true;
        } else if (arg == "--seed") {
            if (!need("a number")) return std::nullopt;
            char *end = nullptr;
            errno = 0;
            const unsigned long long s = std::strtoull(value.c_str(), &end, 10);
            if (value.empty() || errno != 0 || *end != '\0' || value[0] == '-')
                return fail("--seed: bad number '" + value + "'");
            o.seed = s;
        } else if (arg == "--repeat") {
            if (!need("a count")) return std::nullopt;
            if (!parse_int(value, 1, 100000, o.repeat)) return fail("--repeat: bad count '" + value + "'");
        } else if (arg == "--expectations") {
            if (!need("a file or 'none'")) return std::nullopt;
            o.expectations = value;
        } else if (arg == "--update-expectations") {
            if (!no_value()) return std::nullopt;
            o.update_expectations = true;
        } else if (arg == "--report-dir") {
            if (!need("a directory")) return std::nullopt;
            o.report_dir = value;
        } else if (arg == "--keep-temp") {
            if (!no_value()) return std::nullopt;
            o.keep_temp = true;
        } else if (arg == "-q" || arg == "--quiet") {
            if (!no_value()) return std::nullopt;
            o.quiet = true;
        } else if (arg == "--color") {
            if (!need("always or never")) return std::nullopt;
            if (value == "always") o.color_forced = true;
            else if (value == "never") o.color_forced = false;
            else if (value != "auto") return fail("--color must be always, never or auto");
        } else {
            return fail("unknown option '" + std::string(argv[i]) + "' (see --help)");
        }
        if (!error->empty()) return std::nullopt;
    }
    if (o.update_expectations && o.expectations == "none")
        return fail("--update-expectations needs an expectations file, not 'none'");
    if (o.seed && !o.shuffle) return fail("--seed only makes sense with --shuffle");
    return o;
}

}  // namespace nke::runner
