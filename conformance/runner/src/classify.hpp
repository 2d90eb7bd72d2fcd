// From "how did the process end, what did it report, what did it print" to
// one result.  The rules (README.md, "Results"):
//   - killed by the watchdog                           -> TIMEOUT
//   - a sanitizer report in the output                 -> FAIL (even after a
//     PASS record), or CRASH when the report is a deadly signal (SEGV...)
//   - killed by a signal                               -> CRASH (signal name)
//   - a result record                                  -> its status
//   - exit 0 without a record                          -> BROKEN (did not run)
//   - another exit without a record                    -> FAIL
#pragma once

#include "model.hpp"
#include "records.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace nke::runner {

struct SanitizerReport {
    std::string tool;     // "AddressSanitizer", "UndefinedBehaviorSanitizer", ...
    std::string summary;  // the SUMMARY line, or the ERROR line
    bool deadly = false;  // the sanitizer reported a fatal signal (SEGV, BUS, ...)
    bool tool_failure = false;  // the sanitizer runtime itself failed (FATAL: ...)
    std::string signal;   // the fatal signal's name ("SIGSEGV"), when deadly
};

std::optional<SanitizerReport> find_sanitizer_report(std::string_view output);

// The opaque value of RC_PARAMS="reproduce=..." that RapidCheck prints.
std::string find_rc_reproduce(std::string_view output);

struct ProcessEnd {
    bool timed_out = false;
    double timeout_s = 0;
    int status = 0;        // waitpid status (ignored when timed_out)
};

// finish: the test's finish record, if any; started: whether it was seen to
// start (a start record, or process mode where it is the only test).
Attempt classify(const ProcessEnd &end, const Record *finish, bool started, std::string_view output);

}  // namespace nke::runner
