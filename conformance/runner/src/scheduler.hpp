// Running the selected tests: N worker processes at a time, each test in a
// fresh process (--isolate=process) or many per process (--isolate=batch),
// every process in its own group with its own scratch directory, under a
// watchdog.
#pragma once

#include "environment.hpp"
#include "model.hpp"
#include "options.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nke::runner {

struct WorkItem {
    size_t test = 0;      // index into the discovered tests
    int repetition = 0;   // 0 .. --repeat - 1
};

struct SchedulerConfig {
    Isolation isolation = Isolation::Process;
    int jobs = 1;
    int batch_size = 0;            // 0: automatic
    double default_timeout_s = 10;
    double multiplier = 1;
    std::string tmp_root;          // scratch directories go below it
    bool keep_temp = false;
    bool shuffle = false;          // batch mode: let gtest shuffle inside a process
    uint64_t seed = 0;
};

struct Executed {
    WorkItem item;
    Attempt attempt;
};

struct SchedulerStats {
    int processes = 0;        // test processes started
    int batch_restarts = 0;   // batch mode: processes started for the rest of a crashed batch
};

using ProgressFn = std::function<void(const TestCase &, const Executed &)>;

// The timeout of one test in seconds, multiplier applied.
double test_timeout(const TestCase &t, const SchedulerConfig &cfg);

std::vector<Executed> run_tests(const std::vector<TestCase> &tests, const std::vector<WorkItem> &work,
                                const TestEnvironment &env, const SchedulerConfig &cfg,
                                const ProgressFn &progress, SchedulerStats *stats);

// The part of a batch process's gtest output that belongs to one test
// (from its "[ RUN      ]" line to its "[       OK ]" / "[  FAILED  ]" line).
std::string output_of_test(std::string_view output, const std::string &gtest_name);

}  // namespace nke::runner
