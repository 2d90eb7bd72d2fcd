// Expectation files (conformance/expectations/<impl>.txt): the known
// failures of one implementation, each with a reason.
//
//   # comment
//   <test id or glob>  <FAIL|CRASH|TIMEOUT|SKIP>  <reason, required>
//
// FAIL, CRASH and TIMEOUT entries still run the test: the matching outcome
// becomes XFAIL, a pass becomes XPASS (an error: the entry is out of date).
// SKIP entries are not run.  An entry that matches no test is an error.  An
// exact id wins over a glob; among globs the first in the file wins.
#pragma once

#include "model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nke::runner {

struct ExpectationFile {
    std::string path;
    std::string header;                 // the leading comment block, kept on update
    std::vector<Expectation> entries;
};

// Parse; on an error returns nullopt with "path:line: what" in *error.
std::optional<ExpectationFile> parse_expectations(std::string_view text, const std::string &path,
                                                  std::string *error);

// The entry that applies to the test, or nullptr.
const Expectation *match_expectation(const ExpectationFile &file, const TestCase &test);

// Entries that match none of the given tests (all discovered tests, before
// any filter), in file order.
std::vector<Expectation> stale_expectations(const ExpectationFile &file, const std::vector<TestCase> &tests);

// The outcome after the expectation, and a note for the message ("" if none).
Outcome apply_expectation(Outcome raw, const Expectation *e, std::string *note);

// The file's new text after a run: entries whose tests now behave as written
// are kept, passing tests lose theirs, new failures get exact entries
// ("new failure <date>: <message>"), entries for tests that did not run this
// time are kept unchanged.
std::string updated_expectations(const ExpectationFile &file, const std::vector<TestCase> &tests,
                                 const std::vector<TestResult> &results, const std::string &date);

}  // namespace nke::runner
