#include "outcome.hpp"

namespace nke::runner {

std::string_view outcome_name(Outcome o) {
    switch (o) {
    case Outcome::Pass: return "PASS";
    case Outcome::Fail: return "FAIL";
    case Outcome::Crash: return "CRASH";
    case Outcome::Timeout: return "TIMEOUT";
    case Outcome::NotSupported: return "NOT_SUPPORTED";
    case Outcome::Skip: return "SKIP";
    case Outcome::XFail: return "XFAIL";
    case Outcome::XPass: return "XPASS";
    case Outcome::Broken: return "BROKEN";
    }
    return "BROKEN";
}

std::optional<Outcome> parse_outcome(std::string_view name) {
    for (Outcome o : kAllOutcomes) {
        if (outcome_name(o) == name) return o;
    }
    return std::nullopt;
}

bool is_acceptable(Outcome o) {
    return o == Outcome::Pass || o == Outcome::XFail || o == Outcome::NotSupported ||
           o == Outcome::Skip;
}

bool is_failure(Outcome o) {
    return o == Outcome::Fail || o == Outcome::Crash || o == Outcome::Timeout;
}

Bucket bucket_of(Outcome o) {
    switch (o) {
    case Outcome::Pass: return Bucket::Passed;
    case Outcome::Skip:
    case Outcome::NotSupported:
    case Outcome::XFail: return Bucket::Skipped;
    default: return Bucket::Failed;
    }
}

int severity(Outcome o) {
    switch (o) {
    case Outcome::Pass: return 0;
    case Outcome::Skip: return 1;
    case Outcome::NotSupported: return 2;
    case Outcome::XFail: return 3;
    case Outcome::XPass: return 4;
    case Outcome::Fail: return 5;
    case Outcome::Timeout: return 6;
    case Outcome::Crash: return 7;
    case Outcome::Broken: return 8;
    }
    return 8;
}

}  // namespace nke::runner
