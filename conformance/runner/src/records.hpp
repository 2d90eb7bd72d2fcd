// Reading the result file a suite binary writes (conformance/harness/
// result_file.hpp): "start" records when a test begins, "test" records with
// status, gtest duration and message when it ends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nke::runner {

struct Record {
    bool start = false;          // a start record (only `test` is set)
    std::string test;            // "Suite.Name"
    std::string status;          // PASS, FAIL, SKIP, NOT_SUPPORTED
    int64_t duration_ms = -1;
    std::string message;         // unescaped
};

// Every complete record of the file; an unterminated last record (the
// process died while writing it) is ignored.
std::vector<Record> parse_records(std::string_view text);

// Undo the harness's escaping of \n, \t and backslash.
std::string unescape_record_value(std::string_view v);

}  // namespace nke::runner
