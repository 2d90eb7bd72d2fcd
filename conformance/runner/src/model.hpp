// The data the runner's stages hand to each other: the tests found in the
// suite binaries, the implementation under test, and the results.
#pragma once

#include "outcome.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nke::runner {

// One test of a suite binary, as --nke_list_json describes it.
struct TestCase {
    std::string id;           // "Suite.Name" (binary-qualified if two binaries share it)
    std::string gtest_name;   // "Suite.Name", for --gtest_filter
    std::string binary;       // absolute path of the suite binary
    std::vector<std::string> rules;
    std::string file;
    int line = 0;
    int timeout_s = 0;        // from NKE_TIMEOUT; 0 = the runner's default
    bool disabled = false;    // gtest DISABLED_ prefix
    std::string chapter;      // spec chapter of the first rule (rules.json)
};

// What the ABI check learned about the implementation.
struct ImplInfo {
    std::string path;         // absolute path of the shared object
    std::string name;         // nke_harness_v1()->impl_name
    std::string version;      // nke_harness_v1()->impl_version
    std::string slug;         // file-name form of the name ("reference")
    unsigned abi_major = 0;
    unsigned abi_minor = 0;
    unsigned harness_size = 0;
    std::vector<std::string> hooks;  // optional hooks it provides
};

// An expectations-file entry that applied to a test.
struct Expectation {
    std::string pattern;
    Outcome outcome = Outcome::Fail;  // FAIL, CRASH, TIMEOUT or SKIP
    std::string reason;
    int line = 0;
};

// One execution of one test.
struct Attempt {
    Outcome outcome = Outcome::Broken;
    std::string message;
    int64_t wall_ms = 0;      // process start to exit (process mode) or share of the batch
    int64_t test_ms = -1;     // gtest's own measurement, -1 if unknown
    std::string output_tail;  // last lines of stdout+stderr
    std::string reproduce;    // RapidCheck reproduce string, if printed
};

struct TestResult {
    size_t test = 0;          // index into the discovered tests
    bool ran = false;         // false: skipped by an expectation
    Outcome raw = Outcome::Broken;      // what happened (attempts folded)
    Outcome outcome = Outcome::Broken;  // after the expectations file
    std::optional<Expectation> expected;
    std::string message;
    std::vector<Attempt> attempts;
};

}  // namespace nke::runner
