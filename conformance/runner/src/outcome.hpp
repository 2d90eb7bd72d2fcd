// The result vocabulary of the runner (conformance-practices §4: the union of
// ATF, dEQP and deqp-runner, minus FLAKE).
#pragma once

#include <optional>
#include <string_view>

namespace nke::runner {

enum class Outcome {
    Pass,          // the test ran and passed
    Fail,          // an assertion failed, a leak was found, a sanitizer reported
    Crash,         // the process died by a signal
    Timeout,       // the watchdog killed the process group
    NotSupported,  // the implementation lacks a harness hook the test needs
    Skip,          // not run, with a reason (test's own skip or an expectation)
    XFail,         // failed as the expectations file says it would
    XPass,         // passed although the expectations file says it fails: an error
    Broken,        // the harness or the runner went wrong, not the implementation
};

inline constexpr Outcome kAllOutcomes[] = {
    Outcome::Pass, Outcome::Fail,   Outcome::Crash, Outcome::Timeout, Outcome::NotSupported,
    Outcome::Skip, Outcome::XFail, Outcome::XPass, Outcome::Broken};

std::string_view outcome_name(Outcome o);
std::optional<Outcome> parse_outcome(std::string_view name);

// The outcomes that make the run succeed (exit code 0).
bool is_acceptable(Outcome o);

// Did the implementation fail the test (FAIL, CRASH, TIMEOUT)?
bool is_failure(Outcome o);

// The three buckets of the closing "N passed, N failed, N skipped" line.
enum class Bucket { Passed, Failed, Skipped };
Bucket bucket_of(Outcome o);

// Worse outcomes have larger ranks (used to fold --repeat attempts).
int severity(Outcome o);

}  // namespace nke::runner
