// The result file a conformance binary writes for the runner.
//
// Records are appended and flushed at once so that a crash later in the
// process loses nothing already reported.  When a test starts:
//
//   start<TAB>Suite.Name
//   <empty line>
//
// and when it finishes:
//
//   test<TAB>Suite.Name
//   status<TAB>PASS | FAIL | SKIP | NOT_SUPPORTED
//   duration_ms<TAB>time gtest measured for the test
//   message<TAB>first failure or skip reason, with \n, \t and \\ escaped
//   <empty line>
//
// A start without a matching finish names the test a crashed or hung
// process was running (the runner's batch mode relies on it).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace nke::test {

class ResultFileListener : public ::testing::EmptyTestEventListener {
public:
    explicit ResultFileListener(std::string path) : path_(std::move(path)) {}

    void OnTestStart(const ::testing::TestInfo &info) override {
        std::FILE *f = std::fopen(path_.c_str(), "a");
        if (!f) return;
        std::fprintf(f, "start\t%s.%s\n\n", info.test_suite_name(), info.name());
        std::fclose(f);
    }

    void OnTestEnd(const ::testing::TestInfo &info) override {
        const auto *r = info.result();
        std::string status = "PASS", message;
        for (int i = 0; i < r->total_part_count(); ++i) {
            const auto &part = r->GetTestPartResult(i);
            if (part.failed() && message.empty()) {
                message = std::string(part.file_name() ? part.file_name() : "?") + ":" +
                          std::to_string(part.line_number()) + ": " + part.summary();
            }
            if (part.skipped() && message.empty()) message = part.message();
        }
        if (r->Failed()) status = "FAIL";
        else if (r->Skipped())
            status = message.rfind("NOT_SUPPORTED", 0) == 0 ? "NOT_SUPPORTED" : "SKIP";
        std::FILE *f = std::fopen(path_.c_str(), "a");
        if (!f) return;
        std::fprintf(f, "test\t%s.%s\nstatus\t%s\nduration_ms\t%lld\nmessage\t%s\n\n",
                     info.test_suite_name(), info.name(), status.c_str(),
                     static_cast<long long>(r->elapsed_time()), escape(message).c_str());
        std::fclose(f);
    }

    static std::string escape(const std::string &s) {
        std::string out;
        for (char c : s) {
            if (c == '\n') out += "\\n";
            else if (c == '\t') out += "\\t";
            else if (c == '\\') out += "\\\\";
            else out += c;
        }
        return out;
    }

private:
    std::string path_;
};

}  // namespace nke::test
