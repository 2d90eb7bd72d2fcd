#include "classify.hpp"

#include "process.hpp"
#include "text.hpp"

#include <sys/wait.h>

#include <cstdio>

namespace nke::runner {

std::optional<SanitizerReport> find_sanitizer_report(std::string_view output) {
    std::optional<SanitizerReport> rep;
    std::string_view rest = output;
    while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        const std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);

        static constexpr std::string_view kTools[] = {"AddressSanitizer", "LeakSanitizer",
                                                      "ThreadSanitizer", "MemorySanitizer",
                                                      "UndefinedBehaviorSanitizer"};
        for (const std::string_view tool : kTools) {
            const std::string head_err = "ERROR: " + std::string(tool) + ": ";
            const std::string head_warn = "WARNING: " + std::string(tool) + ": ";
            const std::string head_fatal = "FATAL: " + std::string(tool);
            const std::string head_sum = "SUMMARY: " + std::string(tool) + ": ";
            size_t at, head = head_err.size();
            if ((at = line.find(head_err)) != std::string_view::npos ||
                ((head = head_warn.size()), (at = line.find(head_warn)) != std::string_view::npos)) {
                if (!rep) rep = SanitizerReport{std::string(tool), std::string(trim(line.substr(at))), false, false, {}};
                const std::string_view what = line.substr(at + head);
                static constexpr std::pair<std::string_view, std::string_view> kDeadly[] = {
                    {"SEGV", "SIGSEGV"}, {"BUS", "SIGBUS"},  {"FPE", "SIGFPE"},           {"ILL", "SIGILL"},
                    {"ABRT", "SIGABRT"}, {"stack-overflow", "SIGSEGV"}, {"deadly signal", "a deadly signal"}};
                for (const auto &[word, sig] : kDeadly) {
                    if (rep->tool == tool && !rep->deadly && what.rfind(word, 0) == 0) {
                        rep->deadly = true;
                        rep->signal = std::string(sig);
                    }
                }
            } else if ((at = line.find(head_fatal)) != std::string_view::npos) {
                if (!rep) rep = SanitizerReport{std::string(tool), std::string(trim(line.substr(at))), false, true, {}};
            } else if ((at = line.find(head_sum)) != std::string_view::npos) {
                // The first SUMMARY line is the best one-line description
                // (LeakSanitizer's summary is printed as AddressSanitizer's).
                if (!rep) rep = SanitizerReport{std::string(tool), "", false, false, {}};
                if (rep->summary.rfind("SUMMARY: ", 0) != 0) rep->summary = std::string(trim(line.substr(at)));
            }
        }
        // UBSan without halt_on_error prints only "file:line:col: runtime error: ..."
        if (!rep && line.find(": runtime error: ") != std::string_view::npos) {
            rep = SanitizerReport{"UndefinedBehaviorSanitizer", std::string(trim(line)), false, false, {}};
        }
    }
    return rep;
}

std::string find_rc_reproduce(std::string_view output) {
    static constexpr std::string_view kKey = "RC_PARAMS=\"reproduce=";
    const size_t at = output.rfind(kKey);
    if (at == std::string_view::npos) return {};
    const size_t start = at + kKey.size();
    const size_t end = output.find('"', start);
    if (end == std::string_view::npos) return {};
    return std::string(output.substr(start, end - start));
}

Attempt classify(const ProcessEnd &end, const Record *finish, bool started, std::string_view output) {
    Attempt a;
    a.reproduce = find_rc_reproduce(output);
    if (finish) a.test_ms = finish->duration_ms;
    const auto san = find_sanitizer_report(output);
    const std::string reported = finish ? " after the test reported " + finish->status : "";

    if (end.timed_out) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", end.timeout_s);
        a.outcome = Outcome::Timeout;
        a.message = std::string("no result within ") + buf + " s; the process group was killed";
        if (finish) a.message += " (the test had reported " + finish->status + ")";
        return a;
    }
    if (san && san->tool_failure) {
        a.outcome = Outcome::Broken;
        a.message = "the sanitizer runtime failed, not the implementation: " + san->summary;
        return a;
    }
    if (san) {
        a.outcome = san->deadly ? Outcome::Crash : Outcome::Fail;
        a.message = (san->deadly ? "killed by " + san->signal + ", caught by " + san->tool + ": " : std::string()) +
                    san->summary + reported;
        if (WIFSIGNALED(end.status)) a.message += " (" + describe_status(end.status) + ")";
        return a;
    }
    if (WIFSIGNALED(end.status)) {
        a.outcome = Outcome::Crash;
        a.message = describe_status(end.status);
        if (finish) a.message += reported;
        else if (started) a.message += " while running the test";
        else a.message += " before the test started";
        if (finish && finish->status == "FAIL" && !finish->message.empty())
            a.message += "; first failure: " + std::string(first_line(finish->message));
        return a;
    }
    const int code = WIFEXITED(end.status) ? WEXITSTATUS(end.status) : -1;
    if (finish) {
        const std::string &st = finish->status;
        a.message = finish->message;
        if (st == "FAIL") {
            a.outcome = Outcome::Fail;
        } else if (st == "SKIP" || st == "NOT_SUPPORTED") {
            a.outcome = st == "SKIP" ? Outcome::Skip : Outcome::NotSupported;
            if (code != 0) {
                a.outcome = Outcome::Fail;
                a.message = "the test was skipped but the process then ended with " + describe_status(end.status);
            }
        } else if (st == "PASS") {
            a.outcome = Outcome::Pass;
            if (code != 0) {
                a.outcome = Outcome::Fail;
                a.message = "the test passed but the process then ended with " + describe_status(end.status) +
                            " (a failure at exit: static destructors, atexit handlers, a leak checker)";
            }
        } else {
            a.outcome = Outcome::Broken;
            a.message = "unknown status '" + st + "' in the result file";
        }
        return a;
    }
    if (code == 0) {
        a.outcome = Outcome::Broken;
        a.message = "the suite binary exited without running the test";
    } else if (code == 127 && output.find("symbol lookup error") != std::string_view::npos) {
        // Lazy binding met a function the implementation does not define
        // (--allow-missing-symbols).
        const size_t at = output.find("undefined symbol: ");
        std::string sym = at == std::string_view::npos ? "?" : std::string(first_line(output.substr(at + 18)));
        if (const size_t comma = sym.find(','); comma != std::string::npos) sym.resize(comma);
        a.outcome = Outcome::Fail;
        a.message = "the implementation does not define " + sym + " (symbol lookup error)";
    } else if (code == 127) {
        a.outcome = Outcome::Broken;
        a.message = "the suite binary could not be started (exit status 127)";
    } else {
        a.outcome = Outcome::Fail;
        a.message = "the process ended with " + describe_status(end.status) + " without reporting a result" +
                    (started ? " (while running the test)" : "");
    }
    return a;
}

}  // namespace nke::runner
