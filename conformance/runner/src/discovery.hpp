// Test discovery: every suite binary lists its tests, with their rules and
// timeouts, through --nke_list_json (conformance/harness/main.cpp).
#pragma once

#include "environment.hpp"
#include "model.hpp"

#include <string>
#include <vector>

namespace nke::runner {

struct Discovery {
    std::vector<TestCase> tests;
    std::string error;  // non-empty: a binary could not list its tests
};

Discovery discover_tests(const std::vector<std::string> &binaries, const TestEnvironment &env,
                         const std::string &scratch, double timeout_s);

// Parse one binary's --nke_list_json output (exposed for the unit tests).
std::vector<TestCase> parse_test_list(const std::string &json_text, const std::string &binary);

// Give tests that two binaries share a "binary:" prefix so every id is unique.
void make_ids_unique(std::vector<TestCase> &tests);

}  // namespace nke::runner
